#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# zone-lock-cocci.sh SRC_DIR OUT_FILE
#
# struct zone's lock is taken only through the wrappers in
# include/linux/mmzone_lock.h, anywhere in the kernel tree SRC_DIR.  Prints
# what it finds, also into OUT_FILE, and exits non-zero on any finding or
# failed self-test.  Findings, one line each:
#
#   ERROR   FILE:LINE:COL  a direct use, from scripts/coccinelle/api/
#           zone_lock.cocci in report mode (guard() and scoped_guard()
#           arguments included).
#   PARSE   FILE:LINE      spatch could not parse a region (a function, a
#           declaration) that mentions the zone lock, so it skipped it and
#           could not have reported a use there.
#   PASSED  FILE           spatch --parse-c passed over (took for
#           unknown macro text, or #if 0 code) a line that mentions the zone
#           lock, so report mode cannot have matched it either.
#   MACRO   FILE:LINE      a #define whose text mentions the zone lock:
#           Coccinelle does not match inside macro definitions.
#   SPATCH  FILE           spatch failed on, timed out on or did not handle
#           the file.
#   SELFTEST NAME          a self-test below failed.
#
# Whole tree, kept fast by a pre-filter (git grep, or grep -r where SRC_DIR
# is not a git work tree; untracked files are included): spatch runs on
# every .c and .h file that accesses a member called lock or _lock and
# names struct zone or a zone helper (page_zone(), node_zones, ... the
# shapes the semantic patch matches) itself or in a header it includes by
# a local "..." include (followed 4 deep).  spatch takes types from the
# file and its local includes only, so in any other file it could not see
# a struct zone, parsed or not.  It runs with --disable-worth-trying-opt:
# otherwise it skips, unparsed and unsaid, a file without one of the
# rule's tokens (zone, page_zone, ...), such as one that reaches struct
# zone through a header.

# "Mentions the zone lock", for PARSE, PASSED and MACRO: after comments,
# string literals and sparse annotations (__acquires() and the like) are
# dropped, the text has a member access ->lock, .lock, ->_lock or ._lock
# and "zone" in any case anywhere (struct zone *z, cc->zone, page_zone(),
# a macro named lock_zone()...).  The text is the skipped region for
# PARSE, one source line for PASSED, the whole #define for MACRO.  That is
# coarser than spatch's typing on purpose; in the 6.12 tree no unparsable
# region, passed line or #define outside mmzone_lock.h matches it.  A
# thermal or block "zone" with a ->lock in a function spatch cannot parse
# would: read the region, and make spatch parse it (or reword the check).
#
# How spatch reports a parse failure: with --verbose-parsing (which
# --very-quiet turns off) it writes, for each top-level element it could
# not parse, "parse error" (or "lexical error", "semantic error"),
# ' = File "F", line N, column C, ...', "badcount: K" and then the K+1
# source lines of the region it skips (from the end of the previous
# element to where it found its footing again, usually the function's
# closing brace), each behind "bad: " or, for the line of the error,
# "BAD:!!!!! ".  F can be coccinelle's standard.h when the error came out
# of a macro it expanded; the bad: lines are always the parsed file's, or,
# after "PB: bad: but on tokens not from original file", absent: then the
# whole file counts as the region.  Tokens it skips without an error
# ("passed": #if 0 code, text it takes for an unknown macro) are listed,
# as "passed:" lines, only by spatch --parse-c, so that runs too, on the
# files whose code lines mention the zone lock.  Errors inside #define
# bodies are mostly not reported at all: the MACRO scan covers those.
#
# Self-tests, on small C files made in a temporary folder and scanned like
# the tree: upstream's mm/page_isolation.c still gives ERROR lines;
# guard(spinlock_irqsave)(&zone->lock) and scoped_guard(), braces or not,
# give ERROR, also under drivers/ and through a struct zone member
# declared in a local header; a function spatch cannot parse that
# mentions the zone lock gives PARSE, one that does not gives nothing;
# braceless guard-like macros spatch does not know give ERROR or PARSE;
# #if 0 code gives PASSED; #defines give MACRO; the wrappers and foreign
# locks give nothing; a braceless scoped_guard() gives PARSE with a
# semantic patch that does not declare it an iterator (the state before);
# patch mode converts the guard forms to the wrappers' guard classes.
#
# Environment: JOBS (parallel spatch runs, default nproc), ZONE_LOCK_COCCI
# (the semantic patch, default ours next to this script),
# ZONE_LOCK_UPSTREAM (a git tree with the tag "upstream", for the
# page_isolation.c self-test; default SRC_DIR if it has the tag, else
# build/linux of this checkout), ZONE_LOCK_TIMEOUT (seconds per spatch run,
# default 600).

set -u

if [ $# != 2 ] || [ ! -d "$1" ]; then
	echo "usage: $0 SRC_DIR OUT_FILE" >&2
	exit 2
fi
SRC=$(cd "$1" && pwd)
OUT=$2
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COCCI=$(realpath "${ZONE_LOCK_COCCI:-$REPO/scripts/coccinelle/api/zone_lock.cocci}")
JOBS=${JOBS:-$(nproc)}
TIMEOUT=${ZONE_LOCK_TIMEOUT:-600}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/zone-lock-cocci.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export COCCI TIMEOUT

# The parts in Python: the pre-filter's include walk, reading spatch's
# output, the macro scan.
cat > "$TMP/zl.py" <<'EOF'
import os, re, sys

LOCK = re.compile(r'(?:->|\.)\s*_?lock\b')
ZONE = re.compile(r'zone', re.I)
ANNOT = re.compile(r'\b__(?:acquires|releases|must_hold|cond_acquires|'
		   r'cond_releases|guarded_by|pt_guarded_by)\s*\('
		   r'(?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)')
WRAPPERS = 'include/linux/mmzone_lock.h'
LOCAL_INC = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)

# A header's parse errors come once per file that includes it: each
# finding is printed once.
emitted = set()

def emit(line):
	if line not in emitted:
		emitted.add(line)
		print(line)

def read(path):
	with open(path, errors='replace') as f:
		return f.read()

def blank(m):
	return re.sub(r'[^\n]', ' ', m.group())

def strip_comments(s):
	"""Comments and string literals to blanks, keeping line numbers."""
	return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'',
		      blank, s, flags=re.S)

def mentions_zone_lock(text):
	text = ANNOT.sub(' ', strip_comments(text))
	return bool(LOCK.search(text)) and bool(ZONE.search(text))

def candidates(src, lock_files, zone_type_files):
	"""lock_files that name struct zone or a zone helper, or whose local
	includes (followed 4 deep) reach a header that does."""
	ztype = set(read_list(zone_type_files))
	memo = {}
	def reaches(f, depth):
		if f in ztype:
			return True
		if depth == 0 or not os.path.isfile(os.path.join(src, f)):
			return False
		if (f, depth) not in memo:
			memo[(f, depth)] = False
			memo[(f, depth)] = any(
				reaches(os.path.normpath(os.path.join(os.path.dirname(f), h)), depth - 1)
				for h in LOCAL_INC.findall(read(os.path.join(src, f))))
		return memo[(f, depth)]
	for f in read_list(lock_files):
		if reaches(f, 4):
			print(f)

def read_list(path):
	return [l.rstrip('\n') for l in open(path) if l.strip()]

def find_region(src, files, lines):
	"""FILE:LINE of the first of lines, looked for in files."""
	want = [l.rstrip() for l in lines]
	probe = [i for i, l in enumerate(want) if l.strip()]
	for f in files:
		path = os.path.join(src, f)
		if not f or not os.path.isfile(path):
			continue
		text = [l.rstrip() for l in read(path).split('\n')]
		for i in range(len(text) - len(want) + 1):
			if all(text[i + k] == want[k] for k in probe):
				return '%s:%d' % (f, i + 1)
	return None

def parse_log(src, f, err):
	"""PARSE lines for the regions spatch skipped that mention the lock."""
	lines = read(err).split('\n')
	i = 0
	while i < len(lines):
		m = re.match(r'(parse|lexical|semantic) error', lines[i])
		if not m:
			i += 1
			continue
		what = lines[i].strip()
		where = ''
		i += 1
		if i < len(lines) and lines[i].startswith(' = '):
			where = lines[i][3:].strip()
			i += 1
		while i < len(lines) and not re.match(r'(badcount:|PB: bad:|(parse|lexical|semantic) error)', lines[i]):
			i += 1
		if i < len(lines) and lines[i].startswith('PB: bad:'):
			# No region printed: judge the whole file.
			if f != WRAPPERS and mentions_zone_lock(read(os.path.join(src, f))):
				emit('PARSE   %s: %s, %s; region not printed, and the file mentions the zone lock'
				      % (f, what, where))
			i += 1
			continue
		if i >= len(lines) or not lines[i].startswith('badcount:'):
			continue
		i += 1
		region, at = [], ''
		while i < len(lines) and (lines[i].startswith('bad: ') or
					  lines[i].startswith('BAD:!!!!! ')):
			region.append(lines[i].split(' ', 1)[1])
			if lines[i].startswith('BAD'):
				at = region[-1].strip()
			i += 1
		if not mentions_zone_lock('\n'.join(region)):
			continue
		# The line of the error where the message names a file of
		# the tree, else where the region's lines are found.
		mf = re.match(r'File "([^"]+)", line (\d+)', where)
		if mf and os.path.isfile(os.path.join(src, mf.group(1))):
			loc = '%s:%s' % mf.groups()
		else:
			loc = find_region(src, [f], region) or f
		if loc.split(':')[0] == WRAPPERS:
			continue
		at = at or next((l.strip() for l in region if l.strip() and l.strip() != '}'), '')
		emit('PARSE   %s: spatch skipped %d lines that mention the zone lock (%s at: %s)'
		      % (loc, len(region), what, at[:100]))

def spatch_logs(src, listfile, logdir):
	"""ERROR, PARSE and SPATCH lines from the report runs' logs."""
	for f in read_list(listfile):
		log = os.path.join(logdir, f.replace('/', '%'))
		try:
			rc = read(log + '.rc').strip()
			out = read(log + '.out')
			err = read(log + '.err')
		except OSError:
			emit('SPATCH  %s: no spatch log' % f)
			continue
		if rc != '0':
			tail = ' | '.join(err.strip().split('\n')[-2:])
			emit('SPATCH  %s: spatch exited with %s: %s' % (f, rc, tail[:200]))
		elif 'HANDLING: ' + f not in out + err:
			emit('SPATCH  %s: spatch did not handle the file' % f)
		for l in out.split('\n'):
			m = re.match(r'(\S+?):(\d+):(\d+)-\d+: ERROR: (.*)', l)
			if m:
				emit('ERROR   %s:%s:%s: %s' % m.groups())
		parse_log(src, f, log + '.err')

def code_mentions(src, listfile):
	"""Files whose code lines (not comments, annotations or #defines)
	have both a lock member and "zone": they get spatch --parse-c."""
	for f in read_list(listfile):
		s = strip_comments(read(os.path.join(src, f)))
		s = re.sub(r'^[ \t]*#[ \t]*define(?:[^\n]*\\\n)*[^\n]*', blank, s, flags=re.M)
		for l in s.split('\n'):
			if mentions_zone_lock(l):
				print(f)
				break

def passed(src, f, log):
	"""PASSED lines from spatch --parse-c's list of passed tokens."""
	if f == WRAPPERS:
		return
	for l in read(log).split('\n'):
		if l.startswith('passed:') and mentions_zone_lock(l[7:]):
			emit('PASSED  %s: spatch passed over "%s"' % (f, l[7:].strip()[:120]))

def macros(src, listfile):
	"""MACRO lines: #defines outside the wrappers using the zone lock."""
	for f in read_list(listfile):
		if f == WRAPPERS:
			continue
		lines = strip_comments(read(os.path.join(src, f))).split('\n')
		i = 0
		while i < len(lines):
			if re.match(r'\s*#\s*define\b', lines[i]):
				start, body = i, lines[i].rstrip()
				while body.endswith('\\') and i + 1 < len(lines):
					i += 1
					body = body[:-1] + ' ' + lines[i].rstrip()
				if mentions_zone_lock(body):
					emit('MACRO   %s:%d: #define uses the zone lock: %s'
					      % (f, start + 1, ' '.join(body.split())[:120]))
			i += 1

cmd = sys.argv[1]
if cmd == 'candidates':
	candidates(*sys.argv[2:])
elif cmd == 'spatch-logs':
	spatch_logs(*sys.argv[2:])
elif cmd == 'code-mentions':
	code_mentions(*sys.argv[2:])
elif cmd == 'passed':
	passed(*sys.argv[2:])
elif cmd == 'macros':
	macros(*sys.argv[2:])
else:
	sys.exit('zl.py: unknown command ' + cmd)
EOF

# The same iterators as the semantic patch declares, for spatch --parse-c,
# which does not read it.
cat > "$TMP/iterators.h" <<'EOF'
#define scoped_guard(_name, args...) YACFE_ITERATOR
#define scoped_cond_guard(_name, _fail, args...) YACFE_ITERATOR
#define scoped_class(_name, var, args...) YACFE_ITERATOR
EOF

# list_files DIR OUT EREGEX [-i]: the .c and .h files of DIR whose text
# matches, relative to DIR, sorted.
list_files()
{
	local d=$1 out=$2 re=$3 i=${4:-}
	if [ "$(git -C "$d" rev-parse --show-toplevel 2>/dev/null)" = "$d" ]; then
		git -C "$d" grep -l -I --untracked ${i:+"$i"} -E "$re" -- '*.c' '*.h'
	else
		(cd "$d" && grep -rlI ${i:+"$i"} -E "$re" --include='*.c' --include='*.h' . |
			sed 's|^\./||')
	fi | LC_ALL=C sort > "$out"
}

spatch_one()
{
	local f=$1 log=$LOGDIR/${1//\//%}
	timeout "$TIMEOUT" spatch --sp-file "$COCCI" -D report --verbose-parsing \
		--disable-worth-trying-opt \
		"$f" > "$log.out" 2> "$log.err"
	echo $? > "$log.rc"
}
export -f spatch_one

# scan DIR FINDINGS: all the checks on the tree DIR, one line per finding
# in FINDINGS.  Fails only if the scan itself could not run.
scan()
{
	local d=$1 findings=$2 w f
	w=$(mktemp -d "$TMP/scan.XXXXXX")
	list_files "$d" "$w/lock" '(->|\.)[[:space:]]*_?lock\b' || return 1
	list_files "$d" "$w/ztype" '\bstruct[[:space:]]+zone\b|\b(page_zone|folio_zone|next_zone|zonelist_zone|zone_for_pfn_range)\b|\bnode_zones\b' || return 1
	python3 "$TMP/zl.py" candidates "$d" "$w/lock" "$w/ztype" > "$w/cand" || return 1
	echo "$(wc -l < "$w/lock") files access a lock member, $(wc -l < "$w/cand") of them can see struct zone or a zone helper: spatch runs on those"
	mkdir "$w/logs"
	(cd "$d" && LOGDIR=$w/logs xargs -r -d '\n' -P "$JOBS" -n 1 \
		bash -c 'spatch_one "$1"' _ < "$w/cand")
	python3 "$TMP/zl.py" spatch-logs "$d" "$w/cand" "$w/logs" > "$findings" || return 1
	python3 "$TMP/zl.py" code-mentions "$d" "$w/cand" > "$w/mention" || return 1
	echo "$(wc -l < "$w/mention") of them have code lines naming a zone and a lock member: spatch --parse-c lists what it passes over in those"
	while read -r f; do
		(cd "$d" && timeout "$TIMEOUT" spatch --parse-c "$f" \
			--macro-file "$TMP/iterators.h") > "$w/parse-c.log" 2>&1 ||
			echo "SPATCH  $f: spatch --parse-c failed" >> "$findings"
		python3 "$TMP/zl.py" passed "$d" "$f" "$w/parse-c.log" >> "$findings" || return 1
	done < "$w/mention"
	python3 "$TMP/zl.py" macros "$d" "$w/lock" >> "$findings" || return 1
}

# ---------------------------------------------------------------- self-tests

NSELF=0
FAILED_SELF=()
selftest()	# NAME CONDITION-COMMAND...
{
	local name=$1
	shift
	NSELF=$((NSELF + 1))
	if "$@"; then
		echo "SELFTEST ok: $name"
	else
		echo "SELFTEST FAILED: $name"
		FAILED_SELF+=("$name")
	fi
}

# count FINDINGS KIND FILE: how many KIND lines name FILE.
count()
{
	grep -c "^$2 *$3:" "$1"
}

is() { [ "$1" = "$2" ] || { echo "    expected $2, got $1"; return 1; }; }

make_selftest_tree()
{
	local t=$1
	mkdir -p "$t/mm" "$t/include/linux"
	cp "$REPO/include/linux/mmzone_lock.h" "$t/include/linux/"
	# Direct uses in every guard form, braces or not.
	cat > "$t/mm/st_guard.c" <<'EOF'
#include <linux/mmzone.h>

static void st_guard(struct zone *zone)
{
	guard(spinlock_irqsave)(&zone->lock);
	zone->nr_isolate_pageblock++;
}

static void st_scoped(struct zone *zone, int *x)
{
	scoped_guard(spinlock_irqsave, &zone->lock) {
		(*x)++;
	}
	scoped_guard(spinlock_irqsave, &zone->lock)
		(*x)++;
	scoped_guard(spinlock_irq, &zone->lock)
		(*x)++;
}
EOF
	# Regions spatch cannot parse: one with the zone lock, one without.
	cat > "$t/mm/st_parse.c" <<'EOF'
#include <linux/mmzone.h>

static void st_unparsable(struct zone *zone, int *x)
{
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	*x = *x + ;
	spin_unlock_irqrestore(&zone->lock, flags);
}

static void st_unparsable_other(struct foo *foo, int *x)
{
	spin_lock(&foo->lock);
	*x = *x + ;
	spin_unlock(&foo->lock);
}
EOF
	# A braceless guard-like macro spatch does not know.
	cat > "$t/mm/st_braceless.c" <<'EOF'
#include <linux/mmzone.h>

static void st_braceless(struct zone *zone, int *x)
{
	with_zone_held(spinlock_irqsave, &zone->lock)
		(*x)++;
}

static void st_braceless2(struct zone *zone, int x)
{
	with_zone_locked(zone, &zone->lock)
		x++;
}
EOF
	# Uses in macro bodies, which spatch does not look into.
	cat > "$t/mm/st_macro.c" <<'EOF'
#include <linux/mmzone.h>

#define lock_zone_irq(z)	spin_lock_irq(&(z)->lock)
#define ZONE_LOCK_OF(zone)	\
	(&(zone)->_lock)

static void st_macro(struct zone *zone)
{
	lock_zone_irq(zone);
}
EOF
	# Code spatch passes over without a parse error.
	cat > "$t/mm/st_passed.c" <<'EOF'
#include <linux/mmzone.h>

#if 0
static void st_passed(struct zone *zone)
{
	spin_lock(&zone->lock);
}
#endif
EOF
	# Outside mm/, kernel/ and include/.
	mkdir -p "$t/drivers/st"
	cat > "$t/drivers/st/st_driver.c" <<'EOF'
#include <linux/mm.h>

static void st_driver(struct page *page)
{
	spin_lock_irq(&page_zone(page)->lock);
	spin_unlock_irq(&page_zone(page)->lock);
}
EOF
	# A struct zone seen only through a local header.
	cat > "$t/drivers/st/st_local.h" <<'EOF'
struct st_local {
	struct zone *z;
};
EOF
	cat > "$t/drivers/st/st_local.c" <<'EOF'
#include "st_local.h"

static void st_local(struct st_local *s)
{
	spin_lock_irq(&s->z->lock);
}
EOF
	# Only the wrappers, a foreign lock and a foreign parse error: clean.
	cat > "$t/mm/st_clean.c" <<'EOF'
#include <linux/mmzone.h>
#include <linux/mmzone_lock.h>

static void st_clean(struct zone *zone, struct foo *foo)
{
	unsigned long flags;

	zone_lock_irqsave(zone, flags);
	zone_unlock_irqrestore(zone, flags);
	spin_lock(&foo->lock);
	spin_unlock(&foo->lock);
}

static void st_clean_unparsable(struct foo *foo, int *x)
{
	*x = *x + ;
	spin_lock(&foo->lock);
}
EOF
}

selftests()
{
	local t=$TMP/selftest up n diff
	# 1. Upstream's page_isolation.c takes the zone lock directly.
	up=${ZONE_LOCK_UPSTREAM:-}
	if [ -z "$up" ]; then
		if git -C "$SRC" rev-parse -q --verify upstream > /dev/null 2>&1; then
			up=$SRC
		else
			up=$REPO/build/linux
		fi
	fi
	mkdir -p "$t/probe"
	if git -C "$up" show upstream:mm/page_isolation.c > "$t/probe/page_isolation.c" 2>/dev/null; then
		n=$(cd "$t/probe" && spatch --sp-file "$COCCI" -D report --very-quiet \
			page_isolation.c 2>&1 | grep -c ERROR)
		echo "report mode finds $n direct uses in upstream mm/page_isolation.c (from $up)"
		selftest "upstream mm/page_isolation.c gives ERROR lines" [ "$n" -gt 0 ]
	else
		selftest "upstream mm/page_isolation.c readable from $up (git tag upstream)" false
	fi

	# 2. The synthetic tree, through the same scan as the real one.
	make_selftest_tree "$t/tree"
	scan "$t/tree" "$t/findings" > "$t/scan.log" 2>&1 ||
		{ cat "$t/scan.log"; selftest "scan of the self-test tree runs" false; return; }
	sed 's/^/    /' "$t/findings"
	selftest "guard(spinlock_irqsave)(&zone->lock) gives ERROR" \
		grep -q '^ERROR *mm/st_guard.c:5:' "$t/findings"
	selftest "scoped_guard() with and without braces gives ERROR (3)" \
		is "$(grep -c '^ERROR *mm/st_guard.c:1[146]:' "$t/findings")" 3
	selftest "unparsable function with the zone lock gives PARSE" \
		is "$(count "$t/findings" PARSE mm/st_parse.c)" 1
	selftest "its PARSE line points at the error" \
		grep -q '^PARSE *mm/st_parse.c:8:' "$t/findings"
	selftest "braceless guard-like macros on the zone lock give ERROR or PARSE, each (2)" \
		is "$(grep -E '^(ERROR|PARSE) *mm/st_braceless.c:' "$t/findings" | cut -d: -f2 | sort -u | wc -l)" 2
	selftest "code spatch passes over (#if 0) gives PASSED" \
		is "$(count "$t/findings" PASSED mm/st_passed.c)" 1
	selftest "uses under drivers/ give ERROR (2)" \
		is "$(count "$t/findings" ERROR drivers/st/st_driver.c)" 2
	selftest "a struct zone seen only through a local header gives ERROR" \
		is "$(count "$t/findings" ERROR drivers/st/st_local.c)" 1
	selftest "#define bodies using the zone lock give MACRO (2)" \
		is "$(count "$t/findings" MACRO mm/st_macro.c)" 2
	selftest "wrappers, foreign locks and foreign parse errors give nothing" \
		is "$(grep -c -e st_clean.c -e include/linux/mmzone_lock.h "$t/findings")" 0
	selftest "no SPATCH failure in the self-test tree" \
		is "$(grep -c '^SPATCH' "$t/findings")" 0

	# 3. The issue as it was: spatch without the iterator declaration
	# cannot parse a braceless scoped_guard(); the scan must say so.
	mkdir -p "$t/old/mm"
	cp "$t/tree/mm/st_guard.c" "$t/old/mm/"
	cat > "$t/old.cocci" <<'EOF'
virtual report

@zl@
struct zone *z;
identifier l = {lock, _lock};
position p;
@@
  z->l@p

@script:python@
p << zl.p;
@@
coccilib.report.print_report(p[0], "ERROR: direct use of struct zone's lock")
EOF
	(COCCI=$t/old.cocci; export COCCI; scan "$t/old" "$t/old-findings" > "$t/old.log" 2>&1)
	sed 's/^/    /' "$t/old-findings"
	selftest "braceless scoped_guard() without the iterator declaration gives PARSE" \
		grep -q '^PARSE *mm/st_guard.c' "$t/old-findings"

	# 4. Patch mode converts the guard forms to the wrappers' classes.
	diff=$(cd "$t/tree" && spatch --sp-file "$COCCI" -D patch --very-quiet mm/st_guard.c 2>&1)
	echo "$diff" | sed 's/^/    /'
	selftest "patch mode: guard(zone_lock_irqsave)(zone)" \
		grep -q '^+	guard(zone_lock_irqsave)(zone);' <<< "$diff"
	selftest "patch mode: scoped_guard(zone_lock_irqsave, zone), braces or not (2)" \
		is "$(grep -c '^+	scoped_guard(zone_lock_irqsave, zone)' <<< "$diff")" 2
	selftest "patch mode: scoped_guard(zone_lock_irq, zone)" \
		grep -q '^+	scoped_guard(zone_lock_irq, zone)$' <<< "$diff"
	selftest "patch mode: adds the include" \
		grep -q '^+#include <linux/mmzone_lock.h>' <<< "$diff"
	selftest "patch mode: no direct use left" \
		is "$(grep -c '^+.*->lock' <<< "$diff")" 0
}

# ---------------------------------------------------------------- main

main()
{
	local t0 n rc=0
	t0=$(date +%s)
	echo "zone lock check of $SRC with $COCCI ($(spatch --version | head -1))"
	if ! scan "$SRC" "$TMP/findings"; then
		echo "SCAN FAILED: the whole-tree scan could not run"
		rc=1
	fi
	n=$(wc -l < "$TMP/findings")
	echo "scan of $SRC: $n findings in $(( $(date +%s) - t0 ))s"
	selftests
	[ ${#FAILED_SELF[@]} = 0 ] || rc=1
	# The findings last, where a log's tail shows them.
	if [ "$n" != 0 ]; then
		echo "findings in $SRC:"
		cat "$TMP/findings"
		rc=1
	fi
	echo "$NSELF self-tests, ${#FAILED_SELF[@]} failed${FAILED_SELF[*]:+: ${FAILED_SELF[*]}}"
	echo "$n findings; zone lock check $( [ $rc = 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - t0 ))s"
	return $rc
}

main 2>&1 | tee "$OUT"
exit "${PIPESTATUS[0]}"
