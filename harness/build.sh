#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh VARIANT [make targets...]: configure build/out/VARIANT from
# tinyconfig plus the variant's fragments (scripts/kconfig/merge_config.sh)
# and build it.  The .config is only replaced when it changes, so a
# rebuild after touching one file recompiles that file only.
. "$(dirname "$0")/lib.sh"

v=${1:?variant}
shift
out=$(out_dir "$v")
KARCH=$(variant_arch "$v")
mkdir -p "$out"
# Two makes in one output folder corrupt each other's dependency files.
exec 9> "$out/.build.lock"
flock 9
new=$out/.config.new
frags=$(variant_fragments "$v")

kmake O="$out" KCONFIG_CONFIG=.config.new tinyconfig > "$out/config.log" 2>&1
# shellcheck disable=SC2086
(cd "$out" && KCONFIG_CONFIG=$new "$SRC/scripts/kconfig/merge_config.sh" \
	-m -O "$out" "$new" $frags) >> "$out/config.log" 2>&1
kmake O="$out" KCONFIG_CONFIG=.config.new olddefconfig >> "$out/config.log" 2>&1
# Every option a fragment asks for must have survived olddefconfig.
config_mismatches "$v" "$new" >&2 ||
	die "$v: config fragments not honoured (see $out/config.log)"
if ! cmp -s "$new" "$out/.config"; then
	mv "$new" "$out/.config"
else
	rm -f "$new"
fi
say "building variant $v in $out"
kmake O="$out" "${@:-all}" > "$out/build.log" 2>&1 || {
	tail -40 "$out/build.log" >&2
	die "build of variant $v failed; full log: $out/build.log"
}
