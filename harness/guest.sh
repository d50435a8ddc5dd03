# SPDX-License-Identifier: GPL-2.0
# Guest helpers, sourced after lib.sh: build the initramfs, pick KVM or TCG,
# boot a kernel with a scenario and collect its results.

GUEST=$B/guest
GUEST_TOOLS="stress-ng hackbench trace-cmd"

# Copy a dynamically linked program and the shared libraries it needs.
copy_with_libs()
{
	local bin=$1 root=$2 lib
	install -D -m 755 "$bin" "$root/usr/bin/$(basename "$bin")"
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || install -D -m 755 "$lib" "$root$lib"
	done
}

perf_binary()
{
	# Debian's /usr/bin/perf is a wrapper script that picks perf_<ver>.
	local p
	p=$(ls /usr/bin/perf_[0-9]* 2>/dev/null | sort -V | tail -1)
	echo "${p:-/usr/bin/perf}"
}

# build_initramfs VARIANT [TESTS]: busybox, tools, scenarios, modules, and
# the kselftests and mm selftests subset built for variant TESTS (default:
# VARIANT; they are user space, so any kernel with the same headers will do).
build_initramfs()
{
	local v=$1 tv=${2:-$1} out root t arch lsl=$B/lslstat-static/
	local -a cc=()
	out=$(out_dir "$v")
	arch=$(variant_arch "$v")
	root=$GUEST/$v/root
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,proc,sys,dev,tmp,etc,scenarios,modules}
	if [ "$arch" = arm64 ]; then
		# Debian's arm64 busybox-static, fetched by deps.sh arm64.
		[ -x "$B/arm64-busybox/bin/busybox" ] ||
			die "no arm64 busybox in $B/arm64-busybox: run harness/deps.sh arm64"
		cp "$B/arm64-busybox/bin/busybox" "$root/bin/busybox"
		cc=(CC=aarch64-linux-gnu-gcc)
		lsl=$B/lslstat-arm64/
	else
		cp /bin/busybox "$root/bin/busybox"
	fi
	# The kernel runs /init through its #! line before busybox has
	# installed its applets.
	ln -s busybox "$root/bin/sh"
	cp "$REPO/harness/guest/init" "$root/init"
	for t in "$REPO"/harness/guest/*; do
		[ "$(basename "$t")" = init ] || install -m 755 "$t" "$root/scenarios/"
	done
	# The host's own programs only where the guest runs the host's code.
	if [ "$arch" = x86 ]; then
		for t in $GUEST_TOOLS; do
			copy_with_libs "$(command -v "$t")" "$root"
		done
		copy_with_libs "$(perf_binary)" "$root"
		[ -e "$root/usr/bin/perf" ] || ln -s "$(basename "$(perf_binary)")" "$root/usr/bin/perf"
	fi
	make -s -C "$REPO/tools/lock_stat_lite" "${cc[@]}" OUTPUT="$lsl" LDFLAGS=-static \
		> /dev/null || return
	cp "$lsl/lslstat" "$lsl/pcpload" "$root/bin/"
	echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
	echo "root:x:0:" > "$root/etc/group"
	find "$out" -name '*.ko' -exec cp {} "$root/modules/" \; 2>/dev/null || true
	if [ -d "$B/kselftest/$tv" ]; then
		cp -a "$B/kselftest/$tv" "$root/kselftest"
	fi
	if [ -d "$B/mm-selftests/$tv" ]; then
		cp -a "$B/mm-selftests/$tv" "$root/mm-selftests"
	fi
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$GUEST/$v/initramfs.cpio.gz"
}

# kselftest_build VARIANT: our kselftest, static, against the variant's
# headers; for arm64 with Debian's cross compiler and libc.
kselftest_build()
{
	local v=$1 out
	local -a cross=()
	out=$(out_dir "$v")
	local -x KARCH
	KARCH=$(variant_arch "$v")
	[ "$KARCH" = x86 ] || cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	kmake O="$out" headers
	rm -rf "$B/kselftest/$v"
	CFLAGS="-static" make -C "$SRC/tools/testing/selftests" O="$out" "${cross[@]}" \
		TARGETS=lock_stat_lite INSTALL_PATH="$B/kselftest/$v" install
}

# mm_selftests_build VARIANT: our subset of tools/testing/selftests/mm,
# static, against the headers kselftest_build installed.
mm_selftests_build()
{
	local v=$1
	rm -rf "$B/mm-selftests/$v"
	"$REPO/harness/mm-selftests.sh" "$SRC" "$(out_dir "$v")/usr/include" \
		"$B/mm-selftests/$v"
}

# The accelerator: KVM only if a short probe boot reaches user space.
pick_accel()
{
	local v=$1 cache=$B/accel
	if [ -n "${LSL_ACCEL:-}" ]; then
		echo "$LSL_ACCEL"
		return
	fi
	if [ ! -s "$cache" ]; then
		echo tcg > "$cache"
		if [ -w /dev/kvm ] &&
		   ACCEL=kvm boot_guest "$v" probe 20 probe >/dev/null 2>&1 &&
		   grep -q LSL-PROBE-OK "$LOGS/probe.result"; then
			echo kvm > "$cache"
		fi
	fi
	cat "$cache"
}

# Our guests have no PIT/HPET/ACPI timer to calibrate the TSC against, so
# sched_clock() would tick in jiffies (4 ms) and every lock time recorded
# would be a multiple of it; TCG's TSC runs at the host's rate, so give the
# guest the host's frequency.
guest_tsc_arg()
{
	awk '/^cpu MHz/ { printf "tsc_early_khz=%d", $4 * 1000; exit }' /proc/cpuinfo
}

# boot_guest VARIANT SCRIPT TIMEOUT NAME [extra kernel args]
# Console log in build/logs/NAME.console, results in build/logs/NAME.result.
boot_guest()
{
	local v=$1 script=$2 timeout=$3 name=$4 extra=${5:-}
	local kernel accel console result rc arch
	arch=$(variant_arch "$v")
	kernel=$(out_dir "$v")/arch/x86/boot/bzImage
	accel=${ACCEL:-$(pick_accel "$v")}
	console=$LOGS/$name.console
	result=$LOGS/$name.result
	: > "$console"
	: > "$result"
	# Multi-threaded TCG (QEMU 7.2) runs stale int3 bytes after a static
	# key update has finished, with or without lock_stat_lite (the =n
	# kernel does it when its tracepoints are flipped under load: see
	# the rst, Reliability); one host thread for all vCPUs keeps code
	# patching coherent.
	# One socket per CPU: without ACPI the kernel learns the CPUs from
	# the BIOS MP table, which lists one per socket, so "-smp 4" alone
	# boots a uniprocessor guest.
	# The kernels are built with CONFIG_PARAVIRT; the hypervisor CPUID bit
	# is the boot switch between the native queued spinlock (hidden, the
	# default, as on bare metal) and virt_spin_lock() (GUEST_PV=1).
	local cpus=${GUEST_CPUS:-4} hv=,-hypervisor
	[ "${GUEST_PV:-0}" = 0 ] || hv=
	# GUEST_MTTCG=1: one host thread per vCPU, for the races that
	# single-threaded TCG, which runs the vCPUs in turns, never shows.
	local tcg=single
	[ "${GUEST_MTTCG:-0}" = 0 ] || tcg=multi
	local -a acc=(-accel "tcg,thread=$tcg" -cpu "max$hv")
	if [ "${GUEST_ICOUNT:-0}" != 0 ]; then
		# One guest ns per executed instruction (shift=0), no idle time
		# (sleep=off), and a 1 GHz TSC: guest clocks count instructions,
		# and two boots of the same kernel agree to a fraction of 0.1%.
		accel=tcg-icount
		acc+=(-icount shift=0,sleep=off)
		[ "$arch" = arm64 ] || extra="tsc_early_khz=1000000 $extra"
	elif [ "$accel" = kvm ]; then
		acc=(-accel kvm -cpu "host$hv")
	elif [ "$arch" = x86 ]; then
		extra="$(guest_tsc_arg) $extra"
	fi
	local -a qemu=(qemu-system-x86_64 "${acc[@]}" -smp "$cpus,sockets=$cpus")
	local -a res=(-serial "file:$result")
	local tty=ttyS0
	if [ "$arch" = arm64 ]; then
		# The virt board has one UART: the results go to a virtio
		# console (hvc0), which the guest's /init picks when it exists.
		kernel=$(out_dir "$v")/arch/arm64/boot/Image
		qemu=(qemu-system-aarch64 -M virt -cpu max -accel "tcg,thread=$tcg" -smp "$cpus")
		[ "${GUEST_ICOUNT:-0}" = 0 ] || qemu+=(-icount shift=0,sleep=off)
		res=(-device virtio-serial-device -chardev "file,id=res,path=$result"
		     -device virtconsole,chardev=res)
		tty=ttyAMA0
		accel=tcg
	fi
	set +e
	timeout -k 5 "$timeout" "${qemu[@]}" -m "${GUEST_MEM:-2G}" \
		-kernel "$kernel" -initrd "$GUEST/$v/initramfs.cpio.gz" \
		-append "console=$tty panic=-1 oops=panic softlockup_panic=1 tsc=reliable loglevel=6 lsl.script=$script $extra" \
		-display none -monitor none -no-reboot \
		-serial "file:$console" "${res[@]}"
	rc=$?
	set -e
	sed -i 's/\r$//' "$console" "$result"
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		echo "guest '$name' ($v, $accel) hung: killed after ${timeout}s; console log: $console" >&2
		return 124
	fi
	if ! grep -q '^LSL-GUEST-DONE' "$result"; then
		grep -m5 -B2 -A20 'Kernel panic\|BUG:\|Oops' "$console" >&2 || true
		echo "guest '$name' ($v, $accel) died before finishing (rc=$rc); console log: $console" >&2
		return 1
	fi
	echo "guest '$name' ran on $v with $accel; console log: $console" >&2
	sed -n 's/^LSL-GUEST-DONE rc=//p' "$result" | { read -r r; return "${r:-1}"; }
}
