# SPDX-License-Identifier: GPL-2.0
# lock_stat_lite: the two commands are `make run` and `make check`.
# Everything is built under build/ (ignored by git).

VARIANT ?= on

.PHONY: run check check-arm64 check-full soak bench text-cost prepare build refresh deps clean help

help:
	@echo "make deps      install the Debian packages (root)"
	@echo "make run       build, boot and show /proc/lock_stat_lite under load"
	@echo "                SCENARIO=zone-lock|vma-lock|zram: one mm lock's scenario"
	@echo "                GUEST_PV=1: paravirt spinlocks (virt_spin_lock)"
	@echo "make check     every test: series, static checks, KUnit, kselftests;"
	@echo "                x86 and arm64 with inlined lock functions (PREEMPT_NONE)"
	@echo "make check-arm64  KUnit and kselftests on both arm64 kernels: inlined"
	@echo "                lock functions and out of line (PREEMPT_DYNAMIC)"
	@echo "make check-full  make check, then make check-arm64"
	@echo "make soak      locktorture while every control races the hooks,"
	@echo "                SOAK_SECS (600) on the native, paravirt and debug kernels"
	@echo "make bench     overhead of =n, on (switched off and on), LOCK_STAT"
	@echo "make text-cost  text the feature adds: x86, arm64, arm64 inlined"
	@echo "make prepare   unpack the pinned source, lay our files, apply the series"
	@echo "make build     build VARIANT=on|off|lockstat|debug into build/out/VARIANT"
	@echo "make refresh   export commits made in build/linux back to patches/"

deps:
	harness/deps.sh

run: deps
	harness/run.sh

check:
	harness/deps.sh arm64
	harness/check.sh

check-arm64:
	harness/deps.sh arm64
	harness/check.sh arm64

check-full: check check-arm64

soak: deps
	harness/soak.sh

bench: deps
	harness/bench.sh

text-cost:
	harness/deps.sh arm64
	harness/text-cost.sh

prepare:
	harness/prepare.sh

build: prepare
	harness/build.sh $(VARIANT)

refresh:
	harness/refresh.sh

clean:
	rm -rf build
