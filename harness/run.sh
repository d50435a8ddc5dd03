#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make run: build the feature-on kernel (VARIANT=on by default), boot it,
# run a contended workload and print the top of /proc/lock_stat_lite.
# SCENARIO=zone-lock, vma-lock or zram runs one mm consumer's scenario
# instead (harness/guest/<name>) and prints that lock's rows.  GUEST_PV=1
# boots with the hypervisor CPUID bit shown: paravirt spinlocks.
. "$(dirname "$0")/lib.sh"
. "$REPO/harness/guest.sh"

v=${VARIANT:-on}
"$REPO/harness/prepare.sh"
"$REPO/harness/build.sh" "$v"
s=${SCENARIO:-run}
case $s in
run|zone-lock|vma-lock|zram|trace-release) ;;
*) die "unknown SCENARIO '$s' (one of: run zone-lock vma-lock zram trace-release)" ;;
esac
kselftest_build "$v" > "$LOGS/kselftest-build-$v.log" 2>&1 ||
	die "kselftest build failed (log: $LOGS/kselftest-build-$v.log)"
build_initramfs "$v"
pv=native; [ "${GUEST_PV:-0}" = 0 ] || pv="paravirt (virt_spin_lock)"
say "booting variant $v, scenario $s, $pv spinlocks (accelerator: $(pick_accel "$v"))"
rc=0
boot_guest "$v" "$s" "${RUN_TIMEOUT:-300}" "$s-$v" || rc=$?
cat "$LOGS/$s-$v.result"
exit $rc
