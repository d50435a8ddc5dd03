// SPDX-License-Identifier: GPL-2.0
/*
 * The user-space interface of lock_stat_lite: /proc/lock_stat_lite and the
 * kernel.lock_stat_lite sysctl, and contention made from user space
 * showing up at the kernel call site that took the lock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest_harness.h"

#define PROC_FILE	"/proc/lock_stat_lite"
#define SYSCTL		"/proc/sys/kernel/lock_stat_lite"

static char *read_all(const char *path)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap + 1);
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || !buf) {
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
	}
	close(fd);
	buf[len] = 0;
	return buf;
}

/* Returns the result of write(2): count, or -errno. */
static int write_str(const char *path, const char *s, size_t len)
{
	int fd = open(path, O_WRONLY), ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, s, len);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int sysctl_get(void)
{
	char *s = read_all(SYSCTL);
	int v = s ? atoi(s) : -1;

	free(s);
	return v;
}

/* Seconds since the last reset, from the header. */
static double since_reset(void)
{
	char *s = read_all(PROC_FILE);
	char *p = s ? strstr(s, "\nsince reset: ") : NULL;
	double v = p ? atof(p + strlen("\nsince reset: ")) : -1;

	free(s);
	return v;
}

/*
 * Does @row's site field (" func+0x1/0x2") name one of @funcs exactly?  A
 * site in a caller or a callee of the function that takes the lock has
 * another name: a name contained in another, or a frame too high, does not
 * match.  A clone that gcc made of the function is the function: arm64's
 * gcc shows do_mprotect_pkey() as "do_mprotect_pkey.constprop.0".
 */
static int site_is(const char *row, const char *funcs)
{
	char names[256], *name, *save;

	snprintf(names, sizeof(names), "%s", funcs);
	for (name = strtok_r(names, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
		size_t n = strlen(name);
		const char *p = row;

		while ((p = strstr(p, name))) {
			const char *q = p + n;

			if (p > row && p[-1] == ' ') {
				if (*q == '.')
					q += strspn(q, ".abcdefghijklmnopqrstuvwxyz0123456789");
				if (!strncmp(q, "+0x", 3))
					return 1;
			}
			p += n;
		}
	}
	return 0;
}

/*
 * Sum a column (1: contentions, 7: contended releases) of the rows of
 * @kind whose site is in one of the functions in @sites (a space-separated
 * list).
 */
static long column_at(const char *text, const char *kind, int col,
		      const char *sites)
{
	const char *line = text;
	long total = 0;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		char buf[1024];
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char k[8];
		long v[8];

		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = 0;
		line = end ? end + 1 : NULL;
		if (sscanf(buf, "%7s %ld %ld %ld %ld %ld %ld %ld", k, &v[1], &v[2],
			   &v[3], &v[4], &v[5], &v[6], &v[7]) != 8 || strcmp(k, kind))
			continue;
		if (site_is(buf, sites))
			total += v[col];
	}
	return total;
}

FIXTURE(lsl) {
	int saved;
};

FIXTURE_SETUP(lsl)
{
	if (access(PROC_FILE, F_OK))
		SKIP(return, "CONFIG_LOCK_STAT_LITE is not enabled");
	self->saved = sysctl_get();
	ASSERT_GE(self->saved, 0);
	ASSERT_EQ(2, write_str(SYSCTL, "1\n", 2));
}

FIXTURE_TEARDOWN(lsl)
{
	char v[3] = { '0' + self->saved, '\n', 0 };

	write_str(SYSCTL, v, 2);
}

TEST_F(lsl, file_mode_is_root_only)
{
	struct stat st;

	ASSERT_EQ(0, stat(PROC_FILE, &st));
	EXPECT_EQ(0400, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
}

TEST_F(lsl, header_format)
{
	char *s = read_all(PROC_FILE);

	ASSERT_NE(NULL, s);
	EXPECT_EQ(0, strncmp(s, "lock_stat_lite version ", 23));
	EXPECT_NE(NULL, strstr(s, "\nenabled: 1\n"));
	EXPECT_NE(NULL, strstr(s, "\nsites: "));
	EXPECT_NE(NULL, strstr(s, " events dropped"));
	EXPECT_NE(NULL, strstr(s, "\nsince reset: "));
	EXPECT_NE(NULL, strstr(s, "\n# kind "));
	EXPECT_NE(NULL, strstr(s, " wait-total "));
	EXPECT_NE(NULL, strstr(s, " con-rel "));
	EXPECT_NE(NULL, strstr(s, " site\n"));
	free(s);
}

TEST_F(lsl, sysctl_toggle)
{
	char *s;

	ASSERT_EQ(2, write_str(SYSCTL, "0\n", 2));
	EXPECT_EQ(0, sysctl_get());
	s = read_all(PROC_FILE);
	EXPECT_NE(NULL, strstr(s, "\nenabled: 0\n"));
	free(s);
	ASSERT_EQ(2, write_str(SYSCTL, "1\n", 2));
	EXPECT_EQ(1, sysctl_get());
	s = read_all(PROC_FILE);
	EXPECT_NE(NULL, strstr(s, "\nenabled: 1\n"));
	free(s);
}

TEST_F(lsl, sysctl_rejects_bad_values)
{
	static const char *const bad[] = { "2\n", "-1\n", "abc\n", "1x\n" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, write_str(SYSCTL, bad[i], strlen(bad[i])))
			TH_LOG("value #%u", i);
		EXPECT_EQ(1, sysctl_get());
	}
}

TEST_F(lsl, malformed_writes_rejected)
{
	static const char *const bad[] = { "1", "00", "x", "0 ", " 0", "0\n\n", "-0", "01" };
	double before, after;
	unsigned int i;

	before = since_reset();
	ASSERT_GE(before, 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, write_str(PROC_FILE, bad[i], strlen(bad[i])))
			TH_LOG("write #%u", i);
	EXPECT_EQ(-EINVAL, write_str(PROC_FILE, "", 0));
	/* Nothing was reset: the time since the reset kept growing. */
	after = since_reset();
	EXPECT_GE(after, before);
}

/*
 * What the kernel must accept: "0" or "0\n" to reset the table, and for
 * the sysctl anything proc_dointvec_minmax() parses as a first number
 * (optional blanks, then a digit or a minus sign).  Everything else fuzzed
 * below must be refused with -EINVAL.
 */
static int proc_write_valid(const unsigned char *b, size_t len)
{
	return (len == 1 || (len == 2 && b[1] == '\n')) && b[0] == '0';
}

static int sysctl_write_maybe_valid(const unsigned char *b, size_t len)
{
	size_t i = 0;

	/* The kernel's isspace(), which has Latin-1's no-break space too. */
	while (i < len && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r') || b[i] == 0xa0))
		i++;
	return i < len && ((b[i] >= '0' && b[i] <= '9') || b[i] == '-');
}

#define FUZZ_WRITES	10000
#define FUZZ_MAX_LEN	64

TEST_F(lsl, fuzz_writes_rejected)
{
	unsigned int seed = getpid() ^ time(NULL), i, sent[2] = { 0 }, skipped = 0;
	unsigned char buf[FUZZ_MAX_LEN];
	const char *path[2] = { PROC_FILE, SYSCTL };
	struct timespec t0, t1;
	double before, after;
	int fd[2], f;

	TH_LOG("seed %u", seed);
	srandom(seed);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	before = since_reset();
	ASSERT_GE(before, 0);
	for (f = 0; f < 2; f++) {
		fd[f] = open(path[f], O_WRONLY);
		ASSERT_LE(0, fd[f]);
	}
	for (i = 0; sent[0] + sent[1] < FUZZ_WRITES; i++) {
		size_t len = 1 + random() % FUZZ_MAX_LEN, j;
		ssize_t ret;

		/* Short inputs often, and made of digits and blanks half the time. */
		if (random() & 1)
			len = 1 + random() % 4;
		for (j = 0; j < len; j++)
			buf[j] = (random() & 1) ? "0 1\n-\t2+x"[random() % 10] : random();
		f = random() & 1;
		if (f ? sysctl_write_maybe_valid(buf, len) : proc_write_valid(buf, len)) {
			skipped++;
			continue;
		}
		/*
		 * The sysctl parses from the file position: write each at 0.
		 * The /proc file has no position (pwrite() is -ESPIPE).
		 */
		ret = f ? pwrite(fd[f], buf, len, 0) : write(fd[f], buf, len);
		sent[f]++;
		ASSERT_EQ(-1, ret) TH_LOG("write #%u of %zu bytes to %s returned %zd",
					  i, len, path[f], ret);
		ASSERT_EQ(EINVAL, errno) TH_LOG("write #%u to %s", i, path[f]);
	}
	close(fd[0]);
	close(fd[1]);
	TH_LOG("%u writes to %s, %u to %s, %u valid ones not sent",
	       sent[0], PROC_FILE, sent[1], SYSCTL, skipped);
	/* Nothing changed: still on, and not reset while the fuzz ran. */
	EXPECT_EQ(1, sysctl_get());
	after = since_reset();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT_GE(after - before + 0.05, (t1.tv_sec - t0.tv_sec) +
		  (t1.tv_nsec - t0.tv_nsec) / 1e9);
}

/*
 * Threads of one process blocking and unblocking signals all take the
 * process's sighand->siglock: a kernel spinlock hammered from user space.
 */
/* Where the spin_lock_irq() call is: sigprocmask() inlines a copy. */
#define SIGLOCK_SITES "__set_current_blocked sigprocmask"
#define MAX_THREADS 8

static atomic_int stop;

static void *sigmask_loop(void *arg)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	while (!stop) {
		pthread_sigmask(SIG_BLOCK, &set, NULL);
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	}
	return NULL;
}

/* Run the siglock load on every CPU (at most 8) for @secs; 0 on success. */
static int siglock_load(unsigned int secs)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), i, started;
	pthread_t th[MAX_THREADS];

	if (ncpu > MAX_THREADS)
		ncpu = MAX_THREADS;
	stop = 0;
	for (started = 0; started < ncpu; started++)
		if (pthread_create(&th[started], NULL, sigmask_loop, NULL))
			break;
	sleep(secs);
	stop = 1;
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	return started == ncpu ? 0 : -1;
}

/* Contentions recorded at the siglock sites; the text goes to *@text. */
static long siglock_contentions(char **text)
{
	char *s = read_all(PROC_FILE);
	long con = s ? column_at(s, "spin", 1, SIGLOCK_SITES) : -1;

	if (text)
		*text = s;
	else
		free(s);
	return con;
}

TEST_F(lsl, reset_clears)
{
	int i;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs");
	/*
	 * vCPUs that take turns (single-threaded TCG) may not overlap in the
	 * siglock for a while: load until there is something to clear.
	 */
	for (i = 0; i < 5 && siglock_contentions(NULL) <= 0; i++)
		ASSERT_EQ(0, siglock_load(1));
	ASSERT_GT(siglock_contentions(NULL), 0);
	ASSERT_GT(since_reset(), 0.5);
	ASSERT_EQ(2, write_str(PROC_FILE, "0\n", 2));
	EXPECT_EQ(0, siglock_contentions(NULL));
	EXPECT_LT(since_reset(), 0.5);
	ASSERT_EQ(1, write_str(PROC_FILE, "0", 1));
}

TEST_F(lsl, user_space_contention_at_call_site)
{
	char *s;
	long con;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs");
	ASSERT_EQ(2, write_str(PROC_FILE, "0\n", 2));
	ASSERT_EQ(0, siglock_load(3));
	con = siglock_contentions(&s);
	ASSERT_NE(NULL, s);
	TH_LOG("siglock contentions at " SIGLOCK_SITES ": %ld", con);
	EXPECT_GT(con, 0) {
		fputs(s, stderr);
	}
	free(s);

	/* Off: the same load records nothing. */
	ASSERT_EQ(2, write_str(SYSCTL, "0\n", 2));
	ASSERT_EQ(2, write_str(PROC_FILE, "0\n", 2));
	ASSERT_EQ(0, siglock_load(1));
	EXPECT_EQ(0, siglock_contentions(NULL));
}

/*
 * The tracepoint alone: with the statistics off, enabling the event turns
 * the hooks on by itself, and the event has the format we document.
 */
#define EVENT_DIR	"/sys/kernel/tracing/events/lock/contended_release"

TEST_F(lsl, contended_release_event_alone)
{
	char *fmt, *trace = NULL;
	int i;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs");
	fmt = read_all(EVENT_DIR "/format");
	ASSERT_NE(NULL, fmt) TH_LOG("no %s (tracefs not mounted?)", EVENT_DIR);
	EXPECT_NE(NULL, strstr(fmt, "name: contended_release\n"));
	EXPECT_NE(NULL, strstr(fmt, "\tfield:void * lock_addr;\toffset:8;\tsize:8;\tsigned:0;\n"))
		TH_LOG("%s", fmt);
	EXPECT_NE(NULL, strstr(fmt, "print fmt: \"%p\", REC->lock_addr\n")) TH_LOG("%s", fmt);
	free(fmt);

	ASSERT_EQ(2, write_str(SYSCTL, "0\n", 2));
	ASSERT_EQ(2, write_str(PROC_FILE, "0\n", 2));
	ASSERT_EQ(2, write_str("/sys/kernel/tracing/tracing_on", "1\n", 2));
	ASSERT_EQ(2, write_str(EVENT_DIR "/enable", "1\n", 2));
	/*
	 * A test-and-set spinlock (paravirt) on vCPUs that take turns
	 * contends a few times a second, not thousands: load until the
	 * first event, for ten seconds at most.
	 */
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, siglock_load(1));
		trace = read_all("/sys/kernel/tracing/trace");
		ASSERT_NE(NULL, trace);
		if (strstr(trace, "contended_release: "))
			break;
		free(trace);
		trace = NULL;
	}
	ASSERT_EQ(2, write_str(EVENT_DIR "/enable", "0\n", 2));
	if (!trace)
		trace = read_all("/sys/kernel/tracing/trace");
	ASSERT_NE(NULL, trace);
	TH_LOG("first event after %d s of load", i + 1);
	EXPECT_NE(NULL, strstr(trace, "contended_release: ")) {
		fputs(trace, stderr);
	}
	free(trace);
	/* Nothing recorded: the statistics stayed off. */
	EXPECT_EQ(0, sysctl_get());
	EXPECT_EQ(0, siglock_contentions(NULL));
}

/*
 * mmap_lock and the per-VMA lock: threads fault pages in (and drop them
 * with madvise(), which takes mmap_lock for reading) while another thread
 * splits and merges the same VMA with mprotect(), which takes mmap_lock
 * for writing and write-locks the VMA.
 */
#define FAULT_PAGES	4
#define PROT_PAGES	16
#define MPROTECT_SITE	"do_mprotect_pkey"
#define READ_SITES	"lock_mm_and_find_vma do_madvise"
#define VMA_WRITE_SITES	"mprotect_fixup __split_vma vma_merge_existing_range vma_modify"
#define VMA_HELPERS	"vma_start_write __vma_start_write"

static long page_size;

static void *fault_loop(void *arg)
{
	char *p = arg;
	int i;

	while (!stop) {
		madvise(p, FAULT_PAGES * page_size, MADV_DONTNEED);
		for (i = 0; i < FAULT_PAGES; i++)
			p[i * page_size] = 1;
	}
	return NULL;
}

static void *mprotect_loop(void *arg)
{
	char *p = arg;

	while (!stop) {
		mprotect(p, PROT_PAGES * page_size, PROT_READ | PROT_WRITE | PROT_EXEC);
		mprotect(p, PROT_PAGES * page_size, PROT_READ | PROT_WRITE);
	}
	return NULL;
}

/*
 * Is there a who-blocked-whom line ("holder  <-  kind  waiter") whose
 * holder's site is in @holders and whose waiter is of @kind?
 */
static int pair_has(const char *text, const char *holders, const char *kind)
{
	const char *p = text;

	while ((p = strstr(p, "<-"))) {
		const char *bol = p, *eol = strchrnul(p, '\n');
		char left[512], right[16];

		while (bol > text && bol[-1] != '\n')
			bol--;
		snprintf(left, sizeof(left), "%.*s", (int)(p - bol), bol);
		if (sscanf(p, "<- %15s", right) == 1 && !strcmp(right, kind) &&
		    site_is(left, holders))
			return 1;
		p = eol;
	}
	return 0;
}

TEST_F(lsl, mmap_lock_contention)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), i, started = 0;
	pthread_t th[MAX_THREADS];
	long nthreads;
	char *map, *s;

	if (ncpu < 2)
		SKIP(return, "needs two CPUs");
	nthreads = ncpu > MAX_THREADS ? MAX_THREADS : ncpu;
	page_size = sysconf(_SC_PAGESIZE);
	map = mmap(NULL, (nthreads * FAULT_PAGES + PROT_PAGES) * page_size,
		   PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(2, write_str(PROC_FILE, "0\n", 2));
	stop = 0;
	if (!pthread_create(&th[started], NULL, mprotect_loop,
			    map + nthreads * FAULT_PAGES * page_size))
		started++;
	for (i = 1; i < nthreads; i++)
		if (!pthread_create(&th[started], NULL, fault_loop,
				    map + i * FAULT_PAGES * page_size))
			started++;
	sleep(3);
	stop = 1;
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	ASSERT_EQ(nthreads, started);

	s = read_all(PROC_FILE);
	ASSERT_NE(NULL, s);
	TH_LOG("rsem contentions at %s: %ld; wsem contended releases at %s: %ld",
	       READ_SITES, column_at(s, "rsem", 1, READ_SITES),
	       MPROTECT_SITE, column_at(s, "wsem", 7, MPROTECT_SITE));
	/* Readers of mmap_lock waited for the writer... */
	EXPECT_GT(column_at(s, "rsem", 1, READ_SITES), 0) {
		fputs(s, stderr);
	}
	/* ...the writer's site saw them at its releases... */
	EXPECT_GT(column_at(s, "wsem", 7, MPROTECT_SITE), 0) {
		fputs(s, stderr);
	}
	/* ...and who blocked whom links the two. */
	EXPECT_TRUE(pair_has(s, MPROTECT_SITE, "rsem")) {
		fputs(s, stderr);
	}
	/*
	 * The per-VMA lock's writers (the VMAs that mprotect() splits and
	 * merges) are recorded where they write-lock a VMA, not in the
	 * helper that takes the lock for every caller.  Sampled one in 64,
	 * so a row may or may not show up; if one does, it is a caller's.
	 */
	TH_LOG("wsem acquisitions at %s: %ld, at %s: %ld", VMA_WRITE_SITES,
	       column_at(s, "wsem", 6, VMA_WRITE_SITES), VMA_HELPERS,
	       column_at(s, "wsem", 6, VMA_HELPERS));
	EXPECT_EQ(0, column_at(s, "wsem", 6, VMA_HELPERS)) {
		fputs(s, stderr);
	}
	free(s);
	munmap(map, (nthreads * FAULT_PAGES + PROT_PAGES) * page_size);
}

TEST_HARNESS_MAIN
