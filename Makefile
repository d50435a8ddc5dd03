# SPDX-License-Identifier: GPL-2.0
# lock_stat_lite: the two commands are `make run` and `make check`.
# Everything is built under build/ (ignored by git).

VARIANT ?= on

.PHONY: run check check-arm64 check-full soak bench prepare build refresh deps clean help

help:
	@echo "make deps      install the Debian packages (root)"
	@echo "make run       build, boot and show /proc/lock_stat_lite under load"
	@echo "                SCENARIO=zone-lock|vma-lock|zram: one mm lock's scenario"
	@echo "                GUEST_PV=1: paravirt spinlocks (virt_spin_lock)"
	@echo "make check     every test: series, static checks, KUnit, kselftests"
	@echo "make check-arm64  the KUnit suite on an arm64 guest whose lock functions"
	@echo "                are inlined (PREEMPT_NONE), cross-built"
	@echo "make check-full  make check, then make check-arm64"
	@echo "make soak      locktorture while every control races the hooks,"
	@echo "                SOAK_SECS (600) on the native, paravirt and debug kernels"
	@echo "make bench     overhead of =n, on (switched off and on), LOCK_STAT"
	@echo "make prepare   unpack the pinned source, lay our files, apply the series"
	@echo "make build     build VARIANT=on|off|lockstat|debug into build/out/VARIANT"
	@echo "make refresh   export commits made in build/linux back to patches/"

deps:
	harness/deps.sh

run: deps
	harness/run.sh

check: deps
	harness/check.sh

check-arm64:
	harness/deps.sh arm64
	harness/check.sh arm64

check-full: check check-arm64

soak: deps
	harness/soak.sh

bench: deps
	harness/bench.sh

prepare:
	harness/prepare.sh

build: prepare
	harness/build.sh $(VARIANT)

refresh:
	harness/refresh.sh

clean:
	rm -rf build
