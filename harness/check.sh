#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test of the project, with one line per result and a
# closing "N passed, N failed".  A failing step never stops the others;
# the exit status is non-zero if anything failed.
. "$(dirname "$0")/lib.sh"
. "$REPO/harness/guest.sh"

. "$REPO/harness/results.sh"
T0=$(date +%s)
# step NAME CMD...: one result for a whole command, its output in a log.
step()
{
	local name=$1 log=$LOGS/check-${1//[^a-zA-Z0-9_-]/_}.log
	shift
	if "$@" > "$log" 2>&1; then
		ok "$name"
	else
		ko "$name" "(log: $log)"
		tail -15 "$log" | sed 's/^/    /'
	fi
}

C_FILES() { overlay_files | grep -E '\.[ch]$'; }

layout()
{
	local f bad=0
	while read -r f; do
		cmp -s "$REPO/$f" "$SRC/$f" || { echo "$f differs in build/linux"; bad=1; }
	done < <(overlay_files)
	for f in "$REPO"/patches/*.patch; do
		grep -qE '^Subject: \[PATCH\] [a-zA-Z0-9_./-]+: [a-zA-Z]' "$f" ||
			{ echo "$(basename "$f"): subject is not 'subsystem: Summary'"; bad=1; }
		[ "$(sed -n '/^Subject:/,/^---$/p' "$f" | wc -l)" -gt 4 ] ||
			{ echo "$(basename "$f"): no body saying why"; bad=1; }
	done
	return $bad
}

# coverage_build: mm/ and kernel/power/ of the feature-on kernel with every
# option under which our mm patches change code that the guest kernels do
# not build (configs/coverage.config); each such object must come out.
coverage_build()
{
	local o out
	"$REPO/harness/build.sh" coverage mm/ kernel/power/ || return
	out=$(out_dir coverage)
	for o in mm/page_alloc.o mm/compaction.o mm/memory_hotplug.o mm/page_isolation.o \
		mm/page_reporting.o mm/shuffle.o mm/memory-failure.o mm/userfaultfd.o \
		mm/zsmalloc.o kernel/power/snapshot.o; do
		[ -s "$out/$o" ] || { echo "$o was not built"; return 1; }
	done
	echo "built: every object our mm patches touch, unaccepted memory included"
	grep -q '^CONFIG_UNACCEPTED_MEMORY=y' "$out/.config"
}

checkpatch()
{
	local bad=0 f ign
	cd "$SRC"
	# Debian's python3 has ply for spdxcheck.py; a pyenv one may not.
	export PATH=/usr/bin:$PATH
	# Our boot parameters are documented by patch 0001, which checkpatch
	# cannot see when it checks a file on its own.
	# The KUnit suite's NMI case needs x86's register_nmi_handler(), which
	# only <asm/nmi.h> declares: <linux/nmi.h> includes it only with the
	# ACPI APEI or an arch hard-lockup detector.
	for f in $(C_FILES); do
		ign=UNDOCUMENTED_SETUP
		[ "$f" != kernel/locking/lock_stat_lite_test.c ] || ign=$ign,INCLUDE_LINUX
		scripts/checkpatch.pl --strict --no-summary --quiet \
			--ignore "$ign" -f "$f" || bad=1
	done
	# The page type accessors are CamelCase by the kernel's convention:
	# checkpatch flags upstream's own __SetPageBuddy() as well.
	for f in "$REPO"/patches/*.patch; do
		scripts/checkpatch.pl --strict --no-summary --quiet \
			--ignore CAMELCASE "$f" || bad=1
	done
	return $bad
}

kerneldoc()
{
	cd "$SRC"
	# shellcheck disable=SC2046
	scripts/kernel-doc -none -Wall $(C_FILES | grep -v selftests) 2>&1 | tee /dev/stderr | (! grep -q .)
}

our_objs() { C_FILES | grep -E '^(kernel|mm|lib)/.*\.c$' | sed 's/\.c$/.o/'; }

# "function: message" of each sparse warning in a log, without line numbers.
sparse_warnings() { grep -E 'warning:|error:' | sed -E 's/^[^ ]*:[0-9]+:[0-9]+: //' | sort; }

sparse()
{
	local bad=0
	# Our own files must be clean.
	# shellcheck disable=SC2046
	kmake O="$(out_dir on)" C=2 W=1 $(our_objs) 2>&1 | tee /dev/stderr |
		(! grep -E 'warning:|error:') || bad=1
	# Debian's sparse (0.6.4) already reports 25 context imbalances in
	# upstream's spinlock.c.  The hooks must not add any: compare with
	# the feature-off build, whose spinlock.c compiles to upstream's.
	kmake O="$(out_dir off)" C=2 kernel/locking/spinlock.o 2>&1 | sparse_warnings \
		> "$LOGS/sparse-spinlock-off.txt"
	kmake O="$(out_dir on)" C=2 kernel/locking/spinlock.o 2>&1 | sparse_warnings \
		> "$LOGS/sparse-spinlock-on.txt"
	diff -u "$LOGS/sparse-spinlock-off.txt" "$LOGS/sparse-spinlock-on.txt" || bad=1
	return $bad
}

# kunit NAME PV: our KUnit suite, built into the feature-on kernel, run at
# boot (kunit.enable=1) in the same 4-vCPU guest as every other test, with
# the hypervisor CPUID bit hidden (native queued spinlock) or shown (PV=1:
# virt_spin_lock()).  The kernel's own kunit.py parses the console, as
# `kunit.py run` would, so one kernel serves both runs and the guest check.
kunit()
{
	local name=$1 pv=$2 v=${3:-on} log=$LOGS/kunit-$1.log rc=0 prc=0 want=no
	local console=$LOGS/kunit-$1.console n want_n path
	[ "$pv" = 0 ] || want=yes
	# initramfs_async=0: built-in suites run before /init, and kunit.py's
	# own guests have no initramfs.  Unpacked asynchronously, ours keeps
	# one vCPU in gunzip for up to TCG's 100 ms round-robin slice while
	# the others stand still: a 20 ms hold then shows a 60-100 ms wait
	# (about half the paravirt boots; none of 11 with this switch).
	# A table of 256 sites, so that the table-full cases overflow it with
	# a few hundred real call sites.  pcp_owner_min_cpus=1: the pageblock
	# owner suite needs ownership, which 4 CPUs do not engage by default.
	GUEST_PV=$pv boot_guest "$v" kunit 900 "kunit-$name" \
		"kunit.enable=1 loglevel=7 initramfs_async=0 lock_stat_lite_sites=256 pcp_owner_min_cpus=1" ||
		rc=$?
	/usr/bin/python3 "$SRC/tools/testing/kunit/kunit.py" parse "$console" > "$log" 2>&1 ||
		prc=$?
	grep -E '^\[[0-9:]+\] +\[(PASSED|FAILED|SKIPPED|CRASHED)\]' "$log" | sed 's/^\[[0-9:]*\] *//' |
	while read -r res test; do
		echo "$res $test"
	done > "$LOGS/kunit-$name.results" || true
	if ! grep -q "^LSL-GUEST-START .* cpus=${GUEST_CPUS:-4} hypervisor=$want\$" "$console"; then
		ko "kunit-$name: guest did not run ${GUEST_CPUS:-4} CPUs (console: $console)"
	fi
	if ! grep -q "^LSL-KUNIT hypervisor=$want\$" "$LOGS/kunit-$name.result"; then
		ko "kunit-$name: guest did not boot with hypervisor=$want ($LOGS/kunit-$name.result)"
	fi
	# What the spinlock did, seen by test_spinlock_path(): the hypervisor
	# bit must have switched the kernel to virt_spin_lock().
	path=queued
	[ "$pv" = 0 ] || path=test-and-set
	if grep -q "spinlock path: $path\$" "$console"; then
		ok "kunit-$name: spinlocks are $path"
	else
		ko "kunit-$name: spinlocks are not $path (console: $console)"
	fi
	while read -r res test; do
		case $res in
		"[PASSED]") ok "kunit-$name: $test" ;;
		"[SKIPPED]") ko "kunit-$name: $test skipped" ;;
		*) ko "kunit-$name: $test" ;;
		esac
	done < "$LOGS/kunit-$name.results"
	# Every case of the suite reported, none lost to a crash or a filter.
	want_n=$(grep -c '^[[:space:]]*KUNIT_CASE' "$REPO/kernel/locking/lock_stat_lite_test.c")
	! grep -q '^CONFIG_PCP_PAGEBLOCK_OWNER_KUNIT_TEST=y' "$(out_dir "$v")/.config" ||
		want_n=$((want_n + $(grep -c '^[[:space:]]*KUNIT_CASE' "$REPO/mm/pcp_owner_test.c")))
	# Less the cases inside "#ifdef CONFIG_X86...", elsewhere.
	[ "$(variant_arch "$v")" = x86 ] || want_n=$((want_n - $(awk '
		/^#ifdef CONFIG_X86/ { x = 1 } /^#endif/ { x = 0 }
		x && /KUNIT_CASE/ { n++ } END { print n + 0 }' \
		"$REPO/kernel/locking/lock_stat_lite_test.c")))
	n=$(wc -l < "$LOGS/kunit-$name.results")
	[ "$n" = "$want_n" ] || ko "kunit-$name: $n results, the suite has $want_n cases"
	console_clean "kunit-$name" "$console"
	if [ $rc != 0 ] || [ $prc != 0 ] || [ ! -s "$LOGS/kunit-$name.results" ]; then
		ko "kunit-$name: boot rc=$rc, kunit.py parse rc=$prc (log: $log, console: $console)"
		grep -E 'ERROR|error:|FAILED|CRASHED|not ok' "$log" | head -20 | sed 's/^/    /'
	fi
}

# bad_boot: the feature-on kernel asked for a table larger than the guest's
# memory, and given boot parameters out of range (harness/guest/nomem).
bad_boot()
{
	local rc=0 name=nomem-on
	GUEST_MEM=256M boot_guest on nomem 300 $name \
		"lock_stat_lite_sites=1048576 lock_stat_lite_sites=5 lock_stat_lite_sample=0 lock_stat_lite=maybe" ||
		rc=$?
	tap_results "bad boot" "$LOGS/$name.result"
	[ "$TAP_N" = 7 ] || ko "bad boot: $TAP_N results of 7 (log: $LOGS/$name.result)"
	console_clean "bad boot" "$LOGS/$name.console"
	[ $rc = 0 ] || ko "bad boot: guest exited with $rc (console: $LOGS/$name.console)"
}

# Each built variant's .config is what its fragments ask for, -O2 included.
configs()
{
	local v bad=0 n=0
	for v in $VARIANTS; do
		[ -f "$(out_dir "$v")/.config" ] || continue
		n=$((n + 1))
		# base.config asks for -O2, so this covers it too.
		config_mismatches "$v" "$(out_dir "$v")/.config" || bad=1
	done
	echo "$n variants checked"
	[ $n -gt 0 ] && [ $bad = 0 ]
}

# The kernel's own user-space test of mm/vma.c (tools/testing/vma), which
# our per-VMA lock change touches.  It builds in the tree; clean after.
vma_test()
{
	local d=$SRC/tools/testing/vma rc=0
	make -C "$d" clean > /dev/null
	make -C "$d" -j"$JOBS" && (cd "$d" && ./vma) || rc=$?
	make -C "$d" clean > /dev/null
	return $rc
}

# guest_check VARIANT [PV [ARGS [SCRIPT]]]: the guest side of make check
# (harness/guest/check, or SCRIPT) booted on VARIANT, with paravirt
# spinlocks if PV is 1, and ARGS on the kernel command line.  Each group
# must report as many results as it has tests: the kselftest's plan and
# results match its TEST_F()s, and the guest's own lines are the
# locktorture runs, the bench module, lslstat -i, lockdep's state where
# the kernel has lockdep, the pageblock owner's CPU hotplug, compaction
# and invariant checks where it is built in, and one per mm selftest
# binary.  SCRIPT
# kselftest (the arm64 guests) runs the kselftests alone.
guest_check()
{
	local v=$1 pv=${2:-0} args=${3:-} script=${4:-check} t=$1 hv=no rc=0 line n=0 k=0
	local plan want_k want_own result
	if [ "$pv" != 0 ]; then
		t=$v-paravirt
		hv=yes
	fi
	result=$LOGS/$script-$t.result
	GUEST_PV=$pv boot_guest "$v" "$script" 900 "$script-$t" "$args" || rc=$?
	if [ $rc = 124 ]; then
		ko "guest $script ($t): guest hung (console: $LOGS/$script-$t.console)"
		return
	fi
	# arm64 has no hypervisor CPUID bit to show or hide.
	[ "$(variant_arch "$v")" = x86 ] || hv=no
	if ! grep -q "^LSL-GUEST-START .* cpus=${GUEST_CPUS:-4} hypervisor=$hv\$" \
		"$LOGS/$script-$t.console"; then
		ko "guest check ($t): guest did not run ${GUEST_CPUS:-4} CPUs with hypervisor=$hv ($LOGS/check-$t.console)"
	fi
	# Top-level TAP lines and the kselftest harness's own, which the
	# runner prints behind "# ".
	while read -r line; do
		case $line in
		"# "*) k=$((k + 1)) ;;
		*) n=$((n + 1)) ;;
		esac
		line=${line#\# }
		case $line in
		"ok "*"# SKIP"*) ko "guest $t: ${line#ok } (skipped)" ;;
		"ok "*) ok "guest $t: ${line#ok }" ;;
		"not ok "*) ko "guest $t: ${line#not ok }" ;;
		esac
	done < <(grep -E '^(# )?(not )?ok [0-9]+ ' "$result")
	want_k=$(grep -c '^TEST_F(' "$REPO/tools/testing/selftests/lock_stat_lite/lock_stat_lite_test.c")
	plan=$(sed -n 's/^# 1\.\.\([0-9]*\)$/\1/p' "$result" | head -1)
	[ "${plan:-}" = "$want_k" ] && [ $k = "$want_k" ] ||
		ko "guest $t: kselftest planned ${plan:-nothing} and reported $k of its $want_k tests"
	# The kselftest runner's own line, then ours.
	want_own=1
	if [ "$script" = check ]; then
		want_own=$((1 + 4 + $(find "$GUEST/$v/root/mm-selftests" -maxdepth 1 -type f | wc -l)))
		! grep -q '^CONFIG_LOCKDEP=y' "$(out_dir "$v")/.config" || want_own=$((want_own + 1))
		! grep -q '^CONFIG_PCP_PAGEBLOCK_OWNER=y' "$(out_dir "$v")/.config" ||
			want_own=$((want_own + 3))
	fi
	[ $n = $want_own ] || ko "guest $t: $n results, $want_own expected (log: $result)"
	console_clean "guest $script ($t)" "$LOGS/$script-$t.console"
	[ $rc = 0 ] || ko "guest $script ($t): scenario exited with $rc"
}

# lslstat_tests: the reader tool against saved real outputs, every
# malformed input class and its own views (harness/lslstat-test.sh); each
# of its cases is one result here.
lslstat_tests()
{
	local log=$LOGS/lslstat-test.log rc=0 line n=0 total
	bash "$REPO/harness/lslstat-test.sh" "$B/lslstat-test" > "$log" 2>&1 || rc=$?
	while IFS= read -r line; do
		case $line in
		"ok   lslstat: "*) ok "${line#ok   }"; n=$((n + 1)) ;;
		"FAIL lslstat: "*) ko "${line#FAIL }" ;;
		esac
	done < "$log"
	total=$(sed -n 's/^\([0-9]*\) passed, 0 failed$/\1/p' "$log")
	[ $rc = 0 ] && [ "${total:-x}" = $n ] ||
		ko "lslstat: test script exited with $rc after $n passes (log: $log)"
}

finish()
{
	echo
	echo "make check${1:+-$1} took $(( $(date +%s) - T0 ))s; logs in $LOGS"
	[ $FAIL = 0 ] || echo "failed: ${FAILED[*]}"
	echo "$PASS passed, $FAIL failed"
	[ $FAIL = 0 ]
}

# arm64_check VARIANT WHAT: an arm64 kernel cross-built with Debian's
# gcc-aarch64-linux-gnu and booted under qemu-system-aarch64 -M virt (TCG,
# 4 vCPUs): the KUnit suite with its sites asserted, and the kselftests
# cross-built against its headers.
arm64_check()
{
	local v=$1 failed=$FAIL
	step "build: $v ($2)" "$REPO/harness/build.sh" "$v"
	[ "$FAIL" = "$failed" ] || return 0
	step "kselftest build ($v, static, cross)" kselftest_build "$v"
	if build_initramfs "$v" > "$LOGS/initramfs-$v.log" 2>&1; then
		kunit "$v" 0 "$v"
		guest_check "$v" 0 "" kselftest
	else
		ko "initramfs of the $v guest (log: $LOGS/initramfs-$v.log)"
	fi
}

# make check-arm64: both arm64 kernels, the one whose lock functions the
# architecture inlines (PREEMPT_NONE, also in make check) and the one that
# keeps them out of line (PREEMPT_DYNAMIC, as distributions build it),
# which make check's cold budget does not hold.
if [ "${1:-}" = arm64 ]; then
	say "make check-arm64: logs in $LOGS"
	step "series applies with no fuzz" "$REPO/harness/prepare.sh"
	arm64_check arm64-none "lock functions inlined, PREEMPT_NONE"
	arm64_check arm64 "lock functions out of line, PREEMPT_DYNAMIC"
	step "config: each variant as its fragments ask, -O2" configs
	finish arm64
	exit
fi

say "make check: logs in $LOGS"
step "series applies with no fuzz" "$REPO/harness/prepare.sh"
step "layout: our files in place, patch subjects and bodies" layout
step "build: feature on" "$REPO/harness/build.sh" on
# With the feature off only kernel/ and mm/ compile differently (the stubs
# and the #ifdefs are there): built alone they prove the series for =n at
# a third of a kernel's time.  make bench builds the whole off kernel.
step "build: feature off (kernel/ and mm/)" "$REPO/harness/build.sh" off kernel/ mm/
step "build: debug (lockdep, KASAN, atomic sleep)" "$REPO/harness/build.sh" debug
step "build: coverage (hotplug, CMA, hibernation, reporting, shuffle, ...: mm/ kernel/power/)" \
	coverage_build
step "checkpatch --strict" checkpatch
step "kernel-doc" kerneldoc
step "sparse C=2 and W=1 on our objects" sparse
step "coccinelle: zone lock only through its wrappers, whole tree" \
	"$REPO/harness/zone-lock-cocci.sh" "$SRC" "$LOGS/zone-lock-cocci.txt"
step "tools/testing/vma" vma_test
lslstat_tests
step "config: each variant as its fragments ask, -O2" configs
step "kselftest build (static)" kselftest_build on
step "mm selftests subset build (static)" mm_selftests_build on
if build_initramfs on > "$LOGS/initramfs-on.log" 2>&1; then
	kunit native 0
	kunit paravirt 1
	# Pageblock ownership engaged in the 4-CPU guest on the native boot,
	# and switched off on the paravirt one.
	guest_check on 0 pcp_owner_min_cpus=1
	guest_check on 1 pcp_owner=off
	bad_boot
	soak soak-60s on 0 60
else
	ko "initramfs of the feature-on guest (log: $LOGS/initramfs-on.log)"
fi
if build_initramfs debug on > "$LOGS/initramfs-debug.log" 2>&1; then
	kunit debug 0 debug
	guest_check debug 0 pcp_owner_min_cpus=1
else
	ko "initramfs of the debug guest (log: $LOGS/initramfs-debug.log)"
fi
arm64_check arm64-none "lock functions inlined, PREEMPT_NONE"

finish
