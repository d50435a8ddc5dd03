#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# harness/fresh-check.sh [ROOT]: the README's promise, checked the way a
# new user meets it.  mmdebstrap makes an empty bookworm root (minbase:
# Essential packages and apt, nothing else), then inside it, as root:
# install git and make, clone this repository's committed main, and run
# `make check` with an empty ccache.  Run by hand (as root), not by make
# check; it takes as long as a cold `make check` plus the install.
# The root is kept for a look afterwards: build/logs of the clone are in
# ROOT/root/lock_stat_lite/build/logs.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
root=${1:-/var/tmp/lsl-fresh-root}
target=${FRESH_TARGET:-check}
[ "$(id -u)" = 0 ] || { echo "fresh-check.sh: run as root" >&2; exit 1; }

if ! command -v mmdebstrap > /dev/null; then
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap
fi

cleanup()
{
	local m
	for m in dev/pts dev/shm dev proc sys src; do
		mountpoint -q "$root/$m" && umount -l "$root/$m"
	done
	return 0
}
trap cleanup EXIT

cleanup
rm -rf "$root"
t0=$(date +%s)
mmdebstrap --variant=minbase bookworm "$root" \
	"deb http://deb.debian.org/debian bookworm main" \
	"deb http://deb.debian.org/debian bookworm-updates main" \
	"deb http://deb.debian.org/debian-security bookworm-security main"
echo "fresh-check: bookworm root made in $(( $(date +%s) - t0 ))s"

mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --bind /dev "$root/dev"
mount -t devpts devpts "$root/dev/pts" 2>/dev/null || true
mount -t tmpfs shm "$root/dev/shm"
mkdir -p "$root/src"
mount --bind -o ro "$REPO" "$root/src"
cp /etc/resolv.conf "$root/etc/resolv.conf"

t1=$(date +%s)
rc=0
chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	/bin/bash -euo pipefail -c "
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends git make ca-certificates
	git config --global --add safe.directory '*'
	git clone -q /src /root/lock_stat_lite
	cd /root/lock_stat_lite
	git log --oneline -1
	make $target
" || rc=$?
echo "fresh-check: make $target in the fresh root exited $rc after $(( $(date +%s) - t1 ))s"
exit $rc
