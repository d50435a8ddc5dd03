// SPDX-License-Identifier: GPL-2.0
/*
 * lslstat: read /proc/lock_stat_lite (CONFIG_LOCK_STAT_LITE) and show where
 * kernel locks were waited for: top sites with scaled units, per-second
 * rates of a live system, the change between two snapshots, wait
 * histograms as text bars or an SVG chart, and who blocked whom.
 *
 * The file is parsed strictly: a snapshot that a reader misunderstands is
 * worse than no snapshot, so anything that is not exactly what a known
 * version of the kernel prints is refused with its file and line.
 *
 * Build: make (see the Makefile), or gcc -O2 -Wall -Wextra lslstat.c -o lslstat
 * Usage: lslstat -h
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROC_FILE	"/proc/lock_stat_lite"
#define MAX_WIDTH	160
/* LSL_HIST of every version we read: bucket 23 holds all waits >= 2^22 ns. */
#define NR_BUCKETS	24
/* Far more than a 2^20-site table prints; anything bigger is not ours. */
#define MAX_FILE_SIZE	(1024UL * 1024 * 1024)
#define MAX_LINE	8192

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum kind { K_SPIN, K_READ, K_WRITE, K_MUTEX, K_RSEM, K_WSEM, NR_KINDS };

static const char *const kind_name[NR_KINDS] = {
	"spin", "read", "write", "mutex", "rsem", "wsem",
};

/* Colour-blind safe (Paul Tol's "bright" scheme), one per kind. */
static const char *const kind_colour[NR_KINDS] = {
	"#4477aa", "#66ccee", "#228833", "#ccbb44", "#ee6677", "#aa3377",
};

enum col {
	C_CON, C_WAIT_TOTAL, C_WAIT_MAX, C_WAIT_AVG, C_TRY_FAIL, C_ACQ,
	C_CON_REL, C_CHOLD_TOTAL, C_CHOLD_MAX, C_BLOCKED, C_HOLDS,
	C_HOLD_AVG, C_HOLD_MAX, NR_COLS
};

/*
 * How a column may be combined across snapshots: counts and times only
 * grow until a reset, so their differences are meaningful; a maximum or
 * an average is not a difference of two snapshots.
 */
enum col_type { T_COUNT, T_TIME, T_MAX, T_AVG };

static const struct column {
	const char *name;
	enum col_type type;
} column[NR_COLS] = {
	[C_CON]		= { "con",		T_COUNT },
	[C_WAIT_TOTAL]	= { "wait-total",	T_TIME },
	[C_WAIT_MAX]	= { "wait-max",		T_MAX },
	[C_WAIT_AVG]	= { "wait-avg",		T_AVG },
	[C_TRY_FAIL]	= { "try-fail",		T_COUNT },
	[C_ACQ]		= { "acq",		T_COUNT },
	[C_CON_REL]	= { "con-rel",		T_COUNT },
	[C_CHOLD_TOTAL]	= { "chold-total",	T_TIME },
	[C_CHOLD_MAX]	= { "chold-max",	T_MAX },
	[C_BLOCKED]	= { "blocked",		T_TIME },
	[C_HOLDS]	= { "holds",		T_COUNT },
	[C_HOLD_AVG]	= { "hold-avg",		T_AVG },
	[C_HOLD_MAX]	= { "hold-max",		T_MAX },
};

static bool is_time(int c)
{
	return column[c].type != T_COUNT;
}

/*
 * The versions we read.  They differ only in the header line about waits,
 * in 2.0's "(queued)" holder and in how a site that took several locks is
 * marked: a "+" glued to the lock's name up to 2.0, a "  many" of its own
 * from 2.1, where a "+" at the end of a name is part of the name.  The
 * columns are found by name anyway, so that a reordering would not be
 * misread.
 */
static const struct version {
	const char *name;
	const char *waits_fmt;
	bool queued;
	bool many_token;
} versions[] = {
	{ "1.1", "untracked holds: %u, waits with unknown holder: %u", false, false },
	{ "2.0",
	  "untracked holds: %u; waits: %u, with unknown holder: %u, queued behind waiters: %u",
	  true, false },
	{ "2.1",
	  "untracked holds: %u; waits: %u, with unknown holder: %u, queued behind waiters: %u",
	  true, true },
};

struct site {
	int kind;
	unsigned long long v[NR_COLS];
	unsigned long long hist[NR_BUCKETS];
	char *text;		/* as printed, "func+0xoff/0xsize [module]" */
	char *func;
	unsigned long long off, size;
	char *mod;		/* NULL when built in */
	char *lock;		/* NULL when the file names no lock */
	bool many;		/* the kernel's "+": other locks at this site too */
	int line;		/* file order, the kernel's own sort */
};

struct pair {
	unsigned long long count, wait;
	int hkind;		/* -1: no holder site */
	char *holder;		/* a site, "unknown" or "(queued)" */
	char *hfunc;
	int wkind;
	char *waiter;
	char *wfunc;
	int line;
};

struct snap {
	const char *file;
	const struct version *ver;
	unsigned long long enabled, used, size, dropped;
	unsigned long long untracked, waits, unknown_holder, queued;
	unsigned long long sample, scale, since_ms;
	bool has_waits;		/* 1.1 printed no total of waits */
	unsigned long long pairs_used, pairs_size, pairs_dropped, top_pairs;
	struct site *sites;
	int nr, alloc;
	struct pair *pairs;
	int nr_pairs, alloc_pairs;
};

static const char *prog = "lslstat";

/* ------------------------------------------------------------ utilities */

static noreturn void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (!d)
		die("out of memory");
	return d;
}

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (ret < 0)
		die("out of memory");
	return s;
}

/*
 * Times scaled to three significant figures or so, as perf lock does:
 * enough to rank sites, short enough for a 160-column row.  A value that
 * would round up to 1000 of a unit takes the next unit instead.
 */
static char *fmt_ns(char *buf, size_t len, double ns)
{
	static const char *const unit[] = { "us", "ms", "s" };
	double v = ns;
	int u = -1;

	if (ns < 0.5) {
		snprintf(buf, len, "0");
		return buf;
	}
	if (ns < 999.5) {
		snprintf(buf, len, "%.0f ns", ns);
		return buf;
	}
	while (u < 2 && v >= 999.995) {
		v /= 1000;
		u++;
	}
	snprintf(buf, len, "%.2f %s", v, unit[u]);
	return buf;
}

static char *fmt_col(char *buf, size_t len, int c, unsigned long long v)
{
	if (is_time(c))
		return fmt_ns(buf, len, v);
	snprintf(buf, len, "%llu", v);
	return buf;
}

static int cmp_ull(unsigned long long a, unsigned long long b)
{
	return a < b ? -1 : a > b;
}

/* |new - old|, which needs all 64 bits; *neg says which way. */
static unsigned long long abs_delta(unsigned long long old, unsigned long long new,
				    bool *neg)
{
	*neg = new < old;
	return *neg ? old - new : new - old;
}

/* new - old, signed, for two values that may each need all 64 bits. */
static char *fmt_delta(char *buf, size_t len, int c, unsigned long long old,
		       unsigned long long new)
{
	char num[24];	/* the longest is 20 digits */
	bool neg;
	unsigned long long d = abs_delta(old, new, &neg);

	if (!d)
		snprintf(buf, len, "0");
	else
		snprintf(buf, len, "%c%s", neg ? '-' : '+',
			 fmt_col(num, sizeof(num), c, d));
	return buf;
}

/* bpftrace's labels for a power of two: 512, 1K, 2M. */
static char *fmt_pow2(char *buf, size_t len, int shift)
{
	static const char *const suffix[] = { "", "K", "M", "G", "T" };

	snprintf(buf, len, "%llu%s", 1ULL << (shift % 10), suffix[shift / 10]);
	return buf;
}

/*
 * Bucket b counts waits w with fls64(w) == b, that is 2^(b-1) <= w < 2^b,
 * except the last one, which the kernel clamps: it holds every longer
 * wait too, so its upper bound is not printed.
 */
static char *fmt_bucket(char *buf, size_t len, int b)
{
	char lo[16], hi[16];

	if (b == 0)
		snprintf(buf, len, "[0]");
	else if (b == 1)
		snprintf(buf, len, "[1]");
	else if (b == NR_BUCKETS - 1)
		snprintf(buf, len, "[%s, ...)", fmt_pow2(lo, sizeof(lo), b - 1));
	else
		snprintf(buf, len, "[%s, %s)", fmt_pow2(lo, sizeof(lo), b - 1),
			 fmt_pow2(hi, sizeof(hi), b));
	return buf;
}

/*
 * Shorten @s to at most @w characters.  Sites and static lock symbols
 * first lose their "/0xsize", which only matters when comparing kernels;
 * then the middle of the function name, whose start and end (".part.0",
 * "_nested") both tell functions apart, while "+0xoff [module]" stays.
 */
static char *elide(const char *s, int w)
{
	int n = strlen(s), keep, head;
	const char *plus, *slash, *tail;
	char *d;

	if (n <= w || w <= 0)
		return xstrndup(s, n);
	plus = strrchr(s, '+');
	slash = plus ? strchr(plus, '/') : NULL;
	if (slash && !strncmp(plus, "+0x", 3)) {
		const char *rest = slash + strcspn(slash, " ");
		char *t = xasprintf("%.*s%s", (int)(slash - s), s, rest);

		d = elide(t, w);
		free(t);
		return d;
	}
	tail = plus ? plus : s + n;
	keep = w - (int)strlen(tail) - 2;
	if (keep < 4) {
		tail = s + n;
		keep = w - 2;
	}
	if (keep < 2)
		return xstrndup(s, w);
	head = (keep + 1) / 2;
	return xasprintf("%.*s..%.*s%s", head, s, keep - head,
			 tail - (keep - head), tail);
}

/* ----------------------------------------------------------- the reader */

struct reader {
	const char *file;
	char *buf;
	size_t len, pos;
	int line;		/* the line last returned */
};

static noreturn void bad(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->line)
		fprintf(stderr, "%s: %s:%d: ", prog, r->file, r->line);
	else
		fprintf(stderr, "%s: %s: ", prog, r->file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* The whole file at once: /proc/lock_stat_lite is one snapshot per open. */
static void reader_open(struct reader *r, const char *file)
{
	size_t alloc = 1 << 16, n;
	FILE *f = fopen(file, "r");

	memset(r, 0, sizeof(*r));
	r->file = file;
	if (!f)
		die("cannot open %s: %s", file, strerror(errno));
	r->buf = xrealloc(NULL, alloc);
	while ((n = fread(r->buf + r->len, 1, alloc - r->len, f)) > 0) {
		r->len += n;
		if (r->len == alloc) {
			if (alloc >= MAX_FILE_SIZE)
				bad(r, "larger than %lu bytes, not a lock_stat_lite file",
				    MAX_FILE_SIZE);
			alloc *= 2;
			r->buf = xrealloc(r->buf, alloc);
		}
	}
	if (ferror(f))
		die("cannot read %s: %s", file, strerror(errno));
	fclose(f);
	if (!r->len)
		bad(r, "empty file");
	/*
	 * A file cut short (a copy interrupted, a full disk) ends mid-line;
	 * say so before its last line is reported as some other error.
	 */
	if (r->buf[r->len - 1] != '\n') {
		r->line = 1;
		for (n = 0; n < r->len; n++)
			r->line += r->buf[n] == '\n';
		bad(r, "truncated: the last line has no newline");
	}
}

/* The next line, NUL-terminated in place; NULL at the end of the file. */
static char *next_line(struct reader *r)
{
	char *s = r->buf + r->pos, *nl;
	size_t i, n;

	if (r->pos >= r->len)
		return NULL;
	nl = memchr(s, '\n', r->len - r->pos);
	r->line++;
	if (!nl)	/* reader_open() made sure of the last newline */
		bad(r, "truncated: the last line has no newline");
	n = nl - s;
	if (n > MAX_LINE)
		bad(r, "line longer than %d characters", MAX_LINE);
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c < 0x20 || c >= 0x7f)
			bad(r, "binary data: byte 0x%02x at column %zu", c, i + 1);
	}
	*nl = '\0';
	r->pos += n + 1;
	return s;
}

static char *expect_line(struct reader *r, const char *what)
{
	char *s = next_line(r);

	if (!s)
		bad(r, "truncated: the file ends before %s", what);
	return s;
}

/* A number as the kernel prints %llu: digits only, fitting in 64 bits. */
static int parse_num(const char *s, const char **end, unsigned long long *v,
		     int base)
{
	char *e;

	if (!(base == 16 ? isxdigit((unsigned char)*s) : isdigit((unsigned char)*s)))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &e, base);
	if (errno == ERANGE)
		return -ERANGE;
	*end = e;
	return 0;
}

/*
 * Match @s against @fmt, the kernel's own format string, in which %u
 * stands for a number stored through the next unsigned long long * and
 * %t for seconds with three decimals, stored in milliseconds.  All other
 * text must match exactly.
 */
static int scan(const char *s, const char *fmt, ...)
{
	unsigned long long v, ms;
	const char *e;
	va_list ap;
	int ret = 0;

	va_start(ap, fmt);
	while (*fmt && !ret) {
		if (fmt[0] != '%') {
			if (*s++ != *fmt++)
				ret = -EINVAL;
			continue;
		}
		ret = parse_num(s, &e, &v, 10);
		if (ret)
			break;
		s = e;
		if (fmt[1] == 't') {
			if (s[0] != '.' || !isdigit((unsigned char)s[1]) ||
			    !isdigit((unsigned char)s[2]) ||
			    !isdigit((unsigned char)s[3])) {
				ret = -EINVAL;
				break;
			}
			ms = (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
			if (v > (ULLONG_MAX - ms) / 1000) {
				ret = -ERANGE;
				break;
			}
			v = v * 1000 + ms;
			s += 4;
		}
		*va_arg(ap, unsigned long long *) = v;
		fmt += 2;
	}
	va_end(ap);
	if (!ret && *s)
		ret = -EINVAL;
	return ret;
}

static void scan_line(struct reader *r, const char *what, const char *fmt, ...)
{
	char *s = expect_line(r, what);
	unsigned long long *p[4] = { 0 }, dummy;
	int i, n = 0, ret;
	const char *f;
	va_list ap;

	/* Which %-fields to store, so that scan() gets a fixed list. */
	va_start(ap, fmt);
	for (f = fmt; *f; f++)
		if (*f == '%')
			p[n++] = va_arg(ap, unsigned long long *);
	va_end(ap);
	for (i = n; i < 4; i++)
		p[i] = &dummy;
	ret = scan(s, fmt, p[0], p[1], p[2], p[3]);
	if (ret == -ERANGE)
		bad(r, "number out of range in %s: '%s'", what, s);
	if (ret)
		bad(r, "expected %s, found '%s'", what, s);
}

static int find_kind(const char *s, size_t n)
{
	int k;

	for (k = 0; k < NR_KINDS; k++)
		if (strlen(kind_name[k]) == n && !strncmp(s, kind_name[k], n))
			return k;
	return -1;
}

/*
 * A site as %pS prints it: "func+0xoff/0xsize", " [module]" after a
 * module's, or the bare address when it has no symbol.
 */
static bool parse_site(const char *text, char **func, unsigned long long *off,
		       unsigned long long *size, char **mod)
{
	const char *sp = strchr(text, ' '), *end, *plus, *e;
	size_t n = sp ? (size_t)(sp - text) : strlen(text);

	*mod = NULL;
	if (sp) {
		size_t m = strlen(sp);

		if (m < 4 || sp[1] != '[' || sp[m - 1] != ']' ||
		    strcspn(sp + 2, " []") != m - 3)
			return false;
		*mod = xstrndup(sp + 2, m - 3);
	}
	end = text + n;
	if (!strncmp(text, "0x", 2) && strspn(text + 2, "0123456789abcdef") == n - 2 &&
	    n > 2) {
		*func = xstrndup(text, n);
		*off = *size = 0;
		return true;
	}
	plus = memrchr(text, '+', n);
	if (!plus || plus == text || strncmp(plus, "+0x", 3) ||
	    parse_num(plus + 3, &e, off, 16) || strncmp(e, "/0x", 3) ||
	    parse_num(e + 3, &e, size, 16) || e != end)
		return false;
	*func = xstrndup(text, plus - text);
	return true;
}

/* "B:N,B:N": log2 buckets in increasing order and their counts. */
static void parse_hist(struct reader *r, const char *s, unsigned long long *hist)
{
	unsigned long long b, n;
	int last = -1;
	const char *e;

	for (;;) {
		if (parse_num(s, &e, &b, 10) || *e != ':')
			bad(r, "malformed hist= near '%s'", s);
		if (b >= NR_BUCKETS || (int)b <= last)
			bad(r, "hist= bucket %llu out of order or past the last (%d)",
			    b, NR_BUCKETS - 1);
		s = e + 1;
		switch (parse_num(s, &e, &n, 10)) {
		case -ERANGE:
			bad(r, "hist= count out of range near '%s'", s);
		case -EINVAL:
			bad(r, "malformed hist= near '%s'", s);
		}
		hist[b] = n;
		last = b;
		if (!*e)
			return;
		if (*e != ',')
			bad(r, "malformed hist= near '%s'", e);
		s = e + 1;
	}
}

struct header {
	int nr;			/* numeric columns, between kind and site */
	int col[64];		/* their enum col, or -1 for one we do not know */
};

/* Find the columns by name, so that an order change cannot misplace them. */
static void parse_columns(struct reader *r, char *s, struct header *h)
{
	bool seen[NR_COLS] = { false };
	char *tok, *save = NULL;
	int i, c, n = 0;

	if (strncmp(s, "# ", 2))
		bad(r, "expected the '# kind ... site' column header, found '%s'", s);
	for (tok = strtok_r(s + 2, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (n == 0) {
			if (strcmp(tok, "kind"))
				bad(r, "the column header starts with '%s', not 'kind'", tok);
			n++;
			continue;
		}
		if (!strcmp(tok, "site")) {
			if (strtok_r(NULL, " ", &save))
				bad(r, "the column header has columns after 'site'");
			break;
		}
		if (h->nr == (int)ARRAY_SIZE(h->col))
			bad(r, "too many columns in the column header");
		for (c = 0; c < NR_COLS; c++)
			if (!strcmp(tok, column[c].name))
				break;
		if (c < NR_COLS) {
			if (seen[c])
				bad(r, "column '%s' appears twice in the column header", tok);
			seen[c] = true;
		} else {
			c = -1;
		}
		h->col[h->nr++] = c;
		n++;
	}
	if (!tok)
		bad(r, "the column header has no 'site' column");
	for (i = 0; i < NR_COLS; i++)
		if (!seen[i])
			bad(r, "the column header lacks column '%s'", column[i].name);
}

static void parse_row(struct reader *r, struct snap *sn, struct header *h, char *s)
{
	struct site *st;
	char *p = s, *site, *rest, *tok;
	const char *e;
	size_t n;
	int i, ret;

	if (sn->nr == sn->alloc) {
		sn->alloc = sn->alloc ? 2 * sn->alloc : 64;
		sn->sites = xrealloc(sn->sites, sn->alloc * sizeof(*sn->sites));
	}
	st = &sn->sites[sn->nr];
	memset(st, 0, sizeof(*st));
	st->line = r->line;

	n = strcspn(p, " ");
	st->kind = find_kind(p, n);
	if (st->kind < 0)
		bad(r, "unknown lock kind '%.*s'", (int)n, p);
	p += n;
	for (i = 0; i < h->nr; i++) {
		const char *name = h->col[i] >= 0 ? column[h->col[i]].name : "?";
		unsigned long long v;

		p += strspn(p, " ");
		tok = p;
		n = strcspn(p, " ");
		if (!n)
			bad(r,
			    "missing columns: the row ends where column '%s' (%d of %d numbers) belongs",
			    name, i + 1, h->nr);
		/* A name where a number belongs: the row is short, the site came early. */
		if (isalpha((unsigned char)*tok) || *tok == '_' || *tok == '.')
			bad(r,
			    "missing columns: found '%.*s' where column '%s' (%d of %d numbers) belongs",
			    (int)n, tok, name, i + 1, h->nr);
		ret = parse_num(tok, &e, &v, 10);
		if (ret == -ERANGE)
			bad(r, "column '%s': %.*s does not fit in 64 bits", name,
			    (int)n, tok);
		if (e != tok + n)
			bad(r, "column '%s': '%.*s' is not a number", name, (int)n, tok);
		if (h->col[i] >= 0)
			st->v[h->col[i]] = v;
		p += n;
	}
	if (strncmp(p, "  ", 2) || p[2] == ' ' || !p[2])
		bad(r, "missing column 'site' after the numbers");
	site = p + 2;
	rest = strstr(site, "  ");
	n = rest ? (size_t)(rest - site) : strlen(site);
	st->text = xstrndup(site, n);
	if (!parse_site(st->text, &st->func, &st->off, &st->size, &st->mod))
		bad(r, "malformed site '%s'", st->text);
	if (sn->ver->many_token && rest && !strncmp(rest, "  many", 6) &&
	    (!rest[6] || !strncmp(rest + 6, "  ", 2))) {
		st->many = true;
		rest = rest[6] ? rest + 6 : NULL;
	}
	if (rest && !strncmp(rest, "  lock=", 7)) {
		char *name = rest + 7, *hist = strstr(name, "  hist=");
		char *h2;

		/* A lock name may hold spaces: the hist= is the last one. */
		while (hist && (h2 = strstr(hist + 1, "  hist=")))
			hist = h2;
		n = hist ? (size_t)(hist - name) : strlen(name);
		if (!n)
			bad(r, "empty lock name");
		if (!sn->ver->many_token && n > 1 && name[n - 1] == '+') {
			st->many = true;
			n--;
		}
		st->lock = xstrndup(name, n);
		rest = hist;
	}
	if (rest && !strncmp(rest, "  hist=", 7)) {
		parse_hist(r, rest + 7, st->hist);
		rest = NULL;
	}
	if (rest)
		bad(r, "unexpected text after the site: '%s'", rest);
	sn->nr++;
}

/* One side of a pair: "KIND SITE", or "-     unknown" for the holder. */
static void parse_pair_side(struct reader *r, struct snap *sn, char *s,
			    bool holder, int *kind, char **text, char **func)
{
	unsigned long long off, size;
	char *mod;
	size_t n = strcspn(s, " ");

	if (holder && n == 1 && *s == '-') {
		s += 1 + strspn(s + 1, " ");
		if (!strcmp(s, "unknown") || (sn->ver->queued && !strcmp(s, "(queued)"))) {
			*kind = -1;
			*text = xstrndup(s, strlen(s));
			*func = *text;
			return;
		}
		bad(r, "a pair without a holder kind names '%s', not %s", s,
		    sn->ver->queued ? "'unknown' or '(queued)'" : "'unknown'");
	}
	*kind = find_kind(s, n);
	if (*kind < 0)
		bad(r, "unknown %s kind '%.*s' in a pair", holder ? "holder" : "waiter",
		    (int)n, s);
	s += n;
	if (*s != ' ')
		bad(r, "missing %s site in a pair", holder ? "holder" : "waiter");
	s += strspn(s, " ");
	*text = xstrndup(s, strlen(s));
	if (!parse_site(*text, func, &off, &size, &mod))
		bad(r, "malformed %s site '%s' in a pair", holder ? "holder" : "waiter", s);
	free(mod);
}

static void parse_pair(struct reader *r, struct snap *sn, char *s)
{
	char *arrow = strstr(s, "  <-  "), *p = s;
	struct pair *pr;
	const char *e;
	int i, ret;

	if (!arrow)
		bad(r,
		    "expected a pair 'waits wait-total kind holder  <-  kind waiter', found '%s'",
		    s);
	*arrow = '\0';
	if (sn->nr_pairs == sn->alloc_pairs) {
		sn->alloc_pairs = sn->alloc_pairs ? 2 * sn->alloc_pairs : 32;
		sn->pairs = xrealloc(sn->pairs, sn->alloc_pairs * sizeof(*sn->pairs));
	}
	pr = &sn->pairs[sn->nr_pairs];
	memset(pr, 0, sizeof(*pr));
	pr->line = r->line;
	for (i = 0; i < 2; i++) {
		unsigned long long *v = i ? &pr->wait : &pr->count;

		p += strspn(p, " ");
		ret = parse_num(p, &e, v, 10);
		if (ret == -ERANGE)
			bad(r, "pair %s does not fit in 64 bits", i ? "wait-total" : "waits");
		if (ret || *e != ' ')
			bad(r, "pair %s: '%.*s' is not a number", i ? "wait-total" : "waits",
			    (int)strcspn(p, " "), p);
		p = (char *)e;
	}
	if (strncmp(p, "  ", 2))
		bad(r, "missing holder in a pair");
	parse_pair_side(r, sn, p + 2, true, &pr->hkind, &pr->holder, &pr->hfunc);
	parse_pair_side(r, sn, arrow + 6, false, &pr->wkind, &pr->waiter, &pr->wfunc);
	sn->nr_pairs++;
}

static void expect_tokens(struct reader *r, const char *what, char *s,
			  const char *const *want)
{
	char *tok, *save = NULL;
	int i;

	if (strncmp(s, "# ", 2))
		bad(r, "expected %s, found '%s'", what, s);
	tok = strtok_r(s + 2, " ", &save);
	for (i = 0; want[i]; i++, tok = strtok_r(NULL, " ", &save))
		if (!tok || strcmp(tok, want[i]))
			bad(r, "expected %s: '%s' where '%s' belongs", what,
			    tok ? tok : "(end of line)", want[i]);
	if (tok)
		bad(r, "expected %s: unexpected '%s'", what, tok);
}

static struct snap *snap_read(const char *file)
{
	static const char *const pair_cols[] = {
		"waits", "wait-total", "kind", "holder", "<-", "kind", "waiter", NULL
	};
	struct snap *sn = xrealloc(NULL, sizeof(*sn));
	struct header h = { 0 };
	struct reader r;
	const char *v;
	char *s;
	size_t i;

	memset(sn, 0, sizeof(*sn));
	sn->file = file;
	reader_open(&r, file);

	s = next_line(&r);
	if (strncmp(s, "lock_stat_lite version ", 23))
		bad(&r,
		    "not a lock_stat_lite file: the first line is not 'lock_stat_lite version X.Y'");
	v = s + 23;
	for (i = 0; i < ARRAY_SIZE(versions); i++)
		if (!strcmp(v, versions[i].name))
			sn->ver = &versions[i];
	if (!sn->ver)
		bad(&r, "unsupported version '%s' (lslstat reads 1.1, 2.0 and 2.1)", v);

	scan_line(&r, "'enabled: N'", "enabled: %u", &sn->enabled);
	if (sn->enabled > 1)
		bad(&r, "enabled is %llu, not 0 or 1", sn->enabled);
	scan_line(&r, "the 'sites:' line",
		  "sites: %u used of %u, %u events dropped (table full)",
		  &sn->used, &sn->size, &sn->dropped);
	if (sn->ver->queued) {
		scan_line(&r, "the 'untracked holds' line", sn->ver->waits_fmt,
			  &sn->untracked, &sn->waits, &sn->unknown_holder, &sn->queued);
		sn->has_waits = true;
	} else {
		scan_line(&r, "the 'untracked holds' line", sn->ver->waits_fmt,
			  &sn->untracked, &sn->unknown_holder);
	}
	scan_line(&r, "the 'acquisitions:' line",
		  "acquisitions: sampled, one in %u on average per CPU, scaled by %u",
		  &sn->sample, &sn->scale);
	scan_line(&r, "'since reset: S.mmm s'", "since reset: %t s", &sn->since_ms);

	s = expect_line(&r, "the column header");
	if (!strcmp(s, "WARNING: the site table is full, some events are not counted"))
		s = expect_line(&r, "the column header");
	if (strcmp(s, "# times in ns; acq and holds are sampled; hist=log2(wait ns):count"))
		bad(&r, "expected '# times in ns; ...', found '%s'", s);
	parse_columns(&r, expect_line(&r, "the '# kind ... site' column header"), &h);

	while ((s = next_line(&r)) && *s)
		parse_row(&r, sn, &h, s);
	if (!s)
		bad(&r, "truncated: the file ends before the who-blocked-whom section");

	scan_line(&r, "the 'who blocked whom:' line",
		  "who blocked whom: %u pairs used of %u, %u waits dropped (table full)",
		  &sn->pairs_used, &sn->pairs_size, &sn->pairs_dropped);
	scan_line(&r, "'# top N (holder site, waiter site) pairs ...'",
		  "# top %u (holder site, waiter site) pairs by total wait, in ns",
		  &sn->top_pairs);
	expect_tokens(&r, "the pair column header", expect_line(&r, "the pair column header"),
		      pair_cols);
	while ((s = next_line(&r)))
		parse_pair(&r, sn, s);
	free(r.buf);
	return sn;
}

/* ------------------------------------------------------------- options */

enum mode { M_TABLE, M_INTERVAL, M_DIFF, M_HIST, M_PAIRS, M_CSV, M_PLOT };

static struct {
	enum mode mode;
	int sort;		/* enum col, or one of the S_* below */
	long top;		/* -1: the mode's default */
	int kind;		/* -1: any */
	const char *lock;
	const char *func;
	bool wide;
	double interval;
	long count;
	const char *plot;
} opt = { .sort = C_WAIT_TOTAL, .top = -1, .kind = -1 };

/* Sort keys past the numeric columns, in this order. */
enum { S_KIND = NR_COLS, S_LOCK, S_SITE };
static const char *const sort_extra[] = { "kind", "lock", "site" };

static int find_sort(const char *name)
{
	int i;

	for (i = 0; i < NR_COLS; i++)
		if (!strcmp(name, column[i].name))
			return i;
	for (i = 0; i < (int)ARRAY_SIZE(sort_extra); i++)
		if (!strcmp(name, sort_extra[i]))
			return NR_COLS + i;
	return -1;
}

static int width(void)
{
	return opt.wide ? INT_MAX : MAX_WIDTH;
}

static bool site_wanted(const struct site *st)
{
	if (opt.kind >= 0 && st->kind != opt.kind)
		return false;
	if (opt.lock && (!st->lock || !strstr(st->lock, opt.lock)))
		return false;
	if (opt.func && !strstr(st->func, opt.func))
		return false;
	return true;
}

static int by_sort(const void *a, const void *b)
{
	const struct site *x = *(const struct site **)a, *y = *(const struct site **)b;
	int c = 0;

	switch (opt.sort) {
	case S_KIND:
		c = strcmp(kind_name[x->kind], kind_name[y->kind]);
		break;
	case S_LOCK:
		c = strcmp(x->lock ? x->lock : "~", y->lock ? y->lock : "~");
		break;
	case S_SITE:
		c = strcmp(x->text, y->text);
		break;
	default:
		c = cmp_ull(y->v[opt.sort], x->v[opt.sort]);
	}
	return c ? c : x->line - y->line;
}

/* The sites that pass the filters, sorted; the count in *n. */
static struct site **select_sites(struct snap *sn, int *n)
{
	struct site **v = xrealloc(NULL, (sn->nr + 1) * sizeof(*v));
	int i;

	*n = 0;
	for (i = 0; i < sn->nr; i++)
		if (site_wanted(&sn->sites[i]))
			v[(*n)++] = &sn->sites[i];
	qsort(v, *n, sizeof(*v), by_sort);
	return v;
}

static int top_n(int dflt, int avail)
{
	long n = opt.top < 0 ? dflt : opt.top;

	return n == 0 || n > avail ? avail : n;
}

static const char *sort_name(void)
{
	return opt.sort < NR_COLS ? column[opt.sort].name : sort_extra[opt.sort - NR_COLS];
}

/* -------------------------------------------------------------- tables */

/*
 * Rows of cells, laid out once all are known: numbers are right-aligned
 * at their widest, and the text columns (lock, site) are shortened so
 * that no line is wider than MAX_WIDTH, the site last because it is the
 * one column that always identifies the row.
 */
struct table {
	int ncols, nrows, alloc;
	const char *const *head;
	/* 'l', 'r': aligned left or right; 'N' a name and 'S' a site, shortened to fit */
	const char *align;
	char **cell;
};

static void table_init(struct table *t, const char *const *head, const char *align)
{
	memset(t, 0, sizeof(*t));
	t->head = head;
	t->align = align;
	t->ncols = strlen(align);
}

static void table_row(struct table *t)
{
	int i;

	if (t->nrows == t->alloc) {
		t->alloc = t->alloc ? 2 * t->alloc : 32;
		t->cell = xrealloc(t->cell, (size_t)t->alloc * t->ncols * sizeof(*t->cell));
	}
	for (i = 0; i < t->ncols; i++)
		t->cell[t->nrows * t->ncols + i] = NULL;
	t->nrows++;
}

static void table_set(struct table *t, int col, const char *fmt, ...)
{
	char **c = &t->cell[(t->nrows - 1) * t->ncols + col];
	va_list ap;
	int ret;

	free(*c);
	va_start(ap, fmt);
	ret = vasprintf(c, fmt, ap);
	va_end(ap);
	if (ret < 0)
		die("out of memory");
}

static const char *table_get(struct table *t, int row, int col)
{
	const char *c = row < 0 ? t->head[col] : t->cell[row * t->ncols + col];

	return c ? c : "";
}

static void print_line(const char *s)
{
	int n = strlen(s);

	while (n && s[n - 1] == ' ')
		n--;
	/* Only the widest numbers could still overflow: cut, marked. */
	if (n > width())
		printf("%.*s>\n", width() - 1, s);
	else
		printf("%.*s\n", n, s);
}

static void table_print(struct table *t)
{
	int w[32], i, r, total, over, pass;
	char *line, *p;

	total = 0;
	for (i = 0; i < t->ncols; i++) {
		w[i] = 0;
		for (r = -1; r < t->nrows; r++) {
			int n = strlen(table_get(t, r, i));

			w[i] = n > w[i] ? n : w[i];
		}
		total += w[i] + (i ? 2 : 0);
	}
	/*
	 * Shrink lock names before sites, in steps, so that neither loses
	 * more than the line needs: names to 24, sites to 40, then 16 and
	 * 24, then 8 and 12.
	 */
	for (pass = 0; pass < 6 && total > width(); pass++) {
		static const int floor[] = { 24, 40, 16, 24, 8, 12 };
		char kind = pass % 2 ? 'S' : 'N';

		for (i = 0; i < t->ncols && total > width(); i++) {
			if (t->align[i] != kind || w[i] <= floor[pass])
				continue;
			over = total - width();
			over = over < w[i] - floor[pass] ? over : w[i] - floor[pass];
			w[i] -= over;
			total -= over;
		}
	}
	/* A shortened column is as wide as its widest shortened cell. */
	for (i = 0; i < t->ncols; i++) {
		int n = 0;

		if (t->align[i] != 'N' && t->align[i] != 'S')
			continue;
		for (r = -1; r < t->nrows; r++) {
			char *c = elide(table_get(t, r, i), w[i]);
			int len = strlen(c);

			n = len > n ? len : n;
			free(c);
		}
		total -= w[i] - n;
		w[i] = n;
	}
	line = xrealloc(NULL, total + 1);
	for (r = -1; r < t->nrows; r++) {
		p = line;
		for (i = 0; i < t->ncols; i++) {
			char *c = elide(table_get(t, r, i), w[i]);

			p += sprintf(p, i ? "  %*s" : "%*s",
				     t->align[i] == 'r' ? w[i] : -w[i], c);
			free(c);
		}
		print_line(line);
	}
	free(line);
}

static void table_free(struct table *t)
{
	int i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cell[i]);
	free(t->cell);
}

static void print_summary(struct snap *sn)
{
	char buf[256];

	snprintf(buf, sizeof(buf),
		 "%s: version %s, %s, %llu of %llu sites used, %llu events dropped%s",
		 sn->file, sn->ver->name, sn->enabled ? "enabled" : "disabled",
		 sn->used, sn->size, sn->dropped,
		 sn->dropped ? " (table full: some events not counted)" : "");
	print_line(buf);
	if (sn->has_waits)
		snprintf(buf, sizeof(buf),
			 "since reset %llu.%03llu s: %llu waits, %llu with unknown holder, %llu queued behind waiters; %llu untracked holds; acq and holds sampled 1 in %llu",
			 sn->since_ms / 1000, sn->since_ms % 1000, sn->waits,
			 sn->unknown_holder, sn->queued, sn->untracked, sn->sample);
	else
		snprintf(buf, sizeof(buf),
			 "since reset %llu.%03llu s: %llu waits with unknown holder; %llu untracked holds; acq and holds sampled 1 in %llu",
			 sn->since_ms / 1000, sn->since_ms % 1000,
			 sn->unknown_holder, sn->untracked, sn->sample);
	print_line(buf);
}

/* The lock column: the name, and apart from it whether others shared the site. */
static void set_lock(struct table *t, int col, const struct site *st)
{
	table_set(t, col, "%s", st->lock ? st->lock : "");
	table_set(t, col + 1, "%s", st->many ? "yes" : "");
}

/* ------------------------------------------------------------ the views */

static void view_table(struct snap *sn)
{
	static const char *const head[] = {
		"kind", "con", "wait-total", "wait-avg", "wait-max", "con-rel",
		"chold-total", "blocked", "hold-avg", "lock", "many", "site",
	};
	static const int cols[] = {
		C_CON, C_WAIT_TOTAL, C_WAIT_AVG, C_WAIT_MAX, C_CON_REL,
		C_CHOLD_TOTAL, C_BLOCKED, C_HOLD_AVG,
	};
	struct site **v;
	struct table t;
	char buf[32];
	int i, j, n, top;

	v = select_sites(sn, &n);
	top = top_n(15, n);
	print_summary(sn);
	printf("top %d of %d sites%s by %s\n", top, n,
	       n == sn->nr ? "" : " that match", sort_name());
	table_init(&t, head, "lrrrrrrrrNlS");
	for (i = 0; i < top; i++) {
		table_row(&t);
		table_set(&t, 0, "%s", kind_name[v[i]->kind]);
		for (j = 0; j < 8; j++)
			table_set(&t, j + 1, "%s",
				  fmt_col(buf, sizeof(buf), cols[j], v[i]->v[cols[j]]));
		set_lock(&t, 9, v[i]);
		table_set(&t, 11, "%s", v[i]->text);
	}
	table_print(&t);
	table_free(&t);
	free(v);
}

static void csv_str(const char *s)
{
	/* RFC 4180: quote a field that holds a comma or a quote. */
	if (!s[strcspn(s, ",\"")]) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void view_csv(struct snap *sn)
{
	struct site **v;
	int i, c, b, n, top;

	v = select_sites(sn, &n);
	top = top_n(0, n);
	printf("kind");
	for (c = 0; c < NR_COLS; c++)
		printf(",%s", column[c].name);
	printf(",site,function,offset,size,module,lock,many");
	for (b = 0; b < NR_BUCKETS; b++)
		printf(",hist%d", b);
	putchar('\n');
	for (i = 0; i < top; i++) {
		printf("%s", kind_name[v[i]->kind]);
		for (c = 0; c < NR_COLS; c++)
			printf(",%llu", v[i]->v[c]);
		putchar(',');
		csv_str(v[i]->text);
		putchar(',');
		csv_str(v[i]->func);
		printf(",%llu,%llu,%s,", v[i]->off, v[i]->size, v[i]->mod ? v[i]->mod : "");
		csv_str(v[i]->lock ? v[i]->lock : "");
		printf(",%d", v[i]->many);
		for (b = 0; b < NR_BUCKETS; b++)
			printf(",%llu", v[i]->hist[b]);
		putchar('\n');
	}
	free(v);
}

static void view_hist(struct snap *sn)
{
	struct site **v;
	char lab[32], buf[4][32], *line;
	int i, b, n, top, lo, hi;

	v = select_sites(sn, &n);
	if (!n)
		die("%s: no site matches", sn->file);
	top = top_n(1, n);
	for (i = 0; i < top; i++) {
		struct site *st = v[i];
		unsigned long long max = 0, sum = 0;

		if (i)
			putchar('\n');
		line = xasprintf("%s %s%s%s%s: %llu wait%s, total %s, avg %s, max %s",
				 kind_name[st->kind], st->text,
				 st->lock ? "  lock=" : "", st->lock ? st->lock : "",
				 st->many ? " (and others)" : "", st->v[C_CON],
				 st->v[C_CON] == 1 ? "" : "s",
				 fmt_ns(buf[0], 32, st->v[C_WAIT_TOTAL]),
				 fmt_ns(buf[1], 32, st->v[C_WAIT_AVG]),
				 fmt_ns(buf[2], 32, st->v[C_WAIT_MAX]));
		print_line(line);
		free(line);
		lo = NR_BUCKETS;
		hi = -1;
		for (b = 0; b < NR_BUCKETS; b++) {
			if (!st->hist[b])
				continue;
			lo = b < lo ? b : lo;
			hi = b;
			max = st->hist[b] > max ? st->hist[b] : max;
			sum += st->hist[b];
		}
		if (hi < 0) {
			printf("no waits recorded\n");
			continue;
		}
		printf("wait (ns; K = 1024, M = 1024 K)\n");
		/* bpftrace's hist(): 52 columns for the largest bucket. */
		for (b = lo; b <= hi; b++) {
			int bar = st->hist[b] * 52 / max;

			printf("%-16s %8llu |%.*s%*s|\n", fmt_bucket(lab, sizeof(lab), b),
			       st->hist[b], bar,
			       "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
			       52 - bar, "");
		}
		if (sum != st->v[C_CON])
			printf("(the buckets hold %llu waits and con says %llu: %s)\n",
			       sum, st->v[C_CON], "the kernel reads them apart");
	}
	free(v);
}

static bool pair_wanted(const struct pair *p)
{
	if (opt.kind >= 0 && p->hkind != opt.kind && p->wkind != opt.kind)
		return false;
	if (opt.func && !strstr(p->hfunc, opt.func) && !strstr(p->wfunc, opt.func))
		return false;
	return true;
}

struct group {
	struct pair *first;	/* the holder, through any of its pairs */
	unsigned long long count, wait;
	int nr;
	struct pair **pairs;
};

static bool same_holder(const struct pair *a, const struct pair *b)
{
	return a->hkind == b->hkind && !strcmp(a->holder, b->holder);
}

static int by_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	int c = cmp_ull(y->wait, x->wait);

	return c ? c : x->first->line - y->first->line;
}

static int by_pair(const void *a, const void *b)
{
	const struct pair *x = *(const struct pair **)a, *y = *(const struct pair **)b;
	int c = cmp_ull(y->wait, x->wait);

	return c ? c : x->line - y->line;
}

static void view_pairs(struct snap *sn)
{
	static const char *const head[] = {
		"waits", "wait-total", "wait-avg", "", "kind", "site",
	};
	struct group *g = xrealloc(NULL, (sn->nr_pairs + 1) * sizeof(*g));
	int i, j, ng = 0, top, np = 0;
	struct table t;
	char buf[32];
	char *line;

	for (i = 0; i < sn->nr_pairs; i++) {
		struct pair *p = &sn->pairs[i];

		if (!pair_wanted(p))
			continue;
		for (j = 0; j < ng; j++)
			if (same_holder(g[j].first, p))
				break;
		if (j == ng) {
			memset(&g[ng], 0, sizeof(g[ng]));
			g[ng].first = p;
			g[ng].pairs = xrealloc(NULL, sn->nr_pairs * sizeof(p));
			ng++;
		}
		g[j].count += p->count;
		g[j].wait += p->wait;
		g[j].pairs[g[j].nr++] = p;
		np++;
	}
	qsort(g, ng, sizeof(*g), by_group);
	top = top_n(0, ng);
	line = xasprintf("%s: who blocked whom, %llu pairs used of %llu, %llu waits dropped",
			 sn->file, sn->pairs_used, sn->pairs_size, sn->pairs_dropped);
	print_line(line);
	free(line);
	/* The kernel prints only its top pairs: the sums are of those. */
	printf("%d pairs (the kernel lists its top %llu by wait) with %d holders", np,
	       sn->top_pairs, ng);
	if (top < ng)
		printf(", %d shown", top);
	printf("; each holder's waiters ('<-') under it\n");
	table_init(&t, head, "rrrllS");
	for (i = 0; i < top; i++) {
		struct group *gr = &g[i];

		qsort(gr->pairs, gr->nr, sizeof(*gr->pairs), by_pair);
		if (i)
			table_row(&t);
		table_row(&t);
		table_set(&t, 0, "%llu", gr->count);
		table_set(&t, 1, "%s", fmt_ns(buf, sizeof(buf), gr->wait));
		table_set(&t, 2, "%s", fmt_ns(buf, sizeof(buf),
					      gr->count ? (double)gr->wait / gr->count : 0));
		table_set(&t, 3, "held");
		table_set(&t, 4, "%s", gr->first->hkind < 0 ? "-" : kind_name[gr->first->hkind]);
		table_set(&t, 5, "%s", gr->first->holder);
		for (j = 0; j < gr->nr; j++) {
			struct pair *p = gr->pairs[j];

			table_row(&t);
			table_set(&t, 0, "%llu", p->count);
			table_set(&t, 1, "%s", fmt_ns(buf, sizeof(buf), p->wait));
			table_set(&t, 2, "%s", fmt_ns(buf, sizeof(buf),
						      p->count ? (double)p->wait / p->count : 0));
			table_set(&t, 3, "  <-");
			table_set(&t, 4, "%s", kind_name[p->wkind]);
			table_set(&t, 5, "%s", p->waiter);
		}
	}
	table_print(&t);
	table_free(&t);
	for (i = 0; i < ng; i++)
		free(g[i].pairs);
	free(g);
}

/* ---------------------------------------------------------------- diff */

/*
 * Two snapshots name a site alike if kind, function, offset and module
 * match: the function's size may differ between two builds of a kernel
 * whose other functions changed.
 */
static bool same_site(const struct site *a, const struct site *b)
{
	return a->kind == b->kind && a->off == b->off && !strcmp(a->func, b->func) &&
	       !strcmp(a->mod ? a->mod : "", b->mod ? b->mod : "");
}

struct drow {
	struct site *old, *new;
};

static const struct site zero_site;

static int by_change(const void *a, const void *b)
{
	const struct drow *x = a, *y = b;
	const struct site *xo = x->old ? x->old : &zero_site;
	const struct site *xn = x->new ? x->new : &zero_site;
	const struct site *yo = y->old ? y->old : &zero_site;
	const struct site *yn = y->new ? y->new : &zero_site;
	int c, col = opt.sort < NR_COLS ? opt.sort : C_WAIT_TOTAL;
	bool xneg, yneg;

	/* The largest change first, either way; growth before shrinkage. */
	c = cmp_ull(abs_delta(yo->v[col], yn->v[col], &yneg),
		    abs_delta(xo->v[col], xn->v[col], &xneg));
	if (!c)
		c = xneg - yneg;
	if (c)
		return c;
	/* Then in the new file's order, and sites only in the old one last. */
	if (x->new && y->new)
		return x->new->line - y->new->line;
	if (x->new || y->new)
		return x->new ? -1 : 1;
	return x->old->line - y->old->line;
}

static void view_diff(struct snap *o, struct snap *nw)
{
	int i, j, n = 0, top, col = opt.sort < NR_COLS ? opt.sort : C_WAIT_TOTAL;
	char *change = xasprintf("%s-change", column[col].name);
	const char *const head[] = {
		"kind", "con-old", "con-new", "wait-old", "wait-new", change,
		"%", "avg-old", "avg-new", "only", "site",
	};
	struct drow *d = xrealloc(NULL, (o->nr + nw->nr + 1) * sizeof(*d));
	bool *used = calloc(o->nr + 1, sizeof(*used));
	struct table t;
	char buf[32];

	if (!used)
		die("out of memory");
	for (i = 0; i < nw->nr; i++) {
		if (!site_wanted(&nw->sites[i]))
			continue;
		d[n].new = &nw->sites[i];
		d[n].old = NULL;
		for (j = 0; j < o->nr; j++) {
			if (!used[j] && same_site(&o->sites[j], &nw->sites[i])) {
				used[j] = true;
				d[n].old = &o->sites[j];
				break;
			}
		}
		n++;
	}
	for (j = 0; j < o->nr; j++) {
		if (used[j] || !site_wanted(&o->sites[j]))
			continue;
		d[n].old = &o->sites[j];
		d[n].new = NULL;
		n++;
	}
	qsort(d, n, sizeof(*d), by_change);
	top = top_n(15, n);
	printf("old: %s: version %s, since reset %llu.%03llu s, %d sites\n", o->file,
	       o->ver->name, o->since_ms / 1000, o->since_ms % 1000, o->nr);
	printf("new: %s: version %s, since reset %llu.%03llu s, %d sites\n", nw->file,
	       nw->ver->name, nw->since_ms / 1000, nw->since_ms % 1000, nw->nr);
	printf("top %d of %d sites by the change in %s (new - old); %s\n", top, n,
	       column[col].name, "sites match by kind, function and offset");
	table_init(&t, head, "lrrrrrrrrlS");
	for (i = 0; i < top; i++) {
		const struct site *so = d[i].old ? d[i].old : &zero_site;
		const struct site *sw = d[i].new ? d[i].new : &zero_site;
		const struct site *any = d[i].new ? d[i].new : d[i].old;

		table_row(&t);
		table_set(&t, 0, "%s", kind_name[any->kind]);
		if (d[i].old) {
			table_set(&t, 1, "%llu", so->v[C_CON]);
			table_set(&t, 3, "%s", fmt_ns(buf, sizeof(buf), so->v[C_WAIT_TOTAL]));
			table_set(&t, 7, "%s", fmt_ns(buf, sizeof(buf), so->v[C_WAIT_AVG]));
		} else {
			table_set(&t, 1, "-");
			table_set(&t, 3, "-");
			table_set(&t, 7, "-");
		}
		if (d[i].new) {
			table_set(&t, 2, "%llu", sw->v[C_CON]);
			table_set(&t, 4, "%s", fmt_ns(buf, sizeof(buf), sw->v[C_WAIT_TOTAL]));
			table_set(&t, 8, "%s", fmt_ns(buf, sizeof(buf), sw->v[C_WAIT_AVG]));
		} else {
			table_set(&t, 2, "-");
			table_set(&t, 4, "-");
			table_set(&t, 8, "-");
		}
		table_set(&t, 5, "%s", fmt_delta(buf, sizeof(buf), col, so->v[col],
						 sw->v[col]));
		if (d[i].old && d[i].new && so->v[col] && so->v[col] != sw->v[col])
			table_set(&t, 6, "%+.1f%%",
				  ((double)sw->v[col] - so->v[col]) * 100 / so->v[col]);
		else if (d[i].old && d[i].new && so->v[col])
			table_set(&t, 6, "0%%");
		table_set(&t, 9, "%s", d[i].old ? d[i].new ? "" : "old" : "new");
		table_set(&t, 10, "%s", any->text);
		/* Matched across builds: say what else changed, the size. */
		if (d[i].old && d[i].new && strcmp(so->text, sw->text))
			table_set(&t, 10, "%s (was %s)", sw->text, strchr(so->text, '/') ?
				  strchr(so->text, '/') : so->text);
	}
	table_print(&t);
	table_free(&t);
	free(change);
	free(used);
	free(d);
}

/* ------------------------------------------------------------ interval */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct rate {
	const struct site *st;
	double v[NR_COLS];
};

static int by_rate(const void *a, const void *b)
{
	const struct rate *x = a, *y = b;
	int col = opt.sort < NR_COLS ? opt.sort : C_WAIT_TOTAL;

	if (x->v[col] != y->v[col])
		return x->v[col] < y->v[col] ? 1 : -1;
	return x->st->line - y->st->line;
}

/*
 * Rates of @cur against @prev over @dt seconds.  A site whose counters
 * went down was cleared in between, so its counts are all new; returns
 * true then, so that the reader is told.
 */
static bool site_rate(struct rate *r, const struct site *cur, const struct site *prev,
		      double dt)
{
	unsigned long long d[NR_COLS] = { 0 };
	bool reset = false;
	int c;

	for (c = 0; c < NR_COLS && prev; c++)
		if (column[c].type <= T_TIME && cur->v[c] < prev->v[c])
			reset = true;
	if (reset || !prev)
		prev = &zero_site;
	for (c = 0; c < NR_COLS; c++)
		if (column[c].type <= T_TIME)
			d[c] = cur->v[c] - prev->v[c];
	r->st = cur;
	for (c = 0; c < NR_COLS; c++) {
		switch (column[c].type) {
		case T_COUNT:
		case T_TIME:
			r->v[c] = dt > 0 ? d[c] / dt : 0;
			break;
		case T_MAX:
			r->v[c] = cur->v[c];
			break;
		case T_AVG:
			r->v[c] = cur->v[c];
		}
	}
	/* The average of this interval's waits, not of all since the reset. */
	r->v[C_WAIT_AVG] = d[C_CON] ? (double)d[C_WAIT_TOTAL] / d[C_CON] : 0;
	return reset;
}

static void print_rates(struct snap *cur, struct snap *prev, int sample, double wall)
{
	static const char *const head[] = {
		"kind", "con/s", "wait/s", "wait-avg", "wait-max", "con-rel/s",
		"blocked/s", "acq/s", "lock", "many", "site",
	};
	struct rate *r = xrealloc(NULL, (cur->nr + 1) * sizeof(*r));
	bool reset = !prev || cur->since_ms < prev->since_ms;
	double dt;
	int i, j, n = 0, top, idle = 0, went_down = 0;
	struct table t;
	char buf[32];

	if (reset)
		dt = cur->since_ms / 1000.0;
	else
		dt = (cur->since_ms - prev->since_ms) / 1000.0;
	/* A saved file read twice has no clock of its own that moved. */
	if (dt <= 0 && !reset)
		dt = wall;
	if (isatty(STDOUT_FILENO))
		printf("\033[H\033[2J");
	if (!prev)
		printf("%s: sample %d: rates since reset, over %.3f s\n", cur->file, sample, dt);
	else if (reset)
		printf("%s: sample %d: %s; rates since the reset, over %.3f s\n",
		       cur->file, sample, "the table was reset between samples", dt);
	else
		printf("%s: sample %d: rates over %.3f s (since reset %llu.%03llu s)\n",
		       cur->file, sample, dt, cur->since_ms / 1000, cur->since_ms % 1000);
	for (i = 0; i < cur->nr; i++) {
		const struct site *p = NULL;

		if (!site_wanted(&cur->sites[i]))
			continue;
		for (j = 0; !reset && j < prev->nr; j++) {
			if (same_site(&prev->sites[j], &cur->sites[i])) {
				p = &prev->sites[j];
				break;
			}
		}
		went_down += site_rate(&r[n], &cur->sites[i], p, dt);
		for (j = 0; j < NR_COLS; j++)
			if (column[j].type <= T_TIME && r[n].v[j] > 0)
				break;
		if (j == NR_COLS)
			idle++;
		else
			n++;
	}
	qsort(r, n, sizeof(*r), by_rate);
	top = top_n(15, n);
	if (went_down)
		printf("%d sites counted from zero: their counts went down without a reset\n",
		       went_down);
	printf("top %d of %d active sites by %s%s (%d idle not shown)\n", top, n,
	       column[opt.sort < NR_COLS ? opt.sort : C_WAIT_TOTAL].name,
	       column[opt.sort < NR_COLS ? opt.sort : C_WAIT_TOTAL].type <= T_TIME ?
	       " per second" : "", idle);
	table_init(&t, head, "lrrrrrrrNlS");
	for (i = 0; i < top; i++) {
		table_row(&t);
		table_set(&t, 0, "%s", kind_name[r[i].st->kind]);
		table_set(&t, 1, "%.1f", r[i].v[C_CON]);
		table_set(&t, 2, "%s/s", fmt_ns(buf, sizeof(buf), r[i].v[C_WAIT_TOTAL]));
		table_set(&t, 3, "%s", fmt_ns(buf, sizeof(buf), r[i].v[C_WAIT_AVG]));
		table_set(&t, 4, "%s", fmt_ns(buf, sizeof(buf), r[i].v[C_WAIT_MAX]));
		table_set(&t, 5, "%.1f", r[i].v[C_CON_REL]);
		table_set(&t, 6, "%s/s", fmt_ns(buf, sizeof(buf), r[i].v[C_BLOCKED]));
		table_set(&t, 7, "%.1f", r[i].v[C_ACQ]);
		set_lock(&t, 8, r[i].st);
		table_set(&t, 10, "%s", r[i].st->text);
	}
	table_print(&t);
	table_free(&t);
	/* Each sample as soon as it is ready, also through a pipe. */
	fflush(stdout);
	free(r);
}

static void snap_free(struct snap *sn)
{
	int i;

	if (!sn)
		return;
	for (i = 0; i < sn->nr; i++) {
		free(sn->sites[i].text);
		free(sn->sites[i].func);
		free(sn->sites[i].mod);
		free(sn->sites[i].lock);
	}
	for (i = 0; i < sn->nr_pairs; i++) {
		if (sn->pairs[i].hfunc != sn->pairs[i].holder)
			free(sn->pairs[i].hfunc);
		free(sn->pairs[i].holder);
		free(sn->pairs[i].waiter);
		free(sn->pairs[i].wfunc);
	}
	free(sn->sites);
	free(sn->pairs);
	free(sn);
}

static void view_interval(const char *file)
{
	struct snap *prev = NULL, *cur;
	struct timespec next;
	double last = now(), t;
	long i;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; !opt.count || i < opt.count; i++) {
		if (i) {
			/* Absolute deadlines, so that drawing does not drift the samples. */
			next.tv_sec += (time_t)opt.interval;
			next.tv_nsec += (long)((opt.interval - (time_t)opt.interval) * 1e9);
			if (next.tv_nsec >= 1000000000L) {
				next.tv_sec++;
				next.tv_nsec -= 1000000000L;
			}
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
					       NULL) == EINTR)
				;
		}
		cur = snap_read(file);
		t = now();
		print_rates(cur, prev, (int)i + 1, t - last);
		last = t;
		snap_free(prev);
		prev = cur;
	}
	snap_free(prev);
}

/* ----------------------------------------------------------------- SVG */

static void svg_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* A round axis maximum, 1, 2 or 5 times a power of ten, and its tick step. */
static void nice_axis(unsigned long long max, unsigned long long *top,
		      unsigned long long *step)
{
	unsigned long long p = 1;

	while (p * 10 <= max && p <= ULLONG_MAX / 100)
		p *= 10;
	if (max <= p)
		*top = p;
	else if (max <= 2 * p)
		*top = 2 * p;
	else if (max <= 5 * p)
		*top = 5 * p;
	else
		*top = 10 * p;
	if (*top <= 5)
		*step = 1;
	else if (*top / p == 2)
		*step = *top / 4;
	else
		*step = *top / 5;
}

static char *bucket_label(char *buf, size_t len, int b)
{
	if (b == 0)
		snprintf(buf, len, "0");
	else
		fmt_pow2(buf, len - 1, b - 1);
	if (b == NR_BUCKETS - 1)
		strcat(buf, "+");
	return buf;
}

/*
 * Small multiples: one panel per site, all on the same log2 buckets so
 * that shapes compare across panels; each panel has its own count scale,
 * said on its axis, because the busiest site would flatten the others.
 */
static void plot_svg(struct snap *sn, const char *out)
{
	enum { PW = 440, PH = 260, ML = 62, MR = 14, MT = 46, MB = 52, TOP = 74 };
	struct site **v;
	bool kinds[NR_KINDS] = { false };
	int i, b, n, top, ncol, nrow, lo = NR_BUCKETS, hi = -1, W, H, x, y, k, lx;
	char buf[64], buf2[32];
	FILE *f;

	v = select_sites(sn, &n);
	top = top_n(6, n);
	if (!top)
		die("%s: no site to plot", sn->file);
	for (i = 0; i < top; i++) {
		kinds[v[i]->kind] = true;
		for (b = 0; b < NR_BUCKETS; b++) {
			if (v[i]->hist[b]) {
				lo = b < lo ? b : lo;
				hi = b > hi ? b : hi;
			}
		}
	}
	if (hi < 0) {
		lo = 0;
		hi = NR_BUCKETS - 1;
	}
	ncol = top == 1 ? 1 : top <= 4 ? 2 : 3;
	nrow = (top + ncol - 1) / ncol;
	W = ncol * PW + 20;
	H = TOP + nrow * PH + 56;
	f = fopen(out, "w");
	if (!f)
		die("cannot write %s: %s", out, strerror(errno));
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n",
		W, H, W, H);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
	fprintf(f,
		"<text x=\"%d\" y=\"28\" font-size=\"18\" font-weight=\"bold\" text-anchor=\"middle\">lock_stat_lite: wait histograms of the top %d sites by %s</text>\n",
		W / 2, top, sort_name());
	fprintf(f, "<text x=\"%d\" y=\"50\" font-size=\"12\" text-anchor=\"middle\" fill=\"#444\">",
		W / 2);
	svg_text(f, sn->file);
	fprintf(f,
		", version %s, since reset %llu.%03llu s; x: log2 buckets of wait time in ns (K = 1024), the last one open-ended; y: waits, per panel</text>\n",
		sn->ver->name, sn->since_ms / 1000, sn->since_ms % 1000);

	for (i = 0; i < top; i++) {
		struct site *st = v[i];
		unsigned long long max = 0, ytop, step, t;
		int px = 10 + (i % ncol) * PW, py = TOP + (i / ncol) * PH;
		int aw = PW - ML - MR, ah = PH - MT - MB, nb = hi - lo + 1;
		int bw = aw / nb, every = bw >= 26 ? 1 : bw >= 13 ? 2 : 4;
		char *title, *lock;

		for (b = lo; b <= hi; b++)
			max = st->hist[b] > max ? st->hist[b] : max;
		nice_axis(max ? max : 1, &ytop, &step);
		fprintf(f, "<g transform=\"translate(%d,%d)\">\n", px, py);
		fprintf(f,
			"<rect x=\"0.5\" y=\"0.5\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#ccc\"/>\n",
			PW - 11, PH - 9);
		lock = elide(st->text, 48);
		title = xasprintf("#%d %s %s", i + 1, kind_name[st->kind], lock);
		fprintf(f, "<text x=\"10\" y=\"18\" font-size=\"13\" font-weight=\"bold\">");
		svg_text(f, title);
		fprintf(f, "</text>\n");
		free(title);
		free(lock);
		lock = elide(st->lock ? st->lock : "", 26);
		title = xasprintf("%s%s%s%llu wait%s, total %s, max %s",
				  st->lock ? "lock " : "", lock,
				  st->lock ? st->many ? " and others; " : "; " : "",
				  st->v[C_CON], st->v[C_CON] == 1 ? "" : "s",
				  fmt_ns(buf, 32, st->v[C_WAIT_TOTAL]),
				  fmt_ns(buf2, 32, st->v[C_WAIT_MAX]));
		fprintf(f, "<text x=\"10\" y=\"34\" font-size=\"11\" fill=\"#444\">");
		svg_text(f, title);
		fprintf(f, "</text>\n");
		free(title);
		free(lock);
		/* Grid and count axis. */
		for (t = 0; t <= ytop; t += step) {
			y = MT + ah - (int)(t * ah / ytop);
			fprintf(f,
				"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>\n",
				ML, y, ML + nb * bw, y, t ? "#e4e4e4" : "#333");
			fprintf(f,
				"<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%llu</text>\n",
				ML - 5, y + 3, t);
		}
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
			ML, MT, ML, MT + ah);
		fprintf(f,
			"<text transform=\"translate(16,%d) rotate(-90)\" font-size=\"11\" text-anchor=\"middle\">waits</text>\n",
			MT + ah / 2);
		for (b = lo; b <= hi; b++) {
			int h = (int)(st->hist[b] * ah / ytop);

			x = ML + (b - lo) * bw;
			if (st->hist[b]) {
				fprintf(f,
					"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s: %llu waits</title></rect>\n",
					x + 1, MT + ah - h, bw - 2, h ? h : 1,
					kind_colour[st->kind], fmt_bucket(buf, sizeof(buf), b),
					st->hist[b]);
			}
			if ((b - lo) % every == 0)
				fprintf(f,
					"<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"middle\">%s</text>\n",
					x + bw / 2, MT + ah + 13,
					bucket_label(buf, sizeof(buf), b));
		}
		fprintf(f,
			"<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">wait (ns), log2 buckets: lower bound</text>\n",
			ML + nb * bw / 2, MT + ah + 32);
		if (!max)
			fprintf(f,
				"<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#888\" text-anchor=\"middle\">no waits recorded</text>\n",
				ML + nb * bw / 2, MT + ah / 2);
		fprintf(f, "</g>\n");
	}

	/* Legend: the bar colour is the lock kind. */
	y = TOP + nrow * PH + 24;
	lx = 20;
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\">lock kind:</text>\n", lx, y + 10);
	lx += 75;
	for (k = 0; k < NR_KINDS; k++) {
		if (!kinds[k])
			continue;
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"12\" fill=\"%s\"/>\n",
			lx, y, kind_colour[k]);
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>\n", lx + 19,
			y + 10, kind_name[k]);
		lx += 30 + 8 * strlen(kind_name[k]);
	}
	fprintf(f, "</svg>\n");
	if (ferror(f) | fclose(f))
		die("cannot write %s: %s", out, strerror(errno));
	free(v);
}

/* --------------------------------------------------------------- main */

static const char usage_text[] =
"NAME\n"
"       lslstat - show kernel lock contention from /proc/lock_stat_lite\n"
"\n"
"SYNOPSIS\n"
"       lslstat [OPTIONS] [FILE]\n"
"       lslstat -i SECONDS [-c COUNT] [OPTIONS] [FILE]\n"
"       lslstat --diff [OPTIONS] OLD NEW\n"
"       lslstat --hist[=SITE] [OPTIONS] [FILE]      (also: --hist SITE FILE)\n"
"       lslstat --pairs [OPTIONS] [FILE]\n"
"       lslstat --csv [OPTIONS] [FILE]\n"
"       lslstat --plot OUT.svg [OPTIONS] [FILE]\n"
"\n"
"DESCRIPTION\n"
"       Reads /proc/lock_stat_lite, or FILE, a saved copy of it (format\n"
"       version 1.1, 2.0 or 2.1), and shows the call sites of kernel lock\n"
"       functions that waited longest, with times scaled to ns, us, ms or s.\n"
"       Anything else, or a file that is cut short or damaged, is refused.\n"
"\n"
"       Without a mode option it prints a summary of the header and the top\n"
"       sites by total wait.\n"
"\n"
"MODES\n"
"       -i, --interval SECONDS\n"
"              Read the file every SECONDS (fractions allowed) and show what\n"
"              changed as rates per second, like slabtop; the first sample\n"
"              shows the rates since the last reset.  The interval is taken\n"
"              from the file's 'since reset' clock.  A reset between samples\n"
"              is detected and reported; the rates then start from it.\n"
"              Sites with nothing new are not listed; wait-avg is that of the\n"
"              interval's waits, wait-max the longest since the reset.\n"
"       -c, --count COUNT\n"
"              With -i: stop after COUNT samples (default: run until killed).\n"
"       --diff OLD NEW\n"
"              Two snapshots side by side with the change of each site, the\n"
"              largest change in total wait (or in -s COLUMN) first, either\n"
"              way.  Sites match by kind, function, offset and module: the\n"
"              function's size may differ, as between two builds; 'only' says\n"
"              which file a site that did not match is in.\n"
"       --hist[=SITE]\n"
"              The log2 histogram of wait times of the top site, or of the top\n"
"              site whose function contains SITE, as text bars; -n N shows N\n"
"              sites.\n"
"       --pairs\n"
"              Who blocked whom: the file's top pairs grouped by the holder's\n"
"              site, each with the sites that waited for it; -k and -f keep\n"
"              the pairs whose holder or waiter matches.\n"
"       --csv\n"
"              Every column of every selected site as raw numbers (ns), with\n"
"              function, offset, size, module, lock, many and hist0..hist23.\n"
"       --plot OUT.svg\n"
"              Write an SVG chart of the wait histograms of the top sites\n"
"              (default 6), one panel each.\n"
"\n"
"OPTIONS\n"
"       -s, --sort COLUMN\n"
"              Sort by COLUMN: con, wait-total (default), wait-max, wait-avg,\n"
"              try-fail, acq, con-rel, chold-total, chold-max, blocked, holds,\n"
"              hold-avg, hold-max (largest first), or kind, lock, site.\n"
"       -n, --top N\n"
"              Show N sites (default 15; --hist 1, --plot 6, --csv and --pairs\n"
"              all); 0 shows all.\n"
"       -k, --kind KIND\n"
"              Only sites of KIND: spin, read, write (rwlock), mutex, rsem,\n"
"              wsem (rw_semaphore).\n"
"       -l, --lock NAME\n"
"              Only sites whose lock name contains NAME.\n"
"       -f, --function FUNCTION\n"
"              Only sites whose function name contains FUNCTION.\n"
"       -w, --wide\n"
"              Do not shorten lock names and sites to fit 160 columns.\n"
"       -h, --help\n"
"              This text.\n"
"\n"
"COLUMNS\n"
"       kind         spin, read/write (rwlock), mutex, rsem/wsem (rw_semaphore)\n"
"       con          acquisitions that had to wait\n"
"       wait-total   their total wait; wait-avg, wait-max: average, longest\n"
"       con-rel      releases of holds taken here while others waited\n"
"       chold-total  total time of those contended holds\n"
"       blocked      time others spent waiting while a hold taken here held it\n"
"       hold-avg     average hold, of sampled acquisitions\n"
"       lock         the lock's name, or its symbol for a static lock\n"
"       many         'yes': the site took other locks too (the kernel's\n"
"                    'many', or a '+' after the name before 2.1);\n"
"                    the name is that of the first\n"
"       site         the call site, function+offset/size [module]\n"
"\n"
"EXIT STATUS\n"
"       0 on success, 1 on a usage or I/O error, 2 when a file is not a\n"
"       well-formed lock_stat_lite file of a known version: the message\n"
"       names the file, the line and the problem.\n"
"\n"
"EXAMPLES\n"
"       lslstat                            top 15 sites, live\n"
"       lslstat -k mutex -s blocked        mutexes whose holders blocked most\n"
"       lslstat -i 2 -c 10                 rates every 2 s, 10 times\n"
"       cat /proc/lock_stat_lite > a; ...; cat /proc/lock_stat_lite > b\n"
"       lslstat --diff a b                 what changed between a and b\n"
"       lslstat --hist=zs_malloc           wait histogram of zs_malloc's site\n"
"       lslstat --plot top.svg -n 9 b      histograms of b's top 9 sites\n";

static noreturn void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s -h' for more information.\n", prog);
	exit(1);
}

static long parse_count(const char *s, const char *what)
{
	char *e;
	long v;

	errno = 0;
	v = strtol(s, &e, 10);
	if (errno || e == s || *e || v < 0)
		usage_error("%s: '%s' is not a number >= 0", what, s);
	return v;
}

static void set_mode(enum mode m, const char *name)
{
	static const char *mode_name;

	if (mode_name && opt.mode != m)
		usage_error("%s cannot be combined with %s", name, mode_name);
	opt.mode = m;
	mode_name = name;
}

int main(int argc, char **argv)
{
	enum { O_DIFF = 256, O_HIST, O_PAIRS, O_CSV, O_PLOT };
	static const struct option longopts[] = {
		{ "help",	no_argument,		NULL, 'h' },
		{ "sort",	required_argument,	NULL, 's' },
		{ "top",	required_argument,	NULL, 'n' },
		{ "kind",	required_argument,	NULL, 'k' },
		{ "lock",	required_argument,	NULL, 'l' },
		{ "function",	required_argument,	NULL, 'f' },
		{ "wide",	no_argument,		NULL, 'w' },
		{ "interval",	required_argument,	NULL, 'i' },
		{ "count",	required_argument,	NULL, 'c' },
		{ "diff",	no_argument,		NULL, O_DIFF },
		{ "hist",	optional_argument,	NULL, O_HIST },
		{ "pairs",	no_argument,		NULL, O_PAIRS },
		{ "csv",	no_argument,		NULL, O_CSV },
		{ "plot",	required_argument,	NULL, O_PLOT },
		{ NULL,		0,			NULL, 0 },
	};
	const char *file = PROC_FILE, *hist_site = NULL;
	bool have_count = false;
	struct snap *sn, *old;
	char *e;
	int c, nargs;

	while ((c = getopt_long(argc, argv, "hs:n:k:l:f:wi:c:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 's':
			opt.sort = find_sort(optarg);
			if (opt.sort < 0)
				usage_error("-s: unknown column '%s'", optarg);
			break;
		case 'n':
			opt.top = parse_count(optarg, "-n");
			break;
		case 'k':
			opt.kind = find_kind(optarg, strlen(optarg));
			if (opt.kind < 0)
				usage_error("-k: unknown kind '%s' (%s)", optarg,
					    "spin, read, write, mutex, rsem, wsem");
			break;
		case 'l':
			opt.lock = optarg;
			break;
		case 'f':
			opt.func = optarg;
			break;
		case 'w':
			opt.wide = true;
			break;
		case 'i':
			errno = 0;
			opt.interval = strtod(optarg, &e);
			if (errno || e == optarg || *e || !(opt.interval >= 0.01) ||
			    opt.interval > 86400)
				usage_error("-i: '%s' is not %s", optarg,
					    "a number of seconds from 0.01 to 86400");
			set_mode(M_INTERVAL, "-i");
			break;
		case 'c':
			opt.count = parse_count(optarg, "-c");
			have_count = true;
			break;
		case O_DIFF:
			set_mode(M_DIFF, "--diff");
			break;
		case O_HIST:
			set_mode(M_HIST, "--hist");
			hist_site = optarg;
			break;
		case O_PAIRS:
			set_mode(M_PAIRS, "--pairs");
			break;
		case O_CSV:
			set_mode(M_CSV, "--csv");
			break;
		case O_PLOT:
			set_mode(M_PLOT, "--plot");
			opt.plot = optarg;
			break;
		default:
			usage_error("unknown option");
		}
	}
	nargs = argc - optind;
	if (have_count && opt.mode != M_INTERVAL)
		usage_error("-c needs -i");
	if (opt.mode == M_DIFF) {
		if (nargs != 2)
			usage_error("--diff needs two files, OLD and NEW");
		if (opt.sort >= NR_COLS)
			usage_error("--diff sorts by a numeric column");
		old = snap_read(argv[optind]);
		sn = snap_read(argv[optind + 1]);
		view_diff(old, sn);
		snap_free(old);
		snap_free(sn);
		return 0;
	}
	if (opt.mode == M_HIST && !hist_site && nargs == 2) {
		hist_site = argv[optind++];
		nargs--;
	}
	if (hist_site) {
		if (opt.func)
			usage_error("--hist=SITE and -f both name a function");
		opt.func = hist_site;
	}
	if (nargs > 1)
		usage_error("too many arguments");
	if (nargs == 1)
		file = argv[optind];
	if (opt.mode == M_INTERVAL) {
		if (opt.sort >= NR_COLS)
			usage_error("-i sorts by a numeric column");
		view_interval(file);
		return 0;
	}
	sn = snap_read(file);
	switch (opt.mode) {
	case M_CSV:
		view_csv(sn);
		break;
	case M_HIST:
		view_hist(sn);
		break;
	case M_PAIRS:
		view_pairs(sn);
		break;
	case M_PLOT:
		plot_svg(sn, opt.plot);
		break;
	default:
		view_table(sn);
	}
	snap_free(sn);
	if (fflush(stdout) || ferror(stdout))
		die("cannot write the output: %s", strerror(errno));
	return 0;
}
