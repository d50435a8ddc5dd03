#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make run: build the feature-on kernel (VARIANT=on by default), boot it,
# run a contended workload, save /proc/lock_stat_lite under build/run/
# and show it with lslstat (tools/lock_stat_lite).
# SCENARIO=zone-lock, vma-lock or zram runs one mm consumer's scenario
# instead (harness/guest/<name>) and prints that lock's rows; the pcp-*
# scenarios compare the pageblock owner allocator with the allocator
# without it (harness/pcp-compare.sh).  GUEST_PV=1
# boots with the hypervisor CPUID bit shown: paravirt spinlocks.
. "$(dirname "$0")/lib.sh"
. "$REPO/harness/guest.sh"

v=${VARIANT:-on}
"$REPO/harness/prepare.sh"
"$REPO/harness/build.sh" "$v"
s=${SCENARIO:-run}
case $s in
run|zone-lock|vma-lock|zram|trace-release) ;;
pcp-exits|pcp-remote|pcp-bench) exec "$REPO/harness/pcp-compare.sh" "$s" ;;
*) die "unknown SCENARIO '$s' (one of: run zone-lock vma-lock zram trace-release pcp-exits pcp-remote pcp-bench)" ;;
esac
kselftest_build "$v" > "$LOGS/kselftest-build-$v.log" 2>&1 ||
	die "kselftest build failed (log: $LOGS/kselftest-build-$v.log)"
build_initramfs "$v"
pv=native; [ "${GUEST_PV:-0}" = 0 ] || pv="paravirt (virt_spin_lock)"
say "booting variant $v, scenario $s, $pv spinlocks (accelerator: $(pick_accel "$v"))"
rc=0
boot_guest "$v" "$s" "${RUN_TIMEOUT:-300}" "$s-$v" || rc=$?
result=$LOGS/$s-$v.result
begin='^== raw \/proc\/lock_stat_lite begin$'
end='^== raw \/proc\/lock_stat_lite end$'
sed "/$begin/,/$end/d" "$result"

# The guest's snapshot, saved as the kernel printed it, and read with
# lslstat: the top sites, the histogram of the top one, the top pairs.
mkdir -p "$B/run"
snap=$B/run/$s-$v-$(date +%Y%m%d-%H%M%S)
sed -n "/$begin/,/$end/p" "$result" | sed '1d;$d' > "$snap.txt"
if [ ! -s "$snap.txt" ]; then
	rm -f "$snap.txt"
	exit $rc
fi
make -s -C "$REPO/tools/lock_stat_lite" OUTPUT="$B/lslstat/" > /dev/null ||
	die "lslstat build failed"
lslstat=$B/lslstat/lslstat
echo "== lslstat: top sites by total wait"
"$lslstat" -n 15 "$snap.txt" || rc=$?
echo "== lslstat --hist: waits of the top site"
"$lslstat" --hist "$snap.txt" || rc=$?
echo "== lslstat --pairs: who blocked whom"
"$lslstat" --pairs -n 10 "$snap.txt" || rc=$?
"$lslstat" --plot "$snap.svg" "$snap.txt" || rc=$?
ln -sf "$(basename "$snap.txt")" "$B/run/$s-$v-latest.txt"
ln -sf "$(basename "$snap.svg")" "$B/run/$s-$v-latest.svg"
say "saved $snap.txt and the histograms in $snap.svg"
say "compare two runs: $lslstat --diff OLD.txt NEW.txt"
exit $rc
