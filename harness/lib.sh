# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the lock_stat_lite harness; sourced, never run.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=${LSL_BUILD:-$REPO/build}
SRC=$B/linux
LOGS=$B/logs
# Our own files live at their kernel paths under these top-level folders.
OVERLAY_DIRS="Documentation include kernel lib mm scripts tools"
VARIANTS="on off lockstat debug coverage arm64-none arm64 x86-alone arm64-alone arm64-off arm64-none-alone arm64-none-off"
JOBS=${JOBS:-$(nproc)}

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Same cache hits from any clone of the project (CI uses a fresh one).
export CCACHE_BASEDIR=$REPO CCACHE_NOHASHDIR=1
export KBUILD_BUILD_TIMESTAMP="2026-01-01"
export KBUILD_BUILD_USER=lsl KBUILD_BUILD_HOST=lsl
mkdir -p "$B" "$LOGS"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf '\033[1;33mWARNING: %s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# Config fragments of each variant, merged in this order over tinyconfig.
variant_fragments()
{
	local c=$REPO/configs
	case $1 in
	on)		echo "$c/base.config $c/x86.config $c/lsl-on.config" ;;
	off)		echo "$c/base.config $c/x86.config $c/lsl-off.config" ;;
	lockstat)	echo "$c/base.config $c/x86.config $c/lockstat.config" ;;
	debug)		echo "$c/base.config $c/x86.config $c/debug.config" ;;
	coverage)	echo "$c/base.config $c/x86.config $c/lsl-on.config $c/coverage.config" ;;
	arm64-none)	echo "$c/base.config $c/arm64.config $c/lsl-on.config $c/arm64-none.config $c/lsl-inline.config" ;;
	arm64)		echo "$c/base.config $c/arm64.config $c/lsl-on.config $c/arm64-preempt.config" ;;
	# The text cost's pairs: the feature alone, and off.
	x86-alone)	echo "$c/base.config $c/x86.config $c/lsl-alone.config" ;;
	arm64-alone)	echo "$c/base.config $c/arm64.config $c/arm64-preempt.config $c/lsl-alone.config" ;;
	arm64-off)	echo "$c/base.config $c/arm64.config $c/arm64-preempt.config $c/lsl-off.config" ;;
	arm64-none-alone) echo "$c/base.config $c/arm64.config $c/arm64-none.config $c/lsl-alone.config $c/lsl-inline.config" ;;
	arm64-none-off)	echo "$c/base.config $c/arm64.config $c/arm64-none.config $c/lsl-off.config" ;;
	*)		die "unknown variant '$1' (one of: $VARIANTS)" ;;
	esac
}

out_dir() { echo "$B/out/$1"; }

# The kernel's ARCH for a variant.
variant_arch()
{
	case $1 in
	arm64*)	echo arm64 ;;
	*)	echo x86 ;;
	esac
}

# config_mismatches VARIANT CONFIG: print each option a fragment of the
# variant asks for that CONFIG does not have; fail if there is one.  This
# is what merge_config.sh would warn about, made an error: a fragment
# line that olddefconfig silently drops would otherwise build a kernel
# other than the one we describe.
config_mismatches()
{
	local v=$1 cfg=$2 f line o bad=0
	for f in $(variant_fragments "$v"); do
		while read -r line; do
			case $line in
			CONFIG_*=*)
				grep -qxF "$line" "$cfg" || {
					echo "$v: $(basename "$f") sets $line but the config has '$(grep "^${line%%=*}=" "$cfg" || echo unset)'"
					bad=1
				} ;;
			"# CONFIG_"*" is not set")
				o=${line#\# }; o=${o%% *}
				! grep -q "^$o=" "$cfg" || {
					echo "$v: $(basename "$f") unsets $o but the config has '$(grep "^$o=" "$cfg")'"
					bad=1
				} ;;
			esac
		done < "$f"
	done
	return $bad
}

# kmake [make arguments]: make in the source tree for $KARCH (x86 unless
# set; arm64 cross-compiles with Debian's gcc-aarch64-linux-gnu).
kmake()
{
	local -a arch=()
	[ "${KARCH:-x86}" = x86 ] ||
		arch=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	make -C "$SRC" "${arch[@]}" CC="ccache ${arch:+aarch64-linux-gnu-}gcc" \
		HOSTCC="ccache gcc" -j"$JOBS" "$@"
}

overlay_files()
{
	# shellcheck disable=SC2086
	git -C "$REPO" ls-files --cached --others --exclude-standard -- $OVERLAY_DIRS
}
