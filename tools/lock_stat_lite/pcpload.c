// SPDX-License-Identifier: GPL-2.0
/*
 * pcpload: the two loads that make zone->lock contend in the page
 * allocator, with a fixed amount of work so that two kernels can be
 * compared run for run (make run SCENARIO=pcp-exits, pcp-remote).
 *
 *   pcpload exits ROUNDS PROCS MB THREADS
 *	each round, PROCS processes fault MB MiB of anonymous memory each,
 *	from THREADS threads, wait for each other and exit at once;
 *   pcpload remote REGIONS MB FAULTERS
 *	FAULTERS threads, each pinned to a CPU of its own, fault regions of
 *	MB MiB and hand them to one thread on another CPU, which unmaps
 *	them: pages allocated on some CPUs are freed on another;
 *   pcpload hold MB FILE
 *	fault MB MiB, each page filled with its own pattern, free every
 *	other page, create FILE and wait until it is removed; then check
 *	every page still held: owned pageblocks, half allocated, for
 *	compaction to work on (the guest check);
 *   pcpload time COMMAND [ARGS...]
 *	run COMMAND and report its time.
 *
 * Each prints "pcpload: elapsed_ns=N" (CLOCK_MONOTONIC: under QEMU's
 * -icount shift=0, instructions of all vCPUs) and exits non-zero on any
 * failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long page_size;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "pcpload: %s: %s\n", what, strerror(errno));
	exit(1);
}

static char *fault_region(size_t bytes)
{
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t off;

	if (p == MAP_FAILED)
		die("mmap");
	/* Base pages only: a THP would take a whole block from the zone. */
	madvise(p, bytes, MADV_NOHUGEPAGE);
	for (off = 0; off < bytes; off += page_size)
		p[off] = 1;
	return p;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % CPU_SETSIZE, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

/* ---------------------------------------------------------------- exits */

static size_t thread_bytes;

static void *exits_thread(void *arg)
{
	(void)arg;
	fault_region(thread_bytes);
	return NULL;
}

static int exits(int rounds, int procs, long mb, int threads)
{
	int r, p, t, status, fail = 0;

	thread_bytes = (size_t)mb * 1024 * 1024 / threads;
	for (r = 0; r < rounds; r++) {
		int ready[2], go[2];
		char c;

		if (pipe(ready) || pipe(go))
			die("pipe");
		for (p = 0; p < procs; p++) {
			pid_t pid = fork();

			if (pid < 0)
				die("fork");
			if (pid == 0) {
				pthread_t tid[64];

				close(ready[0]);
				close(go[1]);
				for (t = 0; t < threads && t < 64; t++)
					if (pthread_create(&tid[t], NULL, exits_thread, NULL))
						_exit(2);
				for (t = 0; t < threads && t < 64; t++)
					pthread_join(tid[t], NULL);
				if (write(ready[1], "r", 1) != 1)
					_exit(2);
				/* Everyone exits when the parent closes go. */
				while (read(go[0], &c, 1) > 0)
					;
				_exit(0);
			}
		}
		close(ready[1]);
		close(go[0]);
		for (p = 0; p < procs; p++)
			if (read(ready[0], &c, 1) != 1)
				die("a child died before it was ready");
		close(go[1]);
		for (p = 0; p < procs; p++) {
			if (wait(&status) < 0)
				die("wait");
			if (!WIFEXITED(status) || WEXITSTATUS(status))
				fail = 1;
		}
		close(ready[0]);
	}
	return fail;
}

/* --------------------------------------------------------------- remote */

#define QLEN 8

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char *q[QLEN];
	int head, tail, left;
} rq = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static size_t region_bytes;
static int regions_left;

static void *faulter(void *arg)
{
	pin((long)arg);
	for (;;) {
		char *p;

		pthread_mutex_lock(&rq.lock);
		if (regions_left == 0) {
			pthread_mutex_unlock(&rq.lock);
			return NULL;
		}
		regions_left--;
		pthread_mutex_unlock(&rq.lock);

		p = fault_region(region_bytes);
		pthread_mutex_lock(&rq.lock);
		while (rq.tail - rq.head == QLEN)
			pthread_cond_wait(&rq.cond, &rq.lock);
		rq.q[rq.tail++ % QLEN] = p;
		pthread_cond_broadcast(&rq.cond);
		pthread_mutex_unlock(&rq.lock);
	}
}

static int remote_load(int regions, long mb, int faulters)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t tid[64];
	int i;

	if (faulters < 1 || faulters > 64 || faulters >= cpus) {
		fprintf(stderr, "pcpload: remote needs 1 to %ld faulters\n", cpus - 1);
		return 1;
	}
	region_bytes = (size_t)mb * 1024 * 1024;
	regions_left = regions;
	rq.left = regions;
	for (i = 0; i < faulters; i++)
		if (pthread_create(&tid[i], NULL, faulter, (void *)(long)i))
			die("pthread_create");
	/* The purger: the last CPU, which no faulter runs on. */
	pin(cpus - 1);
	while (rq.left) {
		char *p;

		pthread_mutex_lock(&rq.lock);
		while (rq.tail == rq.head)
			pthread_cond_wait(&rq.cond, &rq.lock);
		p = rq.q[rq.head++ % QLEN];
		rq.left--;
		pthread_cond_broadcast(&rq.cond);
		pthread_mutex_unlock(&rq.lock);
		if (munmap(p, region_bytes))
			die("munmap");
	}
	for (i = 0; i < faulters; i++)
		pthread_join(tid[i], NULL);
	return 0;
}

/* ----------------------------------------------------------------- hold */

static int hold(long mb, const char *file)
{
	size_t bytes = (size_t)mb * 1024 * 1024, off;
	char *p = fault_region(bytes);
	long bad = 0;
	FILE *f;

	for (off = 0; off < bytes; off += page_size)
		memset(p + off, (int)(off / page_size) | 1, page_size);
	/* The odd pages go back to the owners' lists, the even ones stay. */
	for (off = page_size; off < bytes; off += 2 * page_size)
		if (madvise(p + off, page_size, MADV_DONTNEED))
			die("madvise");
	f = fopen(file, "w");
	if (!f || fclose(f))
		die(file);
	while (!access(file, F_OK))
		usleep(10000);
	for (off = 0; off < bytes; off += 2 * page_size) {
		unsigned char want = (unsigned char)((off / page_size) | 1);
		size_t i;

		for (i = 0; i < (size_t)page_size; i++)
			if ((unsigned char)p[off + i] != want) {
				bad++;
				break;
			}
	}
	if (bad)
		fprintf(stderr, "pcpload: %ld held pages changed\n", bad);
	return bad != 0;
}

static int run(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	return !WIFEXITED(status) || WEXITSTATUS(status);
}

static int show_usage(void)
{
	fprintf(stderr,
		"usage: pcpload exits ROUNDS PROCS MB THREADS\n"
		"       pcpload remote REGIONS MB FAULTERS\n"
		"       pcpload hold MB FILE\n"
		"       pcpload time COMMAND [ARGS...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long long t0;
	int rc;

	page_size = sysconf(_SC_PAGESIZE);
	if (argc < 3)
		return show_usage();
	t0 = now_ns();
	if (!strcmp(argv[1], "exits") && argc == 6)
		rc = exits(atoi(argv[2]), atoi(argv[3]), atol(argv[4]), atoi(argv[5]));
	else if (!strcmp(argv[1], "remote") && argc == 5)
		rc = remote_load(atoi(argv[2]), atol(argv[3]), atoi(argv[4]));
	else if (!strcmp(argv[1], "hold") && argc == 4)
		rc = hold(atol(argv[2]), argv[3]);
	else if (!strcmp(argv[1], "time"))
		rc = run(argv + 2);
	else
		return show_usage();
	printf("pcpload: elapsed_ns=%llu%s\n", now_ns() - t0, rc ? " FAILED" : "");
	return rc;
}
