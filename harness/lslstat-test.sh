#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# harness/lslstat-test.sh [DIR]: build tools/lock_stat_lite/lslstat with
# gcc -Wall -Wextra -Werror into DIR (default build/lslstat) and test it on
# the fixtures in tools/lock_stat_lite/testdata.  One line per case,
# "ok   lslstat: NAME" or "FAIL lslstat: NAME" (with what went wrong
# indented below it), then "N passed, N failed"; the exit status is
# non-zero if any case failed.  Needs bash, make, gcc and python3; no kernel.
#
# LSLSTAT_UPDATE=1 rewrites the expected outputs (testdata/*.expected)
# instead of comparing with them: review the diff before committing.
# The cases are functions that check() calls:
# shellcheck disable=SC2317
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC=$REPO/tools/lock_stat_lite
TD=$SRC/testdata
OUT=${1:-$REPO/build/lslstat}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd) || exit 1
BIN=$OUT/lslstat
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
UPDATE=${LSLSTAT_UPDATE:-0}
MAXW=160
pass=0
fail=0

ok() { echo "ok   lslstat: $1"; pass=$((pass + 1)); }
# ko NAME [DETAIL FILE]
ko()
{
	echo "FAIL lslstat: $1"
	fail=$((fail + 1))
	[ $# -lt 2 ] || head -40 "$2" | sed 's/^/    /'
}
# check NAME CMD...: one case from a command's status, its output shown on failure.
check()
{
	local name=$1
	shift
	if "$@" > "$TMP/check.log" 2>&1; then ok "$name"; else ko "$name" "$TMP/check.log"; fi
}
summary()
{
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}
# Run lslstat in the fixtures' folder, so that outputs name files alike anywhere.
lsl() { (cd "$TD" && "$BIN" "$@"); }

# ---------------------------------------------------------------- build

if make -s -C "$SRC" OUTPUT="$OUT/" CC=gcc CFLAGS="-O2 -Wall -Wextra -Werror" \
	-B > "$TMP/build.log" 2>&1 && [ -x "$BIN" ]; then
	ok "builds with gcc -Wall -Wextra -Werror"
else
	ko "builds with gcc -Wall -Wextra -Werror" "$TMP/build.log"
	summary
fi
static_build()
{
	make -s -C "$SRC" OUTPUT="$TMP/static/" CC=gcc LDFLAGS=-static -B &&
		! readelf -l "$TMP/static/lslstat" | grep -q INTERP &&
		"$TMP/static/lslstat" "$TD/run-on-2.0.txt" > /dev/null
}
check "make LDFLAGS=-static gives a static binary that runs" static_build

# ------------------------------------------------------ expected outputs

# golden NAME EXPECTED ARGS...: the output of lslstat ARGS is EXPECTED.
golden()
{
	local name=$1 exp=$TD/$2 rc
	shift 2
	lsl "$@" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "exit status $rc" >> "$TMP/err"
		ko "$name" "$TMP/err"
		return
	fi
	if [ "$UPDATE" = 1 ]; then
		cp "$TMP/out" "$exp"
		ok "$name (expected output rewritten: review it)"
	elif diff -u "$exp" "$TMP/out" > "$TMP/diff"; then
		ok "$name"
	else
		ko "$name" "$TMP/diff"
	fi
}

golden "default view, real 2.0 output" run-on-2.0.expected run-on-2.0.txt
golden "default view, version 1.1 (names with spaces, '+', module, static lock)" \
	zram-1.1.expected zram-1.1.txt
golden "default view, 2.0 with a module site and a shared named lock" \
	patched-2.0.expected patched-2.0.txt
golden "-n 0 -w: every site, nothing shortened" run-on-all-wide.expected -n 0 -w run-on-2.0.txt
golden "filters and sort: -k spin -l contig_page_data -s con" run-on-filtered.expected \
	-k spin -l contig_page_data -s con run-on-2.0.txt
golden "-f: function substring" run-on-function.expected -f unix_stream run-on-2.0.txt
golden "--diff of two 2.0 snapshots (size change matches, offset change does not)" \
	diff.expected --diff run-on-2.0.txt patched-2.0.txt
golden "--diff -s con" diff-con.expected --diff -s con -n 5 run-on-2.0.txt patched-2.0.txt
golden "--diff of a 1.1 and a 2.0 snapshot" diff-versions.expected --diff zram-1.1.txt \
	patched-2.0.txt
golden "--hist of the top site" hist.expected --hist run-on-2.0.txt
golden "--hist SITE FILE -n 2" hist-site.expected --hist zs_ -n 2 zram-1.1.txt
golden "--hist=SITE" hist-eq.expected --hist=__page_cache_release run-on-2.0.txt
golden "--pairs, 2.0 with (queued)" pairs.expected --pairs run-on-2.0.txt
golden "--pairs, 1.1 with unknown holders and a module" pairs-1.1.expected --pairs zram-1.1.txt
golden "--csv" csv.expected --csv zram-1.1.txt
golden "default view, 2.1: 'many' apart, a '+' that is part of a name, many unnamed" \
	patched-2.1.expected -n 0 patched-2.1.txt
golden "default view, a whole make run snapshot (280 sites)" make-run-2.0.expected \
	make-run-2.0.txt
golden "--pairs of a whole make run snapshot" make-run-pairs.expected --pairs make-run-2.0.txt
golden "--diff of two real zone-lock runs" zone-lock-diff.expected --diff -n 20 \
	zone-lock-a-2.0.txt zone-lock-b-2.0.txt

csv_well_formed()
{
	lsl --csv run-on-2.0.txt > "$TMP/all.csv" &&
	python3 - "$TMP/all.csv" "$TD/run-on-2.0.txt" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
head, body = rows[0], rows[1:]
assert len(head) == 21 + 24, head
assert all(len(r) == len(head) for r in body), "ragged rows"
src = [l for l in open(sys.argv[2]).read().split("\n\n")[0].splitlines()
       if not l.startswith("#")][6:]
assert len(body) == len(src), (len(body), len(src))
# every number as the kernel printed it, in the same order
for r, line in zip(body, src):
    assert r[:14] == line.split()[:14], (r[:14], line)
    hist = line.split("hist=")[1].split(",") if "hist=" in line else []
    got = ["%d:%s" % (b, r[21 + b]) for b in range(24) if r[21 + b] != "0"]
    assert got == hist, (got, hist)
EOF
}
check "--csv: every number as printed, same row count, no ragged rows" csv_well_formed

plot_ok()
{
	lsl --plot "$TMP/top.svg" -n 6 run-on-2.0.txt &&
	lsl --plot "$TMP/zram.svg" -n 0 zram-1.1.txt &&
	python3 - "$TMP/top.svg" "$TMP/zram.svg" <<'EOF'
import sys, xml.dom.minidom
for f, panels in zip(sys.argv[1:], (6, 10)):
    d = xml.dom.minidom.parse(f)
    svg = d.documentElement
    assert svg.tagName == "svg", svg.tagName
    g = svg.getElementsByTagName("g")
    assert len(g) == panels, (f, len(g))
    texts = " ".join(t.firstChild.data for t in svg.getElementsByTagName("text") if t.firstChild)
    for want in ("waits", "log2", "lock kind:"):
        assert want in texts, (f, want)
EOF
}
check "--plot writes well-formed SVG (xml.dom.minidom), a panel per site" plot_ok

# The interval mode, fed three snapshots: since reset, a delta, a reset.
# Each is swapped in as soon as the sample before it is printed, a second
# before the next is read; the rates come from the files' own clocks.
interval()
{
	local live=$TMP/live n
	cp "$TD/run-on-2.0.txt" "$live"
	"$BIN" -i 1 -c 3 -n 5 "$live" > "$TMP/interval.out" 2> "$TMP/interval.err" &
	for n in 1 2; do
		for _ in $(seq 300); do
			grep -q "sample $n:" "$TMP/interval.out" && break
			sleep 0.02
		done
		if [ "$n" = 1 ]; then
			cp "$TD/patched-2.0.txt" "$live.new"
		else
			cp "$TD/run-on-2.0.txt" "$live.new"
		fi
		mv "$live.new" "$live"
	done
	wait $! || return 1
	sed "s|$live|live|" "$TMP/interval.out" > "$TMP/interval.txt"
	if [ "$UPDATE" = 1 ]; then
		cp "$TMP/interval.txt" "$TD/interval.expected"
	else
		diff -u "$TD/interval.expected" "$TMP/interval.txt"
	fi
}
check "-i 1 -c 3: rates since reset, over an interval, after a reset" interval

widths()
{
	local f args rc=0
	for f in run-on-2.0.txt zram-1.1.txt patched-2.0.txt; do
		for args in "" "--pairs" "--hist -n 0" "-n 0" "-s site"; do
			# shellcheck disable=SC2086
			lsl $args "$f" | awk -v m="$MAXW" -v w="$args $f" \
				'length($0) > m { print w ": " length($0) ": " $0; bad = 1 } END { exit bad }' || rc=1
		done
	done
	lsl --diff -n 0 run-on-2.0.txt patched-2.0.txt | awk -v m="$MAXW" \
		'length($0) > m { print "--diff: " $0; bad = 1 } END { exit bad }' || rc=1
	awk -v m="$MAXW" 'length($0) > m { print "-i: " $0; bad = 1 } END { exit bad }' \
		"$TMP/interval.out" || rc=1
	# and -w does not shorten: the widest fixture has a longer line
	lsl -w -n 0 patched-2.0.txt | awk -v m="$MAXW" 'length($0) > m { n++ } END { exit !n }' || {
		echo "-w: no line wider than $MAXW"
		rc=1
	}
	return "$rc"
}
check "no line over $MAXW columns without -w (every view, every fixture)" widths

table_full()
{
	sed '3s/0 events dropped/5 events dropped/
	     6a WARNING: the site table is full, some events are not counted' \
		"$TD/run-on-2.0.txt" > "$TMP/full.txt" &&
		"$BIN" "$TMP/full.txt" | grep -q '5 events dropped (table full: some events not counted)'
}
check "a full table's WARNING line is read and its drops reported" table_full

help_and_usage()
{
	"$BIN" -h > "$TMP/help" || return 1
	for w in SYNOPSIS OPTIONS "EXIT STATUS" --diff --hist --pairs --csv --plot -i -c -s -n -k -l -f -w; do
		grep -q -- "$w" "$TMP/help" || { echo "-h lacks $w"; return 1; }
	done
	local args
	for args in "-k bogus" "-s bogus" "-n x" "-c 3" "-i 0" "--diff one" "--csv --pairs" "a b"; do
		# shellcheck disable=SC2086
		lsl $args run-on-2.0.txt > /dev/null 2>&1
		[ $? -eq 1 ] || { echo "'$args' does not exit 1"; return 1; }
	done
	"$BIN" "$TMP/no-such-file" 2> "$TMP/err"
	[ $? -eq 1 ] && grep -q "no-such-file" "$TMP/err"
}
check "-h, usage errors and a missing file exit 0, 1, 1" help_and_usage

# --------------------------------------------------------- refused input

F=$TD/run-on-2.0.txt
# refuse NAME FILE REGEX: lslstat exits 2 and says FILE:LINE: and REGEX.
refuse()
{
	local name=$1 file=$2 re=$3 rc
	"$BIN" "$file" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	if [ "$rc" -eq 2 ] && [ ! -s "$TMP/out" ] && grep -qE -- "^lslstat: $file(:[0-9]+)?: (.*[^a-z])?$re" "$TMP/err"; then
		ok "refuses $name: $(head -1 "$TMP/err" | sed "s|$TMP/||; s|$TD/||")"
	else
		echo "exit status $rc, wanted 2 and '$re'" >> "$TMP/err"
		ko "refuses $name" "$TMP/err"
	fi
}
M=$TMP/m
head -c 2000 "$F" > "$M-cut"
refuse "a file cut mid-line" "$M-cut" "truncated: the last line has no newline"
head -n 20 "$F" > "$M-rows"
refuse "a file cut after a row" "$M-rows" "truncated: the file ends before the who-blocked-whom"
refuse "the real header-only output of make bench (2.0)" "$TD/bench-on-header-2.0.txt" \
	"truncated: the file ends before the column header"
refuse "the real header-only output of a 1.1 kernel" "$TD/bench-memtest-header-1.1.txt" \
	"truncated: the file ends before the column header"
head -n 36 "$F" > "$M-nopairhead"
refuse "a file cut before the pair column header" "$M-nopairhead" \
	"truncated: the file ends before the pair column header"
: > "$M-empty"
refuse "an empty file" "$M-empty" "empty file"
sed '1s/2\.0/3.0/' "$F" > "$M-v3"
refuse "unknown version 3.0" "$M-v3" "unsupported version '3.0'"
sed '1s/2\.0/1.0/' "$F" > "$M-v1"
refuse "unknown version 1.0" "$M-v1" "unsupported version '1.0'"
sed '1s/.*/lock_stat version 0.4/' "$F" > "$M-other"
refuse "another file (lock_stat)" "$M-other" "not a lock_stat_lite file"
sed '1s/2\.0/1.1/' "$F" > "$M-mixed"
refuse "a 2.0 body under a 1.1 version line" "$M-mixed" "expected the 'untracked holds' line"
sed '10s/ 1004090142 / /' "$F" > "$M-missing"
refuse "a row with a missing column" "$M-missing" "missing columns"
sed '10s/  __put_partials.*//' "$F" > "$M-nosite"
refuse "a row without its site" "$M-nosite" "missing column 'site'"
sed '8s/ wait-max / /' "$F" > "$M-nohdrcol"
refuse "a column header without wait-max" "$M-nohdrcol" "the column header lacks column 'wait-max'"
sed '10s/1004090142/10040x0142/' "$F" > "$M-nan"
refuse "a non-numeric field" "$M-nan" "column 'wait-total': '10040x0142' is not a number"
sed '10s/ 1004090142 / -1004090142 /' "$F" > "$M-neg"
refuse "a negative number" "$M-neg" "column 'wait-total': '-1004090142' is not a number"
sed '10s/ 1004090142 / 18446744073709551616 /' "$F" > "$M-huge"
refuse "a number that overflows u64 (2^64)" "$M-huge" "column 'wait-total': 18446744073709551616 does not fit in 64 bits"
sed '10s/ 1004090142 / 99999999999999999999999 /' "$F" > "$M-huge2"
refuse "a 23-digit number" "$M-huge2" "does not fit in 64 bits"
sed '3s/284 used/99999999999999999999 used/' "$F" > "$M-hugehdr"
refuse "an overflowing header number" "$M-hugehdr" "number out of range in the 'sites:' line"
sed '9s/hist=18:35/hist=18:18446744073709551616/' "$F" > "$M-hugehist"
refuse "an overflowing histogram count" "$M-hugehist" "hist= count out of range"
sed '9s/hist=18:35,19:16/hist=19:16,18:35/' "$F" > "$M-historder"
refuse "histogram buckets out of order" "$M-historder" "hist= bucket 18 out of order"
sed '9s/hist=18:35/hist=24:35/' "$F" > "$M-histpast"
refuse "a histogram bucket past the last" "$M-histpast" "hist= bucket 24"
cp "$F" "$M-nul"
printf '\0\001\377' | dd of="$M-nul" bs=1 seek=900 conv=notrunc status=none
refuse "binary junk (NUL bytes)" "$M-nul" "binary data: byte 0x00"
{ head -n 12 "$F"; head -c 300 /bin/sh | tr -d '\n'; echo; tail -n +13 "$F"; } > "$M-elf"
refuse "binary junk (an ELF header in a row)" "$M-elf" "binary data: byte 0x"
sed 's/$/\r/' "$F" > "$M-crlf"
refuse "CRLF line ends" "$M-crlf" "binary data: byte 0x0d"
sed '10s/^spin /spun /' "$F" > "$M-kind"
refuse "an unknown lock kind" "$M-kind" "unknown lock kind 'spun'"
sed '9s|unix_stream_sendmsg+0x1c8/0x640|unix_stream_sendmsg|' "$F" > "$M-site"
refuse "a site that is not %pS" "$M-site" "malformed site 'unix_stream_sendmsg'"
sed '9s|  hist=|  junk=|' "$F" > "$M-junk"
refuse "unknown text after a site" "$M-junk" "unexpected text after the site"
{ cat "$F"; echo "and more"; } > "$M-tail"
refuse "text after the pairs" "$M-tail" "expected a pair"
sed 's/-     unknown/-     (queued)/' "$TD/zram-1.1.txt" > "$M-queued"
refuse "a (queued) holder in a 1.1 file" "$M-queued" "names '\(queued\)', not 'unknown'"
sed '38s/   247 /   2x7 /' "$F" > "$M-pair"
refuse "a non-numeric pair count" "$M-pair" "pair waits: '2x7' is not a number"

check "18446744073709551615 (u64 max) is accepted" \
	bash -c "sed '10s/ 1004090142 / 18446744073709551615 /' '$F' > '$M-max' && '$BIN' '$M-max' > /dev/null"

summary
