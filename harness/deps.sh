#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the harness needs, once per machine.  Safe
# on a fresh bookworm root: a package that is absent is a package to
# install, never an error of the query.  "deps.sh arm64" adds what the
# arm64 guests need (make check-arm64).
. "$(dirname "$0")/lib.sh"

PKGS="build-essential bc bison flex libelf-dev libssl-dev cpio rsync kmod
ccache python3 python3-ply python3-git xz-utils qemu-system-x86 qemu-system-data busybox-static
sparse coccinelle quilt stress-ng rt-tests trace-cmd linux-perf gnuplot-nox liburcu-dev
git ca-certificates"
[ "${1:-}" != arm64 ] ||
	PKGS="$PKGS gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm"

installed() { [ "$(dpkg-query -W -f '${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]; }

missing=
for p in $PKGS; do
	installed "$p" || missing="$missing $p"
done
# The arm64 guest's busybox: Debian's arm64 busybox-static, unpacked into
# build/, fetched with apt for arm64 alone so that the host's dpkg
# architectures stay as they are.
arm64_busybox()
{
	local lists=$B/arm64-apt/lists dir=$B/arm64-busybox
	local -a o=(-o APT::Architecture=arm64 -o APT::Architectures=arm64
		    -o Dir::State::Lists="$lists" -o Dir::Cache::archives="$B/arm64-apt")
	[ -x "$dir/bin/busybox" ] && return
	mkdir -p "$lists/partial" "$B/arm64-apt/partial"
	say "fetching Debian's arm64 busybox-static"
	apt-get "${o[@]}" update -q >&2 || die "apt-get update for arm64 failed"
	(cd "$B/arm64-apt" && apt-get "${o[@]}" download busybox-static) >&2 ||
		die "apt-get cannot download busybox-static for arm64"
	rm -rf "$dir.new"
	dpkg -x "$(ls "$B"/arm64-apt/busybox-static_*_arm64.deb | tail -1)" "$dir.new"
	rm -rf "$dir"
	mv "$dir.new" "$dir"
}

if [ -z "$missing" ]; then
	[ "${1:-}" != arm64 ] || arm64_busybox
	exit 0
fi
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
[ "${1:-}" != arm64 ] || arm64_busybox
