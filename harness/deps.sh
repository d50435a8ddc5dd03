#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the harness needs, once per machine.  Safe
# on a fresh bookworm root: a package that is absent is a package to
# install, never an error of the query.
. "$(dirname "$0")/lib.sh"

PKGS="build-essential bc bison flex libelf-dev libssl-dev cpio rsync kmod
ccache python3 python3-ply python3-git xz-utils qemu-system-x86 qemu-system-data busybox-static
sparse coccinelle quilt stress-ng rt-tests trace-cmd linux-perf gnuplot-nox liburcu-dev
git ca-certificates"

installed() { [ "$(dpkg-query -W -f '${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]; }

missing=
for p in $PKGS; do
	installed "$p" || missing="$missing $p"
done
[ -n "$missing" ] || exit 0
[ "$(id -u)" = 0 ] || die "missing packages:$missing (run make deps as root)"
say "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2 || die "apt-get update failed: check /etc/apt/sources.list*"
# shellcheck disable=SC2086
if ! apt-get install -y -q --no-install-recommends $missing >&2; then
	# Name the package apt cannot give us rather than leave a wall of
	# apt output to read.
	for p in $missing; do
		installed "$p" && continue
		apt-get install -y -q --no-install-recommends "$p" >&2 ||
			die "apt-get cannot install Debian package '$p'"
	done
fi
for p in $missing; do
	installed "$p" || die "Debian package '$p' is still not installed"
done
say "installed:$missing"
