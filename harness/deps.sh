#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the harness needs, once per machine.
. "$(dirname "$0")/lib.sh"

PKGS="build-essential bc bison flex libelf-dev libssl-dev cpio rsync kmod
ccache python3 python3-ply python3-git xz-utils qemu-system-x86 qemu-system-data busybox-static
sparse coccinelle quilt stress-ng rt-tests trace-cmd linux-perf gnuplot-nox liburcu-dev"

missing=$(dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' $PKGS 2>/dev/null |
	  awk '$1 != "ii" { print $2 }')
for p in $PKGS; do
	dpkg-query -W "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "${missing// /}" ]; then
	[ "$(id -u)" = 0 ] || die "missing packages:$missing (run make deps as root)"
	say "installing:$missing"
	apt-get update -q >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
fi
