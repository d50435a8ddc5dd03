#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make run: build the feature-on kernel (VARIANT=on by default), boot it,
# run a contended workload and print the top of /proc/lock_stat_lite.
. "$(dirname "$0")/lib.sh"
. "$REPO/harness/guest.sh"

v=${VARIANT:-on}
"$REPO/harness/prepare.sh"
"$REPO/harness/build.sh" "$v"
build_initramfs "$v"
say "booting variant $v (accelerator: $(pick_accel "$v"))"
rc=0
boot_guest "$v" run "${RUN_TIMEOUT:-300}" "run-$v" || rc=$?
cat "$LOGS/run-$v.result"
exit $rc
