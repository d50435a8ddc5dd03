#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make run SCENARIO=pcp-exits|pcp-remote|pcp-bench: the per-CPU pageblock
# owner allocator against the allocator without it, side by side.  The
# feature-on kernel has the allocator built in; it boots once with
# pcp_owner=off (today's code paths) and once with ownership engaged
# (pcp_owner_min_cpus=1: the 4-CPU guest is below the default of 8), the
# same guest and the same fixed work each time.
#
# By default the guests run under -icount shift=0,sleep=off: the
# lock_stat_lite counts are exact (lock_stat_lite_sample=1, every
# acquisition and hold recorded) and elapsed guest time is instructions of
# all vCPUs.  Single-threaded TCG contends a lock only when a vCPU's turn
# ends inside a critical section, so contention and wait come from
# GUEST_MTTCG=1 PCP_RUNS=5, whose medians this prints instead.
#
# pcp-bench runs hackbench and stress-ng fork/pipe/fault with a fixed
# number of operations, lock_stat_lite switched off, and prints
# instructions per operation.
. "$(dirname "$0")/lib.sh"
. "$REPO/harness/guest.sh"

# summarise RESULT: a line per metric of one run: the sums over the
# zone->lock and pcp->lock rows of its raw table, and the load's time.
summarise()
{
	local f=$1
	awk -v f="$f" '
	/^== raw \/proc\/lock_stat_lite begin$/ { raw = 1; next }
	/^== raw \/proc\/lock_stat_lite end$/ { raw = 0; next }
	/^LSL-PCP elapsed_ns=/ { sub(/.*elapsed_ns=/, ""); el = $1 + 0 }
	/^R / { ops[$2] = $3; ns[$2] = $4 }
	raw && /lock=zone->lock/ { zacq += $7; zhold += $12 * $13; zcon += $2; zwait += $3 }
	raw && /lock=pcp->lock/ { pacq += $7; phold += $12 * $13; pcon += $2; pwait += $3 }
	END {
		# %.0f: host ns of a multi-threaded run pass 2^31, where
		# mawk clamps %d.
		printf "zone_acq %.0f\nzone_hold %.0f\nzone_con %.0f\nzone_wait %.0f\n", zacq, zhold, zcon, zwait
		printf "pcp_acq %.0f\npcp_hold %.0f\npcp_con %.0f\npcp_wait %.0f\n", pacq, phold, pcon, pwait
		printf "zone_pcp_hold %.0f\nelapsed %.0f\n", zhold + phold, el
		for (k in ops) printf "%s_per_op %.1f\n", k, ns[k] / ops[k]
	}' "$f"
}

# print_table DIR SCENARIO HEADING: the medians of the runs saved in DIR
# as SCENARIO-MODE-N.result, side by side.
print_table()
{
	local dir=$1 s=$2 m f
	for m in off on; do
		for f in "$dir/$s-$m-"*.result; do
			summarise "$f" | sed "s/^/$m /"
		done
	done > "$dir/summary.txt"
	{
		echo "$s: pcp_owner=off against ownership on, median; $3"
		printf "%-22s %16s %16s %9s\n" metric off on change
		awk '
		{ v[$1, $2, ++n[$1, $2]] = $3; if (!($2 in seen)) { seen[$2] = 1; order[++k] = $2 } }
		function median(m, key,   i, j, c, a, t) {
			c = n[m, key]
			for (i = 1; i <= c; i++) a[i] = v[m, key, i]
			for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
		}
		END {
			for (i = 1; i <= k; i++) {
				key = order[i]; a = median("off", key); b = median("on", key)
				if (a == 0 && b == 0)
					continue
				printf "%-22s %16.1f %16.1f %8s\n", key, a, b, a ? sprintf("%+.1f%%", (b - a) * 100 / a) : "-"
			}
		}' "$dir/summary.txt"
	} | tee "$dir/table.txt"
}

# --table DIR SCENARIO: the table of runs booted elsewhere (another
# machine's SCENARIO-off-N.result and SCENARIO-on-N.result files).
if [ "${1:-}" = --table ]; then
	print_table "${2:?directory}" "${3:?scenario}" \
		"$(ls "$2/$3-off-"*.result | wc -l) and $(ls "$2/$3-on-"*.result | wc -l) runs saved in $2"
	exit
fi

s=${1:?scenario}
runs=${PCP_RUNS:-1}
out=$B/run/$s-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
if [ "${GUEST_MTTCG:-0}" = 0 ]; then
	export GUEST_ICOUNT=${GUEST_ICOUNT:-1}
fi
timing=host-ns
[ "${GUEST_ICOUNT:-0}" = 0 ] || timing=instructions

"$REPO/harness/prepare.sh"
"$REPO/harness/build.sh" on
build_initramfs on

declare -A mode_args=(
	[off]="pcp_owner=off"
	[on]="pcp_owner_min_cpus=1"
)
# A boot that dies is booted again, up to twice: QEMU 7.2's multi-threaded
# TCG sometimes runs a stale int3 after a static key update or hangs in
# early boot (see the rst, Reliability).  The retries are counted.
died=0
for r in $(seq "$runs"); do
	for m in off on; do
		name=$s-$m-$r
		for try in 1 2 3; do
			say "$s: run $r of $runs, pcp_owner $m"
			boot_guest on "$s" "${RUN_TIMEOUT:-900}" "$name" \
				"lock_stat_lite=1 lock_stat_lite_sample=1 ${mode_args[$m]} ${PCP_ARGS:-}" &&
				break
			[ "$try" = 3 ] &&
				die "$s guest failed 3 times, pcp_owner $m (log: $LOGS/$name.result, console: $LOGS/$name.console)"
			died=$((died + 1))
			cp "$LOGS/$name.console" "$out/$name.died-$try.console"
		done
		cp "$LOGS/$name.result" "$out/$name.result"
		sed -n '/^== raw \/proc\/lock_stat_lite begin$/,/^== raw \/proc\/lock_stat_lite end$/p' \
			"$LOGS/$name.result" | sed '1d;$d' > "$out/$name.txt"
	done
done

print_table "$out" "$s" \
	"$runs run(s) each; times in ns ($timing); $died boot(s) died and were rerun"
say "saved the runs, their tables and $out/table.txt"
