#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the chosen subset of tools/testing/selftests/mm as static binaries.
#
#   build.sh SRC HDR OUT
#
# SRC: prepared kernel tree (only read), HDR: installed uapi headers (the
# usr/include of `make headers`), OUT: where the binaries go (created).
#
# The selftests Makefile is not used: it generates local_config.{h,mk} in
# the source directory (check_config.sh), and SRC must stay untouched.  The
# compiler line below is the one that Makefile and ../lib.mk use for an
# x86_64 test (CFLAGS, KHDR_INCLUDES, TOOLS_INCLUDES, -D_GNU_SOURCE=, -no-pie,
# vm_util.c and thp_settings.c linked into every test, -lrt -lpthread -lm),
# plus -static.  Needs only gcc and libc6-dev (static glibc).
set -euo pipefail

if [ $# -ne 3 ]; then
	echo "usage: $0 SRC HDR OUT" >&2
	exit 2
fi
SRC=$(realpath "$1")
HDR=$(realpath "$2")
OUT=$3
CC=${CC:-gcc}
MM=$SRC/tools/testing/selftests/mm

# The subset: mmap/munmap/mremap/mprotect/mlock/mseal paths (mmap_lock and
# per-VMA lock), fork/exit and process_mrelease, page allocation and free.
TESTS="
map_fixed_noreplace
map_populate
mdwe_test
mkdirty
mlock2-tests
mrelease_test
mremap_dontunmap
mremap_test
on-fault-limit
seal_elf
"

[ -f "$MM/vm_util.c" ] || { echo "$MM: no mm selftests here" >&2; exit 1; }
[ -f "$HDR/linux/mman.h" ] || { echo "$HDR: no installed uapi headers" >&2; exit 1; }

mkdir -p "$OUT"
OUT=$(realpath "$OUT")

CFLAGS=(-Wall -O2 -I "$SRC" -isystem "$HDR"
	-isystem "$SRC/tools/include/uapi" -U_FORTIFY_SOURCE -D_GNU_SOURCE=)
LDLIBS=(-lrt -lpthread -lm)

links()
{
	echo 'int main(void){return 0;}' |
		"$CC" -x c "$@" -o /dev/null - 2>/dev/null
}
# -no-pie as the Makefile adds it on x86_64 when the compiler supports it.
LINK_DEFAULT=(-static)
links -static -no-pie && LINK_DEFAULT=(-static -no-pie)
# mremap_test as a static PIE: a non-PIE program's brk heap lands anywhere
# in the 1 GB above its bss (arch_randomize_brk), and the test maps a 40 MB
# "dest preamble" there with MAP_FIXED_NOREPLACE without first checking
# that the range is free, so it fails with EEXIST in about 4% of runs.  The
# kernel puts a static PIE's brk at ELF_ET_DYN_BASE, far above.
LINK_PIE=(-static-pie)
if ! links -static-pie; then
	echo "warning: $CC cannot link -static-pie; mremap_test may fail now and then" >&2
	LINK_PIE=(-static)
fi

# Compile from OUT so that no stray output can land in SRC.
cd "$OUT"
start=$(date +%s)
for t in $TESTS; do
	echo "  CC      $t"
	link=("${LINK_DEFAULT[@]}")
	[ "$t" = mremap_test ] && link=("${LINK_PIE[@]}")
	# shellcheck disable=SC2086 # EXTRA_CFLAGS: several words
	"$CC" "${link[@]}" "${CFLAGS[@]}" ${EXTRA_CFLAGS:-} "$MM/$t.c" "$MM/vm_util.c" \
		"$MM/thp_settings.c" "${LDLIBS[@]}" -o "$OUT/$t.tmp"
	mv "$OUT/$t.tmp" "$OUT/$t"
done
echo "built $(echo "$TESTS" | wc -w) mm selftests into $OUT in $(( $(date +%s) - start ))s"
