#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: what lock_stat_lite costs, measured side by side in one run.
# Builds (or reuses) the feature-off (=n), feature-on and LOCK_STAT kernels,
# boots each in the same guest setup and runs harness/guest/bench: the
# lock_stat_lite_bench module and hackbench/stress-ng loads.  The on kernel
# runs twice, with the runtime switch off and on.
#
# Guests run under QEMU's -icount shift=0,sleep=off with a 1 GHz TSC
# (BENCH_ICOUNT=0: plain TCG or KVM, host time), so every guest ns is an
# executed instruction: the module's pairs become instruction counts, and
# the loads' times instructions spent by all vCPUs.  Each kernel boots a
# second time for the module alone; any uncontended pair whose count moved
# by more than 1% between the two boots fails the run.  Prints the
# instruction table (empty loop subtracted) and the table of medians and
# ratios against =n, and writes build/bench/bench.{txt,csv,png}.
. "$(dirname "$0")/lib.sh"
. "$REPO/harness/guest.sh"

out=$B/bench
mkdir -p "$out"
BENCH_ICOUNT=${BENCH_ICOUNT:-1}
# Module parameters, and load repetitions and seconds.  Under icount a
# second is 10^9 instructions of all vCPUs, and counts repeat, so fewer
# and shorter runs say as much.
if [ "$BENCH_ICOUNT" != 0 ]; then
	BENCH_ARGS=${BENCH_ARGS:-iters=20000,reps=5,duration_ms=50}
	BENCH_LOADS=${BENCH_LOADS:-lsl.reps=3 lsl.secs=1}
else
	BENCH_ARGS=${BENCH_ARGS:-iters=100000,reps=11,duration_ms=200}
	BENCH_LOADS=${BENCH_LOADS:-lsl.reps=5 lsl.secs=3}
fi
export GUEST_ICOUNT=$BENCH_ICOUNT

"$REPO/harness/prepare.sh"
for v in off on lockstat; do
	"$REPO/harness/build.sh" "$v"
done

: > "$out/raw.txt"
: > "$out/raw-again.txt"
for run in "off n" "on off,on" "lockstat lockstat"; do
	set -- $run
	build_initramfs "$1"
	say "bench: variant $1, modes $2"
	boot_guest "$1" bench "${BENCH_TIMEOUT:-1800}" "bench-$1" \
		"lsl.modes=$2 lsl.bench=$BENCH_ARGS $BENCH_LOADS" ||
		die "bench guest on $1 failed (log: $LOGS/bench-$1.result)"
	grep '^R ' "$LOGS/bench-$1.result" >> "$out/raw.txt"
	[ "$BENCH_ICOUNT" != 0 ] || continue
	boot_guest "$1" bench "${BENCH_TIMEOUT:-1800}" "bench-$1-again" \
		"lsl.modes=$2 lsl.bench=$BENCH_ARGS lsl.loads=0" ||
		die "bench guest on $1 failed (log: $LOGS/bench-$1-again.result)"
	grep '^R ' "$LOGS/bench-$1-again.result" >> "$out/raw-again.txt"
done

# Instructions per uncontended pair, the minimum over repetitions less the
# empty loop's, per mode; then the loads in instructions per operation
# (hackbench -g 4 -l 100 sends 4 * 20 * 20 * 100 messages).
insn_table()
{
	awk '$4 == "ns" { v[$2, $3] = $6; if (!($3 in seen)) { seen[$3] = 1; o[++n] = $3 } }
	     $3 == "hackbench_elapsed" { hb[$2] = $5 * 1e9 / 160000 }
	     $3 ~ /^stress_.*_ops$/ && $5 > 0 { st[$2, $3] = 1e9 / $5; if (!($3 in sseen)) { sseen[$3] = 1; so[++sn] = $3 } }
	     END {
		split("n off on lockstat", m, " ")
		printf "%-20s %9s %9s %7s %9s %7s %9s %7s\n", "pair (insns)", "=n", "on,off", "off-n", "on,on", "on/n", "LOCK_STAT", "LS/n"
		for (i = 1; i <= n; i++) {
			k = o[i]
			if (k == "empty_loop") continue
			for (j = 1; j <= 4; j++) net[j] = v[m[j], k] - v[m[j], "empty_loop"]
			printf "%-20s %9.2f %9.2f %+7.2f %9.2f %6.2fx %9.2f %6.2fx\n", k, net[1], net[2],
				net[2] - net[1], net[3], (net[1] > 0 ? net[3] / net[1] : 0),
				net[4], (net[1] > 0 ? net[4] / net[1] : 0)
		}
		printf "%-20s %9.2f %9.2f %7s %9.2f %7s %9.2f\n", "(empty loop)", v["n", "empty_loop"],
			v["off", "empty_loop"], "", v["on", "empty_loop"], "", v["lockstat", "empty_loop"]
		if (hb["n"] > 0) {
			printf "\n%-20s %9s %9s %7s %9s %7s %9s %7s\n", "load (insns/op)", "=n", "on,off", "/=n", "on,on", "/=n", "LOCK_STAT", "/=n"
			printf "%-20s %9.0f %9.0f %6.3fx %9.0f %6.3fx %9.0f %6.3fx\n", "hackbench_message",
				hb["n"], hb["off"], hb["off"] / hb["n"], hb["on"], hb["on"] / hb["n"],
				hb["lockstat"], hb["lockstat"] / hb["n"]
			for (i = 1; i <= sn; i++) {
				k = so[i]; b = st["n", k]
				printf "%-20s %9.0f %9.0f %6.3fx %9.0f %6.3fx %9.0f %6.3fx\n", k, b,
					st["off", k], (b > 0 ? st["off", k] / b : 0), st["on", k], (b > 0 ? st["on", k] / b : 0),
					st["lockstat", k], (b > 0 ? st["lockstat", k] / b : 0)
			}
		}
	}' "$out/raw.txt"
}

# Uncontended pairs of the two boots of each kernel, which must agree.
repeat_check()
{
	awk 'NR == FNR { if ($4 == "ns") a[$2, $3] = $6; next }
	     $4 == "ns" && (($2, $3) in a) { d = a[$2, $3] > 0 ? ($6 - a[$2, $3]) / a[$2, $3] : 0
		n++; if (d < 0) d = -d; if (d > max) { max = d; worst = $2 " " $3 }
		if (d > 0.01) { bad++; printf "  %s %s: %s then %s instructions (%.2f%%)\n", $2, $3, a[$2, $3], $6, d * 100 } }
	     END { printf "two boots of each kernel, %d uncontended counts: largest difference %.3f%% (%s)\n", n, max * 100, worst
		   exit (n == 0 || bad > 0) }' "$out/raw.txt" "$out/raw-again.txt"
}

# CSV: one row per metric and mode, with the ratio to =n.
awk 'BEGIN { OFS = ","; print "metric,unit,mode,median,min,max,ratio_vs_n" }
     { key = $3; unit[key] = $4; if ($2 == "n") base[key] = $5
       row[NR] = $0 }
     END { for (i = 1; i <= NR; i++) { split(row[i], f, " ")
             r = base[f[3]] > 0 ? f[5] / base[f[3]] : 0
             print f[3], f[4], f[2], f[5], f[6], f[7], sprintf("%.3f", r) } }' \
	"$out/raw.txt" > "$out/bench.csv"

repeat_ok=1
if [ "$BENCH_ICOUNT" != 0 ]; then
	repeat_check > "$out/repeat.txt" || repeat_ok=0
	clock="tcg -icount shift=0,sleep=off, tsc_early_khz=1000000 (1 ns = 1 instruction)"
else
	clock="$(pick_accel on), $(guest_tsc_arg) (host time: noisy under TCG)"
fi
{
	echo "lock_stat_lite bench, $(date -u +%Y-%m-%d), guest: ${GUEST_CPUS:-4} vCPUs under $clock"
	echo "module: $BENCH_ARGS; loads: $BENCH_LOADS"
	echo
	if [ "$BENCH_ICOUNT" != 0 ]; then
		echo "instructions per uncontended lock/unlock pair (min over reps, empty loop subtracted);"
		echo "loads: instructions of all vCPUs per operation (median)"
		insn_table
		echo
		cat "$out/repeat.txt"
		echo
	fi
	echo "medians [min-max]; ratio = median / median(=n)"
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
	echo "memory at boot (on): $(grep -h -m1 -o 'lock_stat_lite: .*sites.*' "$LOGS/bench-on.result" || echo unknown)"
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
[ $repeat_ok = 1 ] || die "two boots of one kernel disagree by more than 1% on an instruction count"
