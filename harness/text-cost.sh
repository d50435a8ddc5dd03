#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# harness/text-cost.sh [x86|arm64|arm64-none ...]: what lock_stat_lite
# adds to the kernel image (make text-cost).  For each config the kernel
# is built twice, with the feature alone (configs/lsl-alone.config: no
# KUnit suite, no pageblock owner) and without it, and compared:
#
#   size        vmlinux text, data and bss (size(1)), and their sum
#   own         functions of lock_stat_lite.c and of the lock functions
#               that call it (kernel/locking/), by bloat-o-meter
#   callers     every other function's growth: where the architecture
#               inlines the lock functions, the hooks at each call
#   sites       calls and jumps to a twin (lsl_raw_*) from outside kernel/locking:
#               the inlined lock and unlock calls that carry a hook
#
# x86 is built as distributions build it (-O2, PREEMPT_DYNAMIC); arm64
# the same, where the lock functions stay out of line; arm64-none without
# preemption, where the architecture inlines them (ARCH_INLINE_*).
. "$(dirname "$0")/lib.sh"

configs=${*:-x86 arm64 arm64-none}
out=$B/text-cost
mkdir -p "$out"
"$REPO/harness/prepare.sh"

pair_on() { echo "$1-alone"; }
pair_off() { [ "$1" = x86 ] && echo off || echo "$1-off"; }

# The functions our own files define: lock_stat_lite.c's and those of
# kernel/locking/, whose out-of-line lock functions call the twins.
own_symbols()
{
	local v=$1 pfx=$2 o
	for o in "$(out_dir "$v")"/kernel/locking/*.o; do
		"${pfx}nm" --defined-only "$o" 2>/dev/null
	done | awk '$2 ~ /^[tT]$/ { print $3 }' | sort -u
}

for c in $configs; do
	on=$(pair_on "$c")
	off=$(pair_off "$c")
	"$REPO/harness/build.sh" "$on"
	"$REPO/harness/build.sh" "$off"
done

{
printf '%-11s %10s %8s %7s %6s %8s %7s %8s %6s %9s\n' config text "+text" "+data" "+bss" \
	"+total" own callers sites "callers/site"
for c in $configs; do
	on=$(out_dir "$(pair_on "$c")")/vmlinux
	off=$(out_dir "$(pair_off "$c")")/vmlinux
	pfx=
	[ "$(variant_arch "$(pair_on "$c")")" = x86 ] || pfx=aarch64-linux-gnu-
	read -r t0 d0 b0 _ < <("${pfx}size" "$off" | awk 'NR == 2')
	read -r t1 d1 b1 _ < <("${pfx}size" "$on" | awk 'NR == 2')
	own_symbols "$(pair_on "$c")" "$pfx" > "$out/$c.own"
	"$SRC/scripts/bloat-o-meter" -t ${pfx:+-p "$pfx"} "$off" "$on" > "$out/$c.bloat"
	# bloat-o-meter's lines: "name   old   new   delta".
	read -r own callers < <(awk -v own="$out/$c.own" '
		BEGIN { while ((getline s < own) > 0) mine[s] = 1 }
		NF == 4 && $4 ~ /^[-+][0-9]+$/ {
			if ($1 in mine) o += $4; else k += $4
		}
		END { print o + 0, k + 0 }' "$out/$c.bloat")
	# Calls to a twin from a function that is not ours.
	"${pfx}objdump" -d --no-show-raw-insn "$on" > "$out/$c.dis"
	sites=$(awk -v own="$out/$c.own" '
		BEGIN { while ((getline s < own) > 0) mine[s] = 1 }
		/^[0-9a-f]+ <[^>]*>:$/ { f = $2; gsub(/[<>:]/, "", f); next }
		/\t(bl|b|call|jmp)[ \t]+[0-9a-f]+ <lsl_raw_[a-z_]*>$/ && !(f in mine) { n++ }
		END { print n + 0 }' "$out/$c.dis")
	printf '%-11s %10d %+8d %+7d %+6d %+8d %+7d %+8d %6d %9s\n' "$c" "$t1" \
		$((t1 - t0)) $((d1 - d0)) $((b1 - b0)) $((t1 + d1 + b1 - t0 - d0 - b0)) \
		"$own" "$callers" "$sites" \
		"$([ "$sites" = 0 ] && echo - || awk -v c="$callers" -v s="$sites" 'BEGIN { printf "%.1f", c / s }')"
done
} | tee "$out/table.txt"
say "bloat-o-meter output and disassembly in $out"
