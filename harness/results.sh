# SPDX-License-Identifier: GPL-2.0
# Results of make check and make soak, sourced after lib.sh and guest.sh:
# one line per result, the kernel's reports on a guest's console, and the
# soak guest.

PASS=0
FAIL=0
FAILED=()

ok() { PASS=$((PASS + 1)); printf 'ok   %s\n' "$*"; }
ko() { FAIL=$((FAIL + 1)); FAILED+=("$1"); printf 'FAIL %s\n' "$*"; }

# Reports of the kernel's own checkers (lockdep, KASAN, atomic sleep, debug
# objects and lists, hung tasks, RCU stalls) and of plain bugs.  Any line
# that matches fails the boot that printed it.
SPLATS='WARNING:|BUG:|Oops|Kernel panic|soft lockup|hard LOCKUP|general protection'
SPLATS+='|KASAN|UBSAN|possible (circular|recursive) locking|inconsistent lock state'
SPLATS+='|lockdep is turned off|DEBUG_LOCKS_WARN_ON|sleeping function called'
SPLATS+='|scheduling while atomic|ODEBUG|list_(add|del) corruption'
SPLATS+='|INFO: task .* blocked|rcu: INFO|self-detected stall|detected stalls'

# console_clean WHAT CONSOLE: one result for the console of a boot.
# Known upstream bugs that locktorture's CPU hotplug runs into, in code
# lock_stat_lite does not touch; reported, not failed.
# - SCHED_DEADLINE's bandwidth accounting of the fair dl_server across a
#   CPU going offline: "dl_rq->running_bw > old" in inactive_task_timer()
#   (seen once in about 40 minutes of 2 s hotplug cycles).
KNOWN_UPSTREAM='WARNING: CPU: [0-9]+ PID: [0-9]+ at [^ ]*kernel/sched/deadline\.c:[0-9]+ inactive_task_timer\+'

console_clean()
{
	local what=$1 console=$2
	if grep -E "$KNOWN_UPSTREAM" "$console" > "$console.known"; then
		echo "NOTE $what: known upstream warning, not ours: $(head -1 "$console.known")"
	fi
	if grep -E "$SPLATS" "$console" | grep -Ev "$KNOWN_UPSTREAM" > "$console.splats"; then
		ko "$what: console clean ($console)"
		head -5 "$console.splats" | sed 's/^/    /'
	else
		ok "$what: console clean"
	fi
}

# tap_results WHAT RESULT: one result per top-level TAP line of RESULT,
# counted in TAP_N.
tap_results()
{
	local what=$1 line
	TAP_N=0
	while read -r line; do
		TAP_N=$((TAP_N + 1))
		case $line in
		"ok "*"# SKIP"*) ko "$what: ${line#ok } (skipped)" ;;
		"ok "*) ok "$what: ${line#ok }" ;;
		*) ko "$what: ${line#not ok }" ;;
		esac
	done < <(grep -E '^(not )?ok [0-9]+ ' "$2")
}

# soak NAME VARIANT PV SECONDS [MTTCG]: harness/guest/soak on VARIANT,
# paravirt spinlocks if PV=1.  Single-threaded TCG runs every loop;
# MTTCG=1 runs the vCPUs on host threads at once, without the loops that
# patch kernel text (QEMU 7.2 runs stale int3 bytes after text_poke_bp()
# there, with or without lock_stat_lite: see the rst, Reliability).
# Eight locktorture types, then the audit's two results.
soak()
{
	local name=$1 v=$2 pv=$3 secs=$4 mttcg=${5:-0} rc=0
	GUEST_MTTCG=$mttcg GUEST_PV=$pv boot_guest "$v" soak $((secs * 2 + 300)) "$name" \
		"lsl.soak=$secs lsl.soak_patch=$((1 - mttcg))" || rc=$?
	tap_results "$name" "$LOGS/$name.result"
	grep '^# ' "$LOGS/$name.result" | sed "s/^# /    $name: /" || true
	[ "$TAP_N" = 10 ] || ko "$name: $TAP_N results of 10 (log: $LOGS/$name.result)"
	console_clean "$name" "$LOGS/$name.console"
	[ $rc = 0 ] || ko "$name: guest exited with $rc (console: $LOGS/$name.console)"
}
