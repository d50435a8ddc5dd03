// SPDX-License-Identifier: GPL-2.0
/*
 * Lock fast-path microbenchmarks, to compare kernels built with and without
 * lock_stat_lite (and with LOCK_STAT) side by side.  Loading the module runs
 * every benchmark once and prints one line per result:
 *
 *   lsl_bench: <name> <unit> median=<v> min=<v> max=<v> reps=<n>
 *
 * Uncontended pairs are timed in a kthread bound to one CPU, in ns per
 * lock/unlock pair (two decimals); empty_loop is the same loop with no
 * lock, for the harness to subtract.  Booted under QEMU's -icount
 * shift=0 with a 1 GHz TSC, a guest ns is one executed instruction, so
 * the figures are instruction counts and repeat exactly.  Contended throughput runs one kthread
 * per CPU on one spinlock and reports lock/unlock pairs per second.  The
 * module does not depend on CONFIG_LOCK_STAT_LITE, so that the same code
 * runs on every variant.
 */

#define pr_fmt(fmt) "lsl_bench: " fmt

#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/spinlock.h>
#include <linux/rwlock.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/sort.h>
#include <linux/slab.h>
#include <linux/sched/clock.h>
#include <linux/cpumask.h>

static unsigned int iters = 100000;
module_param(iters, uint, 0444);
MODULE_PARM_DESC(iters, "lock/unlock pairs per timed repetition");

static unsigned int reps = 11;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "repetitions of each benchmark (the median is reported)");

static unsigned int duration_ms = 200;
module_param(duration_ms, uint, 0444);
MODULE_PARM_DESC(duration_ms, "length of one contended repetition");

#define MAX_REPS	101
#define MAX_THREADS	8

static DEFINE_SPINLOCK(bench_spin);
static DEFINE_RWLOCK(bench_rwlock);
static DEFINE_MUTEX(bench_mutex);
static DECLARE_RWSEM(bench_rwsem);

/* --------------------------------------------------------- uncontended */

/* Each loop is its own function, so each has one call site per lock call. */
#define DEFINE_PAIR_LOOP(name, lock_stmt, unlock_stmt)			\
static noinline void name(unsigned int n)				\
{									\
	unsigned long flags __maybe_unused;				\
	unsigned int i;							\
									\
	for (i = 0; i < n; i++) {					\
		lock_stmt;						\
		unlock_stmt;						\
	}								\
}

/* Inlined, so the trylock's call site is the loop's, as for the others. */
static __always_inline void trylock_unlock(spinlock_t *lock)
{
	if (spin_trylock(lock))
		spin_unlock(lock);
}

DEFINE_PAIR_LOOP(loop_empty, barrier(), barrier())
DEFINE_PAIR_LOOP(loop_spin, spin_lock(&bench_spin), spin_unlock(&bench_spin))
DEFINE_PAIR_LOOP(loop_spin_irqsave, spin_lock_irqsave(&bench_spin, flags),
		 spin_unlock_irqrestore(&bench_spin, flags))
DEFINE_PAIR_LOOP(loop_spin_irq, spin_lock_irq(&bench_spin),
		 spin_unlock_irq(&bench_spin))
DEFINE_PAIR_LOOP(loop_spin_bh, spin_lock_bh(&bench_spin),
		 spin_unlock_bh(&bench_spin))
DEFINE_PAIR_LOOP(loop_trylock, trylock_unlock(&bench_spin), barrier())
DEFINE_PAIR_LOOP(loop_read, read_lock(&bench_rwlock), read_unlock(&bench_rwlock))
DEFINE_PAIR_LOOP(loop_write, write_lock(&bench_rwlock), write_unlock(&bench_rwlock))
DEFINE_PAIR_LOOP(loop_mutex, mutex_lock(&bench_mutex), mutex_unlock(&bench_mutex))
DEFINE_PAIR_LOOP(loop_rsem, down_read(&bench_rwsem), up_read(&bench_rwsem))
DEFINE_PAIR_LOOP(loop_wsem, down_write(&bench_rwsem), up_write(&bench_rwsem))

static const struct {
	const char	*name;
	void		(*loop)(unsigned int n);
} pairs[] = {
	{ "empty_loop",		loop_empty },
	{ "spin_pair",		loop_spin },
	{ "spin_irqsave_pair",	loop_spin_irqsave },
	{ "spin_irq_pair",	loop_spin_irq },
	{ "spin_bh_pair",	loop_spin_bh },
	{ "trylock_pair",	loop_trylock },
	{ "read_pair",		loop_read },
	{ "write_pair",		loop_write },
	{ "mutex_pair",		loop_mutex },
	{ "rwsem_read_pair",	loop_rsem },
	{ "rwsem_write_pair",	loop_wsem },
};

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Sort the @n results in @v and print their median, min and max; with
 * @hundredths they are in hundredths of @unit.
 */
static void report(const char *name, const char *unit, u64 *v, unsigned int n,
		   bool hundredths)
{
	u64 med, lo, hi;

	sort(v, n, sizeof(*v), cmp_u64, NULL);
	med = v[n / 2];
	lo = v[0];
	hi = v[n - 1];
	if (hundredths)
		pr_info("%s %s median=%llu.%02llu min=%llu.%02llu max=%llu.%02llu reps=%u\n",
			name, unit, med / 100, med % 100, lo / 100, lo % 100,
			hi / 100, hi % 100, n);
	else
		pr_info("%s %s median=%llu min=%llu max=%llu reps=%u\n",
			name, unit, med, lo, hi, n);
}

static int uncontended_fn(void *arg)
{
	struct completion *done = arg;
	u64 *v = kcalloc(reps, sizeof(*v), GFP_KERNEL);
	unsigned int p, r;

	if (!v)
		goto out;
	for (p = 0; p < ARRAY_SIZE(pairs); p++) {
		/* Warm up caches, branch predictors and the site tables. */
		pairs[p].loop(iters / 10 + 1);
		for (r = 0; r < reps; r++) {
			u64 t0 = local_clock();

			pairs[p].loop(iters);
			/* Hundredths of a ns per pair. */
			v[r] = div_u64((local_clock() - t0) * 100, iters);
			cond_resched();
		}
		report(pairs[p].name, "ns", v, reps, true);
	}
	kfree(v);
out:
	complete(done);
	return 0;
}

/* ----------------------------------------------------------- contended */

struct contended {
	atomic_t		ready;
	struct completion	go;
	struct completion	done;
	bool			stop;
	u64			ops[MAX_THREADS];
};

static int contended_fn(void *arg)
{
	struct contended *c = arg;
	int me = atomic_inc_return(&c->ready) - 1;
	u64 n = 0;

	wait_for_completion(&c->go);
	while (!READ_ONCE(c->stop)) {
		spin_lock(&bench_spin);
		n++;
		spin_unlock(&bench_spin);
		/* A vCPU spinning forever can starve the others' wakeups. */
		if (!(n & 1023))
			cond_resched();
	}
	c->ops[me] = n;
	complete(&c->done);
	return 0;
}

static void run_contended(unsigned int nthreads)
{
	struct contended *c = kzalloc(sizeof(*c), GFP_KERNEL);
	u64 *v = kcalloc(reps, sizeof(*v), GFP_KERNEL);
	char name[32];
	unsigned int r, t;
	int cpu;

	if (!c || !v)
		goto out;
	for (r = 0; r < reps; r++) {
		memset(c, 0, sizeof(*c));
		init_completion(&c->go);
		init_completion(&c->done);
		t = 0;
		for_each_online_cpu(cpu) {
			struct task_struct *k;

			if (t == nthreads)
				break;
			k = kthread_create(contended_fn, c, "lsl_bench/%u", t);
			if (IS_ERR(k))
				break;
			kthread_bind(k, cpu);
			wake_up_process(k);
			t++;
		}
		complete_all(&c->go);
		msleep(duration_ms);
		WRITE_ONCE(c->stop, true);
		while (t--)
			wait_for_completion(&c->done);
		for (t = 0; t < nthreads; t++)
			v[r] += c->ops[t];
		v[r] = div_u64(v[r] * MSEC_PER_SEC, duration_ms);
	}
	snprintf(name, sizeof(name), "spin_contended_%ut", nthreads);
	report(name, "ops/s", v, reps, false);
out:
	kfree(v);
	kfree(c);
}

static int __init lsl_bench_init(void)
{
	struct completion done;
	struct task_struct *k;
	unsigned int n;

	if (!reps || reps > MAX_REPS || !iters || !duration_ms)
		return -EINVAL;
	init_completion(&done);
	/* Away from CPU 0, which takes most of the guest's interrupts. */
	k = kthread_create(uncontended_fn, &done, "lsl_bench");
	if (IS_ERR(k))
		return PTR_ERR(k);
	kthread_bind(k, cpumask_last(cpu_online_mask));
	wake_up_process(k);
	wait_for_completion(&done);
	for (n = 2; n <= min_t(unsigned int, num_online_cpus(), 4); n *= 2)
		run_contended(n);
	pr_info("done\n");
	return 0;
}

static void __exit lsl_bench_exit(void)
{
}

module_init(lsl_bench_init);
module_exit(lsl_bench_exit);

MODULE_DESCRIPTION("Lock fast-path microbenchmarks for lock_stat_lite");
MODULE_LICENSE("GPL");
