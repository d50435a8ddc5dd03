#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make soak: harness/guest/soak for SOAK_SECS (default 600) on each kernel
# we ship tests for - native and paravirt spinlocks on the feature-on
# kernel, and the debug kernel (lockdep, KASAN) - with every loop, then on
# the native kernel under multi-threaded TCG without the loops that patch
# text (see soak() in results.sh).  make check runs a 60 s version.
. "$(dirname "$0")/lib.sh"
. "$REPO/harness/guest.sh"
. "$REPO/harness/results.sh"

secs=${SOAK_SECS:-600}
T0=$(date +%s)
"$REPO/harness/prepare.sh"
"$REPO/harness/build.sh" on
"$REPO/harness/build.sh" debug
build_initramfs on > "$LOGS/initramfs-on.log" 2>&1 || die "initramfs (log: $LOGS/initramfs-on.log)"
build_initramfs debug on > "$LOGS/initramfs-debug.log" 2>&1 ||
	die "initramfs (log: $LOGS/initramfs-debug.log)"
soak soak-native on 0 "$secs"
soak soak-paravirt on 1 "$secs"
soak soak-debug debug 0 "$secs"
soak soak-native-mttcg on 0 "$secs" 1
echo
echo "make soak took $(( $(date +%s) - T0 ))s; logs in $LOGS"
[ $FAIL = 0 ] || echo "failed: ${FAILED[*]}"
echo "$PASS passed, $FAIL failed"
[ $FAIL = 0 ]
