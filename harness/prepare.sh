#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare build/linux: the pinned upstream source, our files laid over it,
# then patches/series applied with no fuzz.  The tree is a git repository
# with one commit per patch, so that `make refresh` can export edits back
# with git format-patch.  Only files whose content changes are rewritten,
# which keeps incremental kernel builds incremental.
. "$(dirname "$0")/lib.sh"

pin_version() { sed -n 's/^LINUX_SOURCE_VERSION=//p' "$REPO/harness/BASE"; }

install_source()
{
	local want have
	want=$(pin_version)
	have=$(dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null || true)
	if [ "$have" = "$want" ]; then
		return
	fi
	if [ "$(id -u)" != 0 ]; then
		die "linux-source-6.12=$want is not installed (have '${have:-none}')"
	fi
	if ! apt-get install -y -q "linux-source-6.12=$want" >&2; then
		warn "**************************************************************"
		warn "linux-source-6.12=$want is no longer served by the archive:"
		warn "falling back to the newest 6.12.y it has.  Update harness/BASE."
		warn "**************************************************************"
		apt-get install -y -q linux-source-6.12 >&2
	fi
}

unpack_source()
{
	local ver tarball=/usr/src/linux-source-6.12.tar.xz
	ver=$(dpkg-query -W -f '${Version}' linux-source-6.12)
	if [ -d "$SRC/.git" ] && [ "$(cat "$B/source.version" 2>/dev/null)" = "$ver" ]; then
		return
	fi
	say "unpacking linux-source-6.12 $ver (once)"
	rm -rf "$SRC" "$B/source.version" "$B/prepared.commit"
	mkdir -p "$SRC"
	tar -xJf "$tarball" -C "$SRC" --strip-components=1
	# Debian's top-level .gitignore ignores everything but debian/.
	sed -i '/^\/\*$/d;/^!\/debian\/$/d' "$SRC/.gitignore"
	git -C "$SRC" init -q -b upstream
	git -C "$SRC" config user.name "lock_stat_lite harness"
	git -C "$SRC" config user.email "harness@lock-stat-lite.invalid"
	git -C "$SRC" add -A
	git -C "$SRC" commit -q -m "linux-source-6.12 $ver"
	echo "$ver" > "$B/source.version"
}

check_clean()
{
	local head rec
	if [ -n "$(git -C "$SRC" status --porcelain --untracked-files=no)" ]; then
		git -C "$SRC" status --short --untracked-files=no >&2
		die "build/linux has uncommitted edits: commit them there and run 'make refresh' (or drop them with git -C build/linux checkout -- .)"
	fi
	head=$(git -C "$SRC" rev-parse HEAD)
	rec=$(cat "$B/prepared.commit" 2>/dev/null || echo "$head")
	if [ "$head" != "$rec" ] && ! git -C "$SRC" merge-base --is-ancestor "$head" "$rec"; then
		die "build/linux has commits not exported to patches/: run 'make refresh' first"
	fi
}

build_commits()
{
	local base commit tree f mode p n=0 tmp
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	overlay_files > "$tmp/overlay"
	export GIT_INDEX_FILE=$tmp/index
	base=$(git -C "$SRC" rev-parse upstream)
	git -C "$SRC" read-tree "$base"
	while read -r f; do
		if git -C "$SRC" cat-file -e "$base:$f" 2>/dev/null; then
			die "overlay file $f exists upstream: change it with a patch instead"
		fi
		mode=100644
		[ -x "$REPO/$f" ] && mode=100755
		git -C "$SRC" update-index --add --cacheinfo \
			"$mode,$(git -C "$SRC" hash-object -w "$REPO/$f"),$f"
	done < "$tmp/overlay"
	tree=$(git -C "$SRC" write-tree)
	commit=$(echo "lock_stat_lite: overlay of the project's own files" |
		GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z git -C "$SRC" commit-tree "$tree" -p "$base")
	[ -n "$commit" ] || die "could not commit the overlay"
	git -C "$SRC" update-ref refs/tags/overlay "$commit"
	while read -r p; do
		p=${p%%#*}
		p=${p//[[:space:]]/}
		[ -n "$p" ] || continue
		[ -f "$REPO/patches/$p" ] || die "patches/series names $p, which does not exist"
		n=$((n + 1))
		git mailinfo "$tmp/msg" "$tmp/diff" < "$REPO/patches/$p" > "$tmp/info"
		if ! (cd "$SRC" && git apply --cached "$tmp/diff"); then
			die "patch $p does not apply to linux-source-6.12 $(cat "$B/source.version")"
		fi
		tree=$(git -C "$SRC" write-tree)
		commit=$( {
			sed -n 's/^Subject: //p' "$tmp/info"; echo; cat "$tmp/msg"
		} | GIT_AUTHOR_NAME=$(sed -n 's/^Author: //p' "$tmp/info") \
		    GIT_AUTHOR_EMAIL=$(sed -n 's/^Email: //p' "$tmp/info") \
		    GIT_AUTHOR_DATE=$(sed -n 's/^Date: //p' "$tmp/info") \
		    GIT_COMMITTER_DATE=2026-01-01T00:00:00Z \
		    git -C "$SRC" commit-tree "$tree" -p "$commit")
		[ -n "$commit" ] || die "could not commit $p"
	done < "$REPO/patches/series"
	unset GIT_INDEX_FILE
	echo "$commit"
	say "series: $n patches applied on linux-source-6.12 $(cat "$B/source.version")"
}

install_source
unpack_source
check_clean
commit=$(build_commits)
[ -n "$commit" ] || die "could not build the prepared tree's commits"
# Moves HEAD and rewrites only the files whose content differs.
git -C "$SRC" checkout -q -B lsl "$commit"
echo "$commit" > "$B/prepared.commit"
