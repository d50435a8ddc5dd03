#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: what lock_stat_lite costs, measured side by side in one run.
# Builds (or reuses) the feature-off (=n), feature-on and LOCK_STAT kernels,
# boots each in the same guest setup and runs harness/guest/bench: the
# lock_stat_lite_bench module and hackbench/stress-ng loads.  The on kernel
# runs twice, with the runtime switch off and on.  Prints a table of
# medians and ratios against =n, and writes build/bench/bench.{txt,csv,png}.
. "$(dirname "$0")/lib.sh"
. "$REPO/harness/guest.sh"

out=$B/bench
mkdir -p "$out"
# Module parameters and load repetitions; make check runs tiny ones.
BENCH_ARGS=${BENCH_ARGS:-iters=100000,reps=11,duration_ms=200}

"$REPO/harness/prepare.sh"
for v in off on lockstat; do
	"$REPO/harness/build.sh" "$v"
done

: > "$out/raw.txt"
for run in "off n" "on off,on" "lockstat lockstat"; do
	set -- $run
	build_initramfs "$1"
	say "bench: variant $1, modes $2 (accelerator: $(pick_accel "$1"))"
	boot_guest "$1" bench "${BENCH_TIMEOUT:-1800}" "bench-$1" \
		"lsl.modes=$2 lsl.bench=$BENCH_ARGS" ||
		die "bench guest on $1 failed (log: $LOGS/bench-$1.result)"
	grep '^R ' "$LOGS/bench-$1.result" >> "$out/raw.txt"
done

# CSV: one row per metric and mode, with the ratio to =n.
awk 'BEGIN { OFS = ","; print "metric,unit,mode,median,min,max,ratio_vs_n" }
     { key = $3; unit[key] = $4; if ($2 == "n") base[key] = $5
       row[NR] = $0 }
     END { for (i = 1; i <= NR; i++) { split(row[i], f, " ")
             r = base[f[3]] > 0 ? f[5] / base[f[3]] : 0
             print f[3], f[4], f[2], f[5], f[6], f[7], sprintf("%.3f", r) } }' \
	"$out/raw.txt" > "$out/bench.csv"

accel=$(pick_accel on)
{
	echo "lock_stat_lite bench, $(date -u +%Y-%m-%d), guest: ${GUEST_CPUS:-4} vCPUs under $accel, $(guest_tsc_arg)"
	echo "module: $BENCH_ARGS; loads: 5 repetitions; median [min-max]; ratio = median / median(=n)"
	echo
	printf '%-22s %-6s %24s %24s %24s %24s\n' metric unit "=n" "on, switched off" \
		"on, switched on" "LOCK_STAT"
	awk -F, 'NR > 1 { k = $1; if (!(k in seen)) { seen[k] = 1; order[++n] = k }
		unit[k] = $2; v[k, $3] = sprintf("%s [%s-%s]", $4, $5, $6); r[k, $3] = $7 }
		END { for (i = 1; i <= n; i++) { k = order[i]
			printf "%-22s %-6s %24s", k, unit[k], v[k, "n"]
			split("off on lockstat", m, " ")
			for (j = 1; j <= 3; j++)
				printf " %15s %7.3fx", v[k, m[j]], r[k, m[j]]
			printf "\n" } }' "$out/bench.csv"
	echo
	echo "code size (bytes, nm -S):"
	printf '%-30s %8s %8s %8s\n' function "=n" on LOCK_STAT
	for f in _raw_spin_lock _raw_spin_unlock _raw_spin_lock_irqsave _raw_spin_unlock_irqrestore; do
		printf '%-30s' "$f"
		for v in off on lockstat; do
			printf ' %8d' "$((16#$(nm -S "$(out_dir $v)/vmlinux" |
				awk -v f="$f" '$4 == f { print $2 }')))"
		done
		echo
	done
	echo "vmlinux (size):"
	for v in off on lockstat; do
		printf '  %-9s %s\n' "$v" "$(size "$(out_dir $v)/vmlinux" | awk 'NR == 2 { print "text " $1 " data " $2 " bss " $3 }')"
	done
	echo "memory at boot (on): $(grep -h -m1 -o 'lock_stat_lite: .*sites.*' "$LOGS/bench-on.console" || echo unknown)"
	echo
	echo "cross-check on the on kernel (switched on), one hackbench run:"
	sed -n '/^== cross-check/,/^== \/proc\/lock_stat_lite header/p' "$LOGS/bench-on.result" |
		sed '$d'
} | tee "$out/bench.txt"

if command -v gnuplot > /dev/null; then
	awk -F, 'NR > 1 && $3 != "n" { r[$1, $3] = $7; if (!($1 in s)) { s[$1] = 1; o[++n] = $1 } }
		END { for (i = 1; i <= n; i++) print o[i], r[o[i], "off"], r[o[i], "on"], r[o[i], "lockstat"] }' \
		"$out/bench.csv" > "$out/ratios.dat"
	gnuplot <<EOF
set terminal png size 1200,600
set output "$out/bench.png"
set title "lock_stat_lite: median / median of the =n kernel (time: lower is better; ops/s: higher is better)"
set style data histograms
set style histogram clustered gap 1
set style fill solid border -1
set logscale y
set ylabel "ratio to =n (log scale)"
set xtics rotate by -45
set key top left
plot "$out/ratios.dat" using 2:xtic(1) title "on, switched off", '' using 3 title "on, switched on", '' using 4 title "LOCK_STAT"
EOF
	say "chart: $out/bench.png"
fi
say "table: $out/bench.txt, CSV: $out/bench.csv"
