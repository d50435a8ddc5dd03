// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for lock_stat_lite: kthreads on two CPUs contend on real
 * locks at known call sites, and the tests check what the core recorded
 * for those sites.
 *
 * Each site is a noinline function of its own, so that
 * lock_stat_lite_func_stats() can find its call sites by function.
 */

#include <kunit/test.h>
#include <linux/lock_stat_lite.h>
#include <linux/spinlock.h>
#include <linux/rwlock.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/cpumask.h>
#include <linux/tracepoint.h>
#include <linux/sched/clock.h>
#include <linux/sched/task.h>
#include <linux/sched/signal.h>
#include <linux/irq_work.h>
#include <linux/timer.h>
#include <linux/kallsyms.h>
#include <linux/timekeeping.h>
#include <linux/clocksource_ids.h>
#include <linux/string.h>
#include <trace/events/lock.h>
#ifdef CONFIG_X86_LOCAL_APIC
#include <linux/random.h>
#include <asm/apic.h>
#include <asm/nmi.h>
#endif

#include "lock_stat_lite_internals.h"

#define HOLD_MS		20
#define ROUNDS		5
/*
 * mdelay() and local_clock() read the TSC through different calibrations
 * until the TSC is refined after boot: allow 10% between them.
 */
#define HOLD_NS_MIN	(HOLD_MS * NSEC_PER_MSEC * 9 / 10)

static DEFINE_SPINLOCK(test_lock);
static DEFINE_RWLOCK(test_rwlock);
static DEFINE_MUTEX(test_mutex);
static DECLARE_RWSEM(test_rwsem);

/* ------------------------------------------------------------ harness */

enum waiter_op {
	W_SPIN, W_SPIN_IRQSAVE, W_SPIN_OOO, W_SPIN_IRQS, W_TRYLOCK, W_READ, W_WRITE,
	W_MUTEX, W_MUTEX_TRYLOCK, W_RSEM, W_WSEM, W_RSEM_TRYLOCK,
};

struct contend {
	void			*lock;
	enum waiter_op		op;
	bool			holder_reads;
	bool			holder_busy;
	int			rounds;
	struct completion	held;
	struct completion	done;
	struct completion	waited;
	bool			tried;	/* the waiter's trylock has run */
	int			trylock_failures;
	/*
	 * The waiter's longest lock call, by its own clock: a bound on any
	 * wait recorded for it that holds however the host schedules the
	 * vCPUs, where a multiple of HOLD_MS does not.
	 */
	u64			wait_bracket;
};

static bool mutex_waiters(struct mutex *m)
{
#ifdef CONFIG_MUTEX_SPIN_ON_OWNER
	/* A spinner on a busy owner is not on the wait list. */
	if (osq_is_locked(&m->osq))
		return true;
#endif
	return !list_empty(&m->wait_list);
}

static bool rwsem_waiters(struct rw_semaphore *sem)
{
#ifdef CONFIG_RWSEM_SPIN_ON_OWNER
	if (osq_is_locked(&sem->osq))
		return true;
#endif
	return rwsem_is_contended(sem);
}

static bool spin_waiter_shows(spinlock_t *l)
{
	if (lock_stat_lite_test_spin_tas())
		return lock_stat_lite_test_marked(l);
	return spin_is_contended(l);
}

/*
 * Whether the waiter of @c can be seen waiting.  A queued spinlock's
 * waiter shows in the lock word; virt_spin_lock()'s test-and-set loop
 * leaves no trace there, but its waiter marks the holder's entry first.
 * A queued reader or writer of an rwlock spins holding its wait_lock.
 */
static bool waiter_shows(struct contend *c)
{
	switch (c->op) {
	case W_TRYLOCK:
	case W_MUTEX_TRYLOCK:
	case W_RSEM_TRYLOCK:
		return READ_ONCE(c->tried);
	case W_READ:
	case W_WRITE:
		return arch_spin_is_locked(&((rwlock_t *)c->lock)->raw_lock.wait_lock);
	case W_MUTEX:
		return mutex_waiters(c->lock);
	case W_RSEM:
	case W_WSEM:
		return rwsem_waiters(c->lock);
	default:
		return spin_waiter_shows(c->lock);
	}
}

/*
 * Called with the lock held and @c->held signalled: the hold that a test
 * measures starts once the waiter waits.  Without this, a host that
 * deschedules QEMU for longer than HOLD_MS (the guest's clock is the
 * host's) ends the hold before the waiter's vCPU has run at all.  A
 * sleeping holder sleeps meanwhile, so that its waiter sleeps too instead
 * of spinning on a running owner; a busy one stays on its CPU.  After a
 * second the hold goes on regardless, and the test's counts say why.
 */
static void wait_for_waiter(struct contend *c, bool sleeps)
{
	u64 end = local_clock() + NSEC_PER_SEC;

	while (!waiter_shows(c) && local_clock() < end) {
		if (sleeps)
			usleep_range(100, 200);
		else
			cpu_relax();
	}
}

/* --------------------------------------------------------------- sites */

/*
 * Takes the lock of @c, signals @c->held, and keeps the lock for HOLD_MS
 * once the waiter waits.
 */
#define DEFINE_HOLD_SITE(name, lock_ptr, lock_fn, unlock_fn, delay, sleeps)	\
static noinline void name(struct contend *c)				\
{									\
	lock_ptr l = c->lock;						\
									\
	lock_fn(l);							\
	complete(&c->held);						\
	wait_for_waiter(c, sleeps);					\
	delay(HOLD_MS);							\
	unlock_fn(l);							\
}

/* Takes @l, waiting if another CPU holds it, and drops it at once. */
#define DEFINE_WAIT_SITE(name, lock_ptr, lock, unlock)			\
static noinline void name(lock_ptr l)					\
{									\
	lock(l);							\
	unlock(l);							\
}

DEFINE_HOLD_SITE(site_spin_hold, spinlock_t *, spin_lock, spin_unlock, mdelay, false)
DEFINE_HOLD_SITE(site_write_hold, rwlock_t *, write_lock, write_unlock, mdelay, false)
DEFINE_HOLD_SITE(site_read_hold, rwlock_t *, read_lock, read_unlock, mdelay, false)
/* Sleeping locks are held asleep, so that their waiters sleep too. */
DEFINE_HOLD_SITE(site_mutex_hold, struct mutex *, mutex_lock, mutex_unlock, msleep, true)
DEFINE_HOLD_SITE(site_wsem_hold, struct rw_semaphore *, down_write, up_write, msleep, true)
DEFINE_HOLD_SITE(site_rsem_hold, struct rw_semaphore *, down_read, up_read, msleep, true)
/* Held on the CPU, so that a waiter spins on the owner instead of sleeping. */
DEFINE_HOLD_SITE(site_mutex_busy_hold, struct mutex *, mutex_lock, mutex_unlock, mdelay,
		 false)
DEFINE_WAIT_SITE(site_spin_wait, spinlock_t *, spin_lock, spin_unlock)
DEFINE_WAIT_SITE(site_spin_uncontended, spinlock_t *, spin_lock, spin_unlock)
DEFINE_WAIT_SITE(site_read_wait, rwlock_t *, read_lock, read_unlock)
DEFINE_WAIT_SITE(site_write_wait, rwlock_t *, write_lock, write_unlock)
DEFINE_WAIT_SITE(site_mutex_wait, struct mutex *, mutex_lock, mutex_unlock)
DEFINE_WAIT_SITE(site_rsem_wait, struct rw_semaphore *, down_read, up_read)
DEFINE_WAIT_SITE(site_wsem_wait, struct rw_semaphore *, down_write, up_write)

static noinline bool site_mutex_trylock(struct mutex *l)
{
	if (!mutex_trylock(l))
		return false;
	mutex_unlock(l);
	return true;
}

/* As vma_start_read() tries the per-VMA lock. */
static noinline bool site_rsem_trylock(struct rw_semaphore *l)
{
	if (!down_read_trylock(l))
		return false;
	up_read(l);
	return true;
}

/* Released through _raw_spin_unlock_irqrestore(), with the waiter queued. */
static noinline void site_spin_irqsave_hold(struct contend *c)
{
	spinlock_t *l = c->lock;
	unsigned long flags;

	spin_lock_irqsave(l, flags);
	complete(&c->held);
	wait_for_waiter(c, false);
	mdelay(HOLD_MS);
	spin_unlock_irqrestore(l, flags);
}

static noinline void site_spin_irqsave_wait(spinlock_t *l)
{
	unsigned long flags;

	spin_lock_irqsave(l, flags);
	spin_unlock_irqrestore(l, flags);
}

static noinline bool site_spin_trylock(spinlock_t *l)
{
	/*
	 * _raw_spin_trylock() is what spin_trylock() calls.  Called directly
	 * with the acquire marked by hand, sparse does not see the ternary
	 * of __cond_lock(), which it cannot merge.
	 */
	if (!_raw_spin_trylock(&l->rlock))
		return false;
	__acquire(&l->rlock);
	spin_unlock(l);
	return true;
}

/*
 * Two locks released out of order: the outer one, which the waiter wants,
 * first.  Each taken in a function of its own, so that each has one site.
 */
static DEFINE_SPINLOCK(ooo_inner_lock);

static noinline void site_spin_ooo_inner(void)
	__acquires(ooo_inner_lock)
{
	spin_lock(&ooo_inner_lock);
	/* Not a tail call: the site is here, not in the caller. */
	barrier();
}

static noinline void site_spin_ooo_hold(struct contend *c)
{
	spinlock_t *l = c->lock;

	spin_lock(l);
	site_spin_ooo_inner();
	complete(&c->held);
	wait_for_waiter(c, false);
	mdelay(HOLD_MS);
	spin_unlock(l);
	spin_unlock(&ooo_inner_lock);
}

/*
 * Locks taken in hardirq (irq_work) and softirq (a timer) context on the
 * CPU of a task-level hold, while it is open: they push above its entry,
 * and pop back down to it.
 */
static DEFINE_SPINLOCK(hardirq_lock);
static DEFINE_SPINLOCK(softirq_lock);
static atomic_t hardirq_runs, softirq_runs;

static noinline void site_spin_in_hardirq(void)
{
	spin_lock(&hardirq_lock);
	spin_unlock(&hardirq_lock);
}

static noinline void site_spin_in_softirq(void)
{
	spin_lock(&softirq_lock);
	spin_unlock(&softirq_lock);
}

static void hardirq_fn(struct irq_work *work)
{
	site_spin_in_hardirq();
	atomic_inc(&hardirq_runs);
}

static void softirq_fn(struct timer_list *timer)
{
	site_spin_in_softirq();
	atomic_inc(&softirq_runs);
}

static DEFINE_IRQ_WORK(hardirq_work, hardirq_fn);

static noinline void site_spin_irqs_hold(struct contend *c)
{
	spinlock_t *l = c->lock;
	struct timer_list timer;
	int i;

	timer_setup_on_stack(&timer, softirq_fn, 0);
	spin_lock(l);
	complete(&c->held);
	wait_for_waiter(c, false);
	for (i = 0; i < HOLD_MS; i++) {
		irq_work_queue(&hardirq_work);
		if (!timer_pending(&timer))
			mod_timer(&timer, jiffies);
		mdelay(1);
	}
	spin_unlock(l);
	irq_work_sync(&hardirq_work);
	del_timer_sync(&timer);
	destroy_timer_on_stack(&timer);
}

static int holder_fn(void *arg)
{
	struct contend *c = arg;
	int i;

	for (i = 0; i < c->rounds; i++) {
		reinit_completion(&c->waited);
		/* Before @c->held, which orders it before the waiter's try. */
		WRITE_ONCE(c->tried, false);
		switch (c->op) {
		case W_READ:
		case W_WRITE:
			if (c->holder_reads)
				site_read_hold(c);
			else
				site_write_hold(c);
			break;
		case W_MUTEX:
		case W_MUTEX_TRYLOCK:
			if (c->holder_busy)
				site_mutex_busy_hold(c);
			else
				site_mutex_hold(c);
			break;
		case W_RSEM:
		case W_WSEM:
		case W_RSEM_TRYLOCK:
			if (c->holder_reads)
				site_rsem_hold(c);
			else
				site_wsem_hold(c);
			break;
		case W_SPIN_IRQSAVE:
			site_spin_irqsave_hold(c);
			break;
		case W_SPIN_OOO:
			site_spin_ooo_hold(c);
			break;
		case W_SPIN_IRQS:
			site_spin_irqs_hold(c);
			break;
		default:
			site_spin_hold(c);
		}
		/* Sleep, never spin, while the waiter catches up. */
		wait_for_completion(&c->waited);
	}
	complete(&c->done);
	return 0;
}

static int waiter_fn(void *arg)
{
	struct contend *c = arg;
	int i;

	for (i = 0; i < c->rounds; i++) {
		u64 t0;

		wait_for_completion(&c->held);
		t0 = local_clock();
		switch (c->op) {
		case W_SPIN:
		case W_SPIN_OOO:
		case W_SPIN_IRQS:
			site_spin_wait(c->lock);
			break;
		case W_SPIN_IRQSAVE:
			site_spin_irqsave_wait(c->lock);
			break;
		case W_TRYLOCK:
			if (!site_spin_trylock(c->lock))
				c->trylock_failures++;
			break;
		case W_READ:
			site_read_wait(c->lock);
			break;
		case W_WRITE:
			site_write_wait(c->lock);
			break;
		case W_MUTEX:
			site_mutex_wait(c->lock);
			break;
		case W_MUTEX_TRYLOCK:
			if (!site_mutex_trylock(c->lock))
				c->trylock_failures++;
			break;
		case W_RSEM:
			site_rsem_wait(c->lock);
			break;
		case W_WSEM:
			site_wsem_wait(c->lock);
			break;
		case W_RSEM_TRYLOCK:
			if (!site_rsem_trylock(c->lock))
				c->trylock_failures++;
			break;
		}
		c->wait_bracket = max(c->wait_bracket, local_clock() - t0);
		WRITE_ONCE(c->tried, true);
		complete(&c->waited);
	}
	complete(&c->done);
	return 0;
}

/* Run the holder on one CPU and the waiter on another, @rounds times. */
static void contend(struct kunit *test, struct contend *c)
{
	struct task_struct *h, *w;
	int cpu0, cpu1;

	cpu0 = cpumask_first(cpu_online_mask);
	cpu1 = cpumask_next(cpu0, cpu_online_mask);
	if (cpu1 >= nr_cpu_ids)
		kunit_skip(test, "needs two online CPUs");
	init_completion(&c->held);
	init_completion(&c->done);
	init_completion(&c->waited);
	h = kthread_create(holder_fn, c, "lsl_holder");
	KUNIT_ASSERT_FALSE(test, IS_ERR(h));
	w = kthread_create(waiter_fn, c, "lsl_waiter");
	KUNIT_ASSERT_FALSE(test, IS_ERR(w));
	kthread_bind(h, cpu0);
	kthread_bind(w, cpu1);
	wake_up_process(w);
	wake_up_process(h);
	wait_for_completion(&c->done);
	wait_for_completion(&c->done);
}

/*
 * A recorded site must be the return address of the call to the lock
 * function, not an address somewhere in its caller: the instruction
 * before it is a call to a lock function of the right kind ("call rel32"
 * on x86, "bl" on arm64).
 */
static void expect_lock_call(struct kunit *test, unsigned long ip,
			     enum lock_stat_lite_kind kind)
{
#if defined(CONFIG_X86) || defined(CONFIG_ARM64)
	static const char *const callee[LSL_NR_KINDS] = {
		[LSL_SPIN] = "_raw_spin_", [LSL_READ] = "_raw_read_",
		[LSL_WRITE] = "_raw_write_", [LSL_MUTEX] = "mutex_",
		[LSL_RSEM] = "down_read", [LSL_WSEM] = "down_write",
	};
	char name[KSYM_SYMBOL_LEN];
	const char *fn;
	unsigned long target;

#ifdef CONFIG_X86
	KUNIT_ASSERT_EQ_MSG(test, *(u8 *)(ip - 5), 0xe8,
			    "%pS is not the return address of a call", (void *)ip);
	target = ip + *(s32 *)(ip - 4);
#else
	u32 insn = *(u32 *)(ip - 4);

	KUNIT_ASSERT_EQ_MSG(test, insn & 0xfc000000, 0x94000000,
			    "%pS is not the return address of a bl", (void *)ip);
	target = ip - 4 + (sign_extend64(insn & 0x03ffffff, 25) << 2);
#endif
	sprint_symbol_no_offset(name, target);
	/* Where the lock function is inlined, the call is to its twin. */
	fn = name;
	if (IS_ENABLED(CONFIG_LOCK_STAT_LITE_INLINE) && str_has_prefix(fn, "lsl"))
		fn += 3;
	KUNIT_EXPECT_TRUE_MSG(test, str_has_prefix(fn, callee[kind]),
			      "%pS returns from %s, not from a %s lock function",
			      (void *)ip, name, callee[kind]);
#endif
}

/* contend(), with every hold timed and every acquisition counted. */
static void contend_every_hold_sampled(struct kunit *test, struct contend *c)
{
	lock_stat_lite_test_sample(1);
	contend(test, c);
	lock_stat_lite_test_sample(0);
}

/*
 * The statistics of the one call site in @fn: every site function takes
 * its lock once, so a second site inside it would be a wrong return
 * address recorded for that call.
 */
static struct lock_stat_lite_stats stats(struct kunit *test, const void *fn,
					 enum lock_stat_lite_kind kind)
{
	struct lock_stat_lite_stats st;
	int n = lock_stat_lite_func_stats(fn, kind, &st);

	KUNIT_EXPECT_GE(test, n, 0);
	KUNIT_EXPECT_LE(test, n, 1);
	if (n == 1)
		expect_lock_call(test, lock_stat_lite_test_func_site(fn, kind), kind);
	return st;
}

static u64 pair_count(struct kunit *test, const void *holder, const void *waiter,
		      u64 *wait);

static int lsl_test_init(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, lock_stat_lite_set_enabled(true), 0);
	lock_stat_lite_reset();
	return 0;
}

static void lsl_test_exit(struct kunit *test)
{
	lock_stat_lite_reset();
}

/* -------------------------------------------------------------- cases */

/* The fields upstream gives a lock: the arch lock, then its debugging. */
struct upstream_lock_debug {
#ifdef CONFIG_DEBUG_SPINLOCK
	unsigned int		magic, owner_cpu;
	void			*owner;
#endif
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct lockdep_map	dep_map;
#endif
};

struct upstream_spinlock {
	arch_spinlock_t			raw_lock;
	struct upstream_lock_debug	debug;
};

struct upstream_rwlock {
	arch_rwlock_t			raw_lock;
	struct upstream_lock_debug	debug;
};

static void test_lock_sizes_unchanged(struct kunit *test)
{
	/* No byte is added to a lock, with or without lock debugging. */
	KUNIT_EXPECT_EQ(test, sizeof(raw_spinlock_t), sizeof(struct upstream_spinlock));
	KUNIT_EXPECT_EQ(test, sizeof(spinlock_t), sizeof(struct upstream_spinlock));
	KUNIT_EXPECT_EQ(test, sizeof(rwlock_t), sizeof(struct upstream_rwlock));
}

static void test_waiter_and_holder_sites(struct kunit *test)
{
	struct contend c = { .lock = &test_lock, .op = W_SPIN, .rounds = ROUNDS };
	struct lock_stat_lite_stats w, h;
	u64 hold_ns = HOLD_MS * NSEC_PER_MSEC;

	contend(test, &c);
	w = stats(test, site_spin_wait, LSL_SPIN);
	h = stats(test, site_spin_hold, LSL_SPIN);

	/* The waiter arrives while the lock is held: every round waits. */
	KUNIT_EXPECT_EQ(test, w.contentions, ROUNDS);
	/* It waits for most of the hold, and no longer than its lock call. */
	KUNIT_EXPECT_GE(test, w.wait_total, ROUNDS * hold_ns / 4);
	KUNIT_EXPECT_LE(test, w.wait_max, c.wait_bracket);
	KUNIT_EXPECT_EQ(test, w.contended_releases, 0);

	/* The holder's site gets the contended releases and their holds. */
	KUNIT_EXPECT_EQ(test, h.contentions, 0);
	KUNIT_EXPECT_EQ(test, h.contended_releases, ROUNDS);
	KUNIT_EXPECT_GE(test, h.chold_total, ROUNDS * HOLD_NS_MIN);
	KUNIT_EXPECT_GE(test, h.chold_max, HOLD_NS_MIN);
	/* ...and the waiting it caused, as the waiter measured it. */
	KUNIT_EXPECT_EQ(test, h.blocked, w.wait_total);
}

static void test_irqsave_variant(struct kunit *test)
{
	struct contend c = { .lock = &test_lock, .op = W_SPIN_IRQSAVE, .rounds = ROUNDS };
	struct lock_stat_lite_stats w, h;

	contend(test, &c);
	w = stats(test, site_spin_irqsave_wait, LSL_SPIN);
	h = stats(test, site_spin_irqsave_hold, LSL_SPIN);
	KUNIT_EXPECT_EQ(test, w.contentions, ROUNDS);
	KUNIT_EXPECT_GT(test, w.wait_total, 0);
	/* The holder's releases went through the irqrestore hook. */
	KUNIT_EXPECT_EQ(test, h.contended_releases, ROUNDS);
	KUNIT_EXPECT_EQ(test, h.blocked, w.wait_total);
	KUNIT_EXPECT_EQ(test, pair_count(test, site_spin_irqsave_hold,
					 site_spin_irqsave_wait, NULL), ROUNDS);
}

static void test_uncontended_site(struct kunit *test)
{
	struct lock_stat_lite_stats u;
	int i;

	for (i = 0; i < 10000; i++)
		site_spin_uncontended(&test_lock);
	u = stats(test, site_spin_uncontended, LSL_SPIN);
	KUNIT_EXPECT_EQ(test, u.contentions, 0);
	KUNIT_EXPECT_EQ(test, u.contended_releases, 0);
	KUNIT_EXPECT_EQ(test, u.wait_total, 0);
	/* Sampled and scaled: 10000 acquisitions, within a wide margin. */
	KUNIT_EXPECT_GE(test, u.acquisitions, 5000);
	KUNIT_EXPECT_LE(test, u.acquisitions, 20000);
	KUNIT_EXPECT_GT(test, u.holds_sampled, 0);
}

static void test_trylock_failed(struct kunit *test)
{
	struct contend c = { .lock = &test_lock, .op = W_TRYLOCK, .rounds = ROUNDS };
	struct lock_stat_lite_stats t;

	contend(test, &c);
	t = stats(test, site_spin_trylock, LSL_SPIN);
	KUNIT_EXPECT_EQ(test, c.trylock_failures, ROUNDS);
	KUNIT_EXPECT_EQ(test, t.trylock_failed, ROUNDS);
	KUNIT_EXPECT_EQ(test, t.contentions, 0);
}

static void test_rwlock_reader_waits_for_writer(struct kunit *test)
{
	struct contend c = { .lock = &test_rwlock, .op = W_READ, .rounds = ROUNDS };
	struct lock_stat_lite_stats r, h;

	contend(test, &c);
	r = stats(test, site_read_wait, LSL_READ);
	h = stats(test, site_write_hold, LSL_WRITE);
	KUNIT_EXPECT_EQ(test, r.contentions, ROUNDS);
	KUNIT_EXPECT_GT(test, r.wait_total, 0);
	KUNIT_EXPECT_EQ(test, h.contended_releases, ROUNDS);
	KUNIT_EXPECT_EQ(test, h.blocked, r.wait_total);
}

static void test_rwlock_writer_waits_for_reader(struct kunit *test)
{
	struct contend c = { .lock = &test_rwlock, .op = W_WRITE, .rounds = ROUNDS,
			     .holder_reads = true };
	struct lock_stat_lite_stats w, h;

	contend(test, &c);
	w = stats(test, site_write_wait, LSL_WRITE);
	h = stats(test, site_read_hold, LSL_READ);
	KUNIT_EXPECT_EQ(test, w.contentions, ROUNDS);
	KUNIT_EXPECT_EQ(test, h.contended_releases, ROUNDS);
	KUNIT_EXPECT_GE(test, h.chold_total, ROUNDS * HOLD_NS_MIN);
	/* The writer knows which reader it waited for, not just that it waited. */
	KUNIT_EXPECT_EQ(test, h.blocked, w.wait_total);
	KUNIT_EXPECT_EQ(test, pair_count(test, site_read_hold, site_write_wait, NULL),
			ROUNDS);
	KUNIT_EXPECT_EQ(test, pair_count(test, NULL, site_write_wait, NULL), 0);
}

static void test_reset_clears(struct kunit *test)
{
	struct contend c = { .lock = &test_lock, .op = W_SPIN, .rounds = 2 };
	struct lock_stat_lite_stats w;

	contend(test, &c);
	w = stats(test, site_spin_wait, LSL_SPIN);
	KUNIT_ASSERT_EQ(test, w.contentions, 2);
	lock_stat_lite_reset();
	w = stats(test, site_spin_wait, LSL_SPIN);
	KUNIT_EXPECT_EQ(test, w.contentions, 0);
	KUNIT_EXPECT_EQ(test, w.wait_total, 0);
	KUNIT_EXPECT_EQ(test, stats(test, site_spin_hold, LSL_SPIN).contended_releases, 0);
}

static void test_off_records_nothing(struct kunit *test)
{
	struct contend c = { .lock = &test_lock, .op = W_SPIN, .rounds = 2 };
	struct lock_stat_lite_stats w, h;
	int i;

	KUNIT_ASSERT_EQ(test, lock_stat_lite_set_enabled(false), 0);
	KUNIT_EXPECT_FALSE(test, lock_stat_lite_enabled());
	contend(test, &c);
	for (i = 0; i < 1000; i++)
		site_spin_uncontended(&test_lock);
	KUNIT_ASSERT_EQ(test, lock_stat_lite_set_enabled(true), 0);
	w = stats(test, site_spin_wait, LSL_SPIN);
	h = stats(test, site_spin_hold, LSL_SPIN);
	KUNIT_EXPECT_EQ(test, w.contentions, 0);
	KUNIT_EXPECT_EQ(test, h.contended_releases, 0);
	KUNIT_EXPECT_EQ(test, stats(test, site_spin_uncontended, LSL_SPIN).acquisitions, 0);
}

/*
 * A lock word that shows a waiter, so that a release that matched a held
 * entry would count as contended.  Only the hooks look at it; it is never
 * locked.
 */
static raw_spinlock_t toggle_lock = {
	.raw_lock = { .val = ATOMIC_INIT(_Q_PENDING_VAL) },
};

static noinline void site_toggle_first(void)
{
	lock_stat_lite_test_push(&toggle_lock, _THIS_IP_);
}

static void toggle_release(void)
{
	lock_stat_lite_test_pop(&toggle_lock);
}

struct toggle {
	struct kunit		*test;
	struct completion	done;
};

/*
 * Runs bound to one CPU, so that every step uses that CPU's task-level
 * stack.  A real lock cannot be held across the toggles: they sleep, and a
 * CPU spinning with a lock held would stall stop_machine() and RCU.
 */
static int toggle_fn(void *arg)
{
	struct toggle *t = arg;
	int i;

	for (i = 0; i < 10; i++) {
		/* Recorded while on; released while off: the entry stays. */
		site_toggle_first();
		KUNIT_EXPECT_EQ(t->test, lock_stat_lite_set_enabled(false), 0);
		toggle_release();
		/* On again: this release's acquisition was never recorded. */
		KUNIT_EXPECT_EQ(t->test, lock_stat_lite_set_enabled(true), 0);
		toggle_release();
	}
	complete(&t->done);
	return 0;
}

static void test_toggle_mid_hold(struct kunit *test)
{
	struct toggle t = { .test = test };
	struct lock_stat_lite_stats first;
	struct task_struct *k;

	init_completion(&t.done);
	k = kthread_create(toggle_fn, &t, "lsl_toggle");
	KUNIT_ASSERT_FALSE(test, IS_ERR(k));
	kthread_bind(k, cpumask_first(cpu_online_mask));
	wake_up_process(k);
	wait_for_completion(&t.done);
	/* Neither release may be charged to the first acquisition's site. */
	first = stats(test, site_toggle_first, LSL_SPIN);
	KUNIT_EXPECT_EQ(test, first.contended_releases, 0);
	KUNIT_EXPECT_EQ(test, first.holds_sampled, 0);
	KUNIT_EXPECT_EQ(test, first.hold_total, 0);
}

/*
 * The tables are filled through the real hooks: the KUnit guest boots with
 * lock_stat_lite_sites=256, so that a few hundred call sites overflow them.
 */
#define FULL_TABLE	256

/*
 * 2 * FULL_TABLE failed trylocks, each its own call site: the loop is
 * unrolled, and a partly unrolled one fails the test's count of sites.
 */
static noinline unsigned int site_many_trylocks(void)
{
	unsigned int fails = 0, i;

#pragma GCC unroll 512
	for (i = 0; i < 2 * FULL_TABLE; i++)
		fails += !_raw_spin_trylock(&test_lock.rlock);
	return fails;
}

static void test_table_full_counts_drops(struct kunit *test)
{
	unsigned long used, size, dropped;
	struct lock_stat_lite_stats st;
	unsigned int fails;
	int n;

	lock_stat_lite_table_info(&used, &size, &dropped);
	if (size != FULL_TABLE)
		kunit_skip(test, "boot with lock_stat_lite_sites=%d", FULL_TABLE);
	KUNIT_EXPECT_EQ(test, dropped, 0);
	spin_lock(&test_lock);
	fails = site_many_trylocks();
	spin_unlock(&test_lock);
	KUNIT_EXPECT_EQ(test, fails, 2 * FULL_TABLE);
	lock_stat_lite_table_info(&used, &size, &dropped);
	n = lock_stat_lite_func_stats(site_many_trylocks, LSL_SPIN, &st);
	KUNIT_EXPECT_LE(test, used, size);
	/* Open addressing in neighbourhoods: most of it, not all of it. */
	KUNIT_EXPECT_GE(test, n, size / 2);
	/* Each site that got a slot counted its own failure, once. */
	KUNIT_EXPECT_EQ(test, st.trylock_failed, n);
	KUNIT_EXPECT_GE(test, dropped, 2 * FULL_TABLE - n);
	kunit_info(test, "%d sites: %d counted, %lu events dropped, %lu of %lu slots used\n",
		   2 * FULL_TABLE, n, dropped, used, size);
	lock_stat_lite_reset();
	lock_stat_lite_table_info(&used, &size, &dropped);
	KUNIT_EXPECT_EQ(test, dropped, 0);
	/* Room again: the same sites are counted after the reset. */
	spin_lock(&test_lock);
	site_many_trylocks();
	spin_unlock(&test_lock);
	KUNIT_EXPECT_GE(test, lock_stat_lite_func_stats(site_many_trylocks, LSL_SPIN, &st),
			size / 2);
}

/*
 * Every holder site with every waiter site, one real contended wait each:
 * PAIR_SITES^2 pairs, more than the pair table holds.
 */
#define PAIR_SITES	17
static_assert(PAIR_SITES * PAIR_SITES > FULL_TABLE);

static DEFINE_SPINLOCK(pair_lock);

struct pair_run {
	int			waiter;		/* which waiter site */
	struct completion	go, ack;
	bool			stop;
};

/* The holder's part: let the waiter in, and release once it waits. */
static void pair_hold(struct pair_run *p)
{
	u64 end = local_clock() + NSEC_PER_SEC;

	complete(&p->go);
	while (!spin_waiter_shows(&pair_lock) && local_clock() < end)
		cpu_relax();
	/*
	 * Under virt_spin_lock() the waiter marks the holder's entry before
	 * it reads the clock and tries the lock once more: released at once,
	 * the lock would be free for that try and the wait not a wait.  Hold
	 * on for more than a tick, so that the waiter's vCPU gets its turn.
	 */
	if (lock_stat_lite_test_spin_tas())
		mdelay(10);
}

#define DEFINE_PAIR_SITES(n)						\
static noinline void site_pair_hold_##n(struct pair_run *p)		\
{									\
	spin_lock(&pair_lock);						\
	pair_hold(p);							\
	spin_unlock(&pair_lock);					\
}									\
									\
static noinline void site_pair_wait_##n(void)				\
{									\
	spin_lock(&pair_lock);						\
	spin_unlock(&pair_lock);					\
}

DEFINE_PAIR_SITES(0)
DEFINE_PAIR_SITES(1)
DEFINE_PAIR_SITES(2)
DEFINE_PAIR_SITES(3)
DEFINE_PAIR_SITES(4)
DEFINE_PAIR_SITES(5)
DEFINE_PAIR_SITES(6)
DEFINE_PAIR_SITES(7)
DEFINE_PAIR_SITES(8)
DEFINE_PAIR_SITES(9)
DEFINE_PAIR_SITES(10)
DEFINE_PAIR_SITES(11)
DEFINE_PAIR_SITES(12)
DEFINE_PAIR_SITES(13)
DEFINE_PAIR_SITES(14)
DEFINE_PAIR_SITES(15)
DEFINE_PAIR_SITES(16)

static void (*const pair_holds[PAIR_SITES])(struct pair_run *) = {
	site_pair_hold_0, site_pair_hold_1, site_pair_hold_2, site_pair_hold_3,
	site_pair_hold_4, site_pair_hold_5, site_pair_hold_6, site_pair_hold_7,
	site_pair_hold_8, site_pair_hold_9, site_pair_hold_10, site_pair_hold_11,
	site_pair_hold_12, site_pair_hold_13, site_pair_hold_14, site_pair_hold_15,
	site_pair_hold_16,
};

static void (*const pair_waits[PAIR_SITES])(void) = {
	site_pair_wait_0, site_pair_wait_1, site_pair_wait_2, site_pair_wait_3,
	site_pair_wait_4, site_pair_wait_5, site_pair_wait_6, site_pair_wait_7,
	site_pair_wait_8, site_pair_wait_9, site_pair_wait_10, site_pair_wait_11,
	site_pair_wait_12, site_pair_wait_13, site_pair_wait_14, site_pair_wait_15,
	site_pair_wait_16,
};

static int pair_waiter_fn(void *arg)
{
	struct pair_run *p = arg;

	for (;;) {
		wait_for_completion(&p->go);
		if (READ_ONCE(p->stop))
			break;
		pair_waits[READ_ONCE(p->waiter)]();
		complete(&p->ack);
	}
	return 0;
}

/* "who blocked whom: U pairs used of S, D waits dropped (table full)" */
static void pair_table_info(struct kunit *test, unsigned long *used, unsigned long *dropped)
{
	size_t size = 256 * 1024;
	char *buf = kunit_kmalloc(test, size, GFP_KERNEL);
	unsigned long of;
	const char *line;
	int n;

	*used = *dropped = ULONG_MAX;
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_GT(test, lock_stat_lite_print(buf, size), 0);
	line = strstr(buf, "who blocked whom: ");
	KUNIT_ASSERT_NOT_NULL(test, line);
	n = sscanf(line, "who blocked whom: %lu pairs used of %lu, %lu waits", used, &of, dropped);
	KUNIT_EXPECT_EQ(test, n, 3);
}

static void test_pair_table_full_counts_drops(struct kunit *test)
{
	struct pair_run p = { };
	unsigned long size, used, dropped, recorded = 0;
	struct task_struct *k;
	int cpu0, cpu1, h, w, n;
	u64 count, wait;

	lock_stat_lite_table_info(&used, &size, &dropped);
	if (size != FULL_TABLE)
		kunit_skip(test, "boot with lock_stat_lite_sites=%d", FULL_TABLE);
	cpu0 = cpumask_first(cpu_online_mask);
	cpu1 = cpumask_next(cpu0, cpu_online_mask);
	if (cpu1 >= nr_cpu_ids)
		kunit_skip(test, "needs two online CPUs");
	init_completion(&p.go);
	init_completion(&p.ack);
	k = kthread_create(pair_waiter_fn, &p, "lsl_pair_waiter");
	KUNIT_ASSERT_FALSE(test, IS_ERR(k));
	get_task_struct(k);
	kthread_bind(k, cpu1);
	wake_up_process(k);
	/* The holder stays on one CPU, the waiter on the other. */
	set_cpus_allowed_ptr(current, cpumask_of(cpu0));
	for (h = 0; h < PAIR_SITES; h++) {
		for (w = 0; w < PAIR_SITES; w++) {
			WRITE_ONCE(p.waiter, w);
			pair_holds[h](&p);
			wait_for_completion(&p.ack);
		}
	}
	set_cpus_allowed_ptr(current, cpu_possible_mask);
	WRITE_ONCE(p.stop, true);
	complete(&p.go);
	kthread_stop(k);
	put_task_struct(k);

	for (h = 0; h < PAIR_SITES; h++) {
		for (w = 0; w < PAIR_SITES; w++) {
			n = lock_stat_lite_pair_stats(pair_holds[h], pair_waits[w], &count, &wait);
			KUNIT_EXPECT_GE(test, n, 0);
			/* One wait per pair: never another pair's. */
			KUNIT_EXPECT_LE_MSG(test, count, 1, "holder %d, waiter %d", h, w);
			recorded += count;
		}
	}
	for (w = 0; w < PAIR_SITES; w++)
		KUNIT_EXPECT_EQ_MSG(test, stats(test, pair_waits[w], LSL_SPIN).contentions,
				    PAIR_SITES, "waiter %d", w);
	pair_table_info(test, &used, &dropped);
	KUNIT_EXPECT_LE(test, used, size);
	KUNIT_EXPECT_GE(test, recorded, size / 2);
	KUNIT_EXPECT_GE(test, dropped, PAIR_SITES * PAIR_SITES - recorded);
	kunit_info(test, "%d pairs: %lu counted, %lu waits dropped, %lu of %lu slots used\n",
		   PAIR_SITES * PAIR_SITES, recorded, dropped, used, size);
}

static atomic_t releases_seen;

static void probe_contended_release(void *data, void *lock)
{
	if (lock == data)
		atomic_inc(&releases_seen);
}

/*
 * The tracepoint alone, statistics off: registering the probe must turn
 * the hooks on by itself, for every kind of lock, and removing it must
 * turn them off again.
 */
static void test_contended_release_tracepoint(struct kunit *test)
{
	static const struct { enum waiter_op op; void *lock; } kinds[] = {
		{ W_SPIN, &test_lock }, { W_WRITE, &test_rwlock },
		{ W_MUTEX, &test_mutex }, { W_WSEM, &test_rwsem },
	};
	int i;

	KUNIT_ASSERT_EQ(test, lock_stat_lite_set_enabled(false), 0);
	KUNIT_ASSERT_FALSE(test, lock_stat_lite_test_hooked());
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		struct contend c = { .lock = kinds[i].lock, .op = kinds[i].op,
				     .rounds = ROUNDS };

		atomic_set(&releases_seen, 0);
		KUNIT_ASSERT_EQ(test, register_trace_contended_release(probe_contended_release,
								       c.lock), 0);
		contend(test, &c);
		unregister_trace_contended_release(probe_contended_release, c.lock);
		tracepoint_synchronize_unregister();
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&releases_seen), ROUNDS, "kind #%d", i);
	}
	/* The probes' references are gone, and nothing was recorded. */
	KUNIT_EXPECT_FALSE(test, lock_stat_lite_test_hooked());
	KUNIT_EXPECT_EQ(test, stats(test, site_spin_hold, LSL_SPIN).contended_releases, 0);
}

/* ------------------------------------------------------ sleeping locks */

static u64 pair_count(struct kunit *test, const void *holder, const void *waiter,
		      u64 *wait)
{
	u64 count, w;

	KUNIT_EXPECT_GE(test, lock_stat_lite_pair_stats(holder, waiter, &count, &w), 0);
	if (wait)
		*wait = w;
	return count;
}

static void test_mutex_waiter_and_holder(struct kunit *test)
{
	struct contend c = { .lock = &test_mutex, .op = W_MUTEX, .rounds = ROUNDS };
	struct lock_stat_lite_stats w, h;
	u64 pair_wait;

	contend(test, &c);
	w = stats(test, site_mutex_wait, LSL_MUTEX);
	h = stats(test, site_mutex_hold, LSL_MUTEX);
	KUNIT_EXPECT_EQ(test, w.contentions, ROUNDS);
	KUNIT_EXPECT_GE(test, w.wait_total, ROUNDS * HOLD_NS_MIN / 4);
	KUNIT_EXPECT_EQ(test, h.contentions, 0);
	KUNIT_EXPECT_EQ(test, h.contended_releases, ROUNDS);
	KUNIT_EXPECT_GE(test, h.chold_total, ROUNDS * HOLD_NS_MIN);
	KUNIT_EXPECT_EQ(test, h.blocked, w.wait_total);
	/* Who blocked whom: every wait is charged to the holder's site. */
	KUNIT_EXPECT_EQ(test, pair_count(test, site_mutex_hold, site_mutex_wait,
					 &pair_wait), ROUNDS);
	KUNIT_EXPECT_EQ(test, pair_wait, w.wait_total);
	KUNIT_EXPECT_EQ(test, pair_count(test, NULL, site_mutex_wait, NULL), 0);
}

/*
 * An optimistic spinner gets the mutex without setting the waiters flag:
 * its mark on the owner's entry (and the spinners' queue) still make the
 * release contended and the holder known.
 */
static void test_mutex_spinner_knows_holder(struct kunit *test)
{
	struct contend c = { .lock = &test_mutex, .op = W_MUTEX, .rounds = ROUNDS,
			     .holder_busy = true };
	struct lock_stat_lite_stats w, h;

	contend(test, &c);
	w = stats(test, site_mutex_wait, LSL_MUTEX);
	h = stats(test, site_mutex_busy_hold, LSL_MUTEX);
	KUNIT_EXPECT_EQ(test, w.contentions, ROUNDS);
	KUNIT_EXPECT_EQ(test, h.contended_releases, ROUNDS);
	KUNIT_EXPECT_EQ(test, h.blocked, w.wait_total);
	KUNIT_EXPECT_EQ(test, pair_count(test, site_mutex_busy_hold, site_mutex_wait, NULL),
			ROUNDS);
	KUNIT_EXPECT_EQ(test, pair_count(test, NULL, site_mutex_wait, NULL), 0);
}

static void test_mutex_trylock_failed(struct kunit *test)
{
	struct contend c = { .lock = &test_mutex, .op = W_MUTEX_TRYLOCK, .rounds = ROUNDS };
	struct lock_stat_lite_stats t;

	contend(test, &c);
	t = stats(test, site_mutex_trylock, LSL_MUTEX);
	KUNIT_EXPECT_EQ(test, c.trylock_failures, ROUNDS);
	KUNIT_EXPECT_EQ(test, t.trylock_failed, ROUNDS);
	KUNIT_EXPECT_EQ(test, t.contentions, 0);
}

static void test_rwsem_reader_waits_for_writer(struct kunit *test)
{
	struct contend c = { .lock = &test_rwsem, .op = W_RSEM, .rounds = ROUNDS };
	struct lock_stat_lite_stats r, h;

	contend(test, &c);
	r = stats(test, site_rsem_wait, LSL_RSEM);
	h = stats(test, site_wsem_hold, LSL_WSEM);
	KUNIT_EXPECT_EQ(test, r.contentions, ROUNDS);
	KUNIT_EXPECT_GT(test, r.wait_total, 0);
	KUNIT_EXPECT_EQ(test, h.contended_releases, ROUNDS);
	KUNIT_EXPECT_EQ(test, h.blocked, r.wait_total);
	KUNIT_EXPECT_EQ(test, pair_count(test, site_wsem_hold, site_rsem_wait, NULL),
			ROUNDS);
}

static void test_rwsem_writer_waits_for_writer(struct kunit *test)
{
	struct contend c = { .lock = &test_rwsem, .op = W_WSEM, .rounds = ROUNDS };
	struct lock_stat_lite_stats w, h;

	contend(test, &c);
	w = stats(test, site_wsem_wait, LSL_WSEM);
	h = stats(test, site_wsem_hold, LSL_WSEM);
	KUNIT_EXPECT_EQ(test, w.contentions, ROUNDS);
	KUNIT_EXPECT_EQ(test, h.contended_releases, ROUNDS);
	KUNIT_EXPECT_GE(test, h.chold_total, ROUNDS * HOLD_NS_MIN);
	KUNIT_EXPECT_EQ(test, pair_count(test, site_wsem_hold, site_wsem_wait, NULL),
			ROUNDS);
}

static void test_rwsem_writer_waits_for_reader(struct kunit *test)
{
	struct contend c = { .lock = &test_rwsem, .op = W_WSEM, .rounds = ROUNDS,
			     .holder_reads = true };
	struct lock_stat_lite_stats w, h;

	contend(test, &c);
	w = stats(test, site_wsem_wait, LSL_WSEM);
	h = stats(test, site_rsem_hold, LSL_RSEM);
	KUNIT_EXPECT_EQ(test, w.contentions, ROUNDS);
	/* The reader sees the waiter at its release... */
	KUNIT_EXPECT_EQ(test, h.contended_releases, ROUNDS);
	/* ...and publishes it, so the waiter knows which reader it was. */
	KUNIT_EXPECT_EQ(test, h.blocked, w.wait_total);
	KUNIT_EXPECT_EQ(test, pair_count(test, NULL, site_wsem_wait, NULL), 0);
	KUNIT_EXPECT_EQ(test, pair_count(test, site_rsem_hold, site_wsem_wait, NULL),
			ROUNDS);
}

static void test_rwsem_trylock_failed(struct kunit *test)
{
	struct contend c = { .lock = &test_rwsem, .op = W_RSEM_TRYLOCK, .rounds = ROUNDS };
	struct lock_stat_lite_stats t;

	contend(test, &c);
	t = stats(test, site_rsem_trylock, LSL_RSEM);
	KUNIT_EXPECT_EQ(test, c.trylock_failures, ROUNDS);
	KUNIT_EXPECT_EQ(test, t.trylock_failed, ROUNDS);
}

static int unknown_waiter_fn(void *arg)
{
	struct completion *done = arg;

	site_mutex_wait(&test_mutex);
	complete(done);
	return 0;
}

static void test_unknown_holder(struct kunit *test)
{
	struct task_struct *k;
	struct completion done;
	u64 wait;

	init_completion(&done);
	/* Taken while off: the hold is not recorded. */
	KUNIT_ASSERT_EQ(test, lock_stat_lite_set_enabled(false), 0);
	mutex_lock(&test_mutex);
	KUNIT_ASSERT_EQ(test, lock_stat_lite_set_enabled(true), 0);
	k = kthread_run(unknown_waiter_fn, &done, "lsl_unknown");
	KUNIT_ASSERT_FALSE(test, IS_ERR(k));
	msleep(HOLD_MS);
	mutex_unlock(&test_mutex);
	wait_for_completion(&done);
	KUNIT_EXPECT_EQ(test, stats(test, site_mutex_wait, LSL_MUTEX).contentions, 1);
	KUNIT_EXPECT_EQ(test, pair_count(test, NULL, site_mutex_wait, &wait), 1);
	KUNIT_EXPECT_GT(test, wait, 0);
	/* The untracked release is not charged to anyone. */
	KUNIT_EXPECT_EQ(test, stats(test, test_unknown_holder, LSL_MUTEX).contended_releases, 0);
}

/* The outer lock released first: still its own entry, charged to its site. */
static void test_out_of_order_release(struct kunit *test)
{
	struct contend c = { .lock = &test_lock, .op = W_SPIN_OOO, .rounds = ROUNDS };
	unsigned long untracked = lock_stat_lite_test_untracked();
	struct lock_stat_lite_stats o, i, w;

	contend_every_hold_sampled(test, &c);
	o = stats(test, site_spin_ooo_hold, LSL_SPIN);
	i = stats(test, site_spin_ooo_inner, LSL_SPIN);
	w = stats(test, site_spin_wait, LSL_SPIN);
	KUNIT_EXPECT_EQ(test, o.contended_releases, ROUNDS);
	KUNIT_EXPECT_EQ(test, o.blocked, w.wait_total);
	KUNIT_EXPECT_EQ(test, o.holds_sampled, ROUNDS);
	KUNIT_EXPECT_GE(test, o.hold_total, ROUNDS * HOLD_NS_MIN);
	KUNIT_EXPECT_EQ(test, i.holds_sampled, ROUNDS);
	KUNIT_EXPECT_EQ(test, i.contended_releases, 0);
	KUNIT_EXPECT_EQ(test, lock_stat_lite_test_untracked(), untracked);
}

/*
 * Out-of-order releases, repeated: each must leave the stacks as they were.
 * A hole left where the first lock was would stay under the second one's
 * entry after its fast pop, and the next round's would stay on top of it:
 * the stack would fill up, and every later hold would go untracked.
 */
static DEFINE_MUTEX(ooo_outer_mutex);
static DEFINE_MUTEX(ooo_inner_mutex);

static void test_out_of_order_leaves_no_hole(struct kunit *test)
{
	unsigned long untracked = lock_stat_lite_test_untracked();
	int i;

	for (i = 0; i < 40; i++) {
		/* One CPU's stack for all the rounds. */
		preempt_disable();
		spin_lock(&test_lock);
		spin_lock(&ooo_inner_lock);
		spin_unlock(&test_lock);
		spin_unlock(&ooo_inner_lock);
		preempt_enable();

		mutex_lock(&ooo_outer_mutex);
		mutex_lock(&ooo_inner_mutex);
		mutex_unlock(&ooo_outer_mutex);
		mutex_unlock(&ooo_inner_mutex);
		KUNIT_ASSERT_EQ_MSG(test, current->lock_stat_lite.depth, 0, "round %d", i);
	}
	KUNIT_EXPECT_EQ(test, lock_stat_lite_test_untracked(), untracked);
}

/*
 * Hardirq and softirq holds on the CPU of an open task-level hold: each
 * recorded at its own site, exactly (every hold sampled), and the task's
 * release still finds its entry.
 */
static void test_irq_holds_nest(struct kunit *test)
{
	struct contend c = { .lock = &test_lock, .op = W_SPIN_IRQS, .rounds = ROUNDS };
	unsigned long untracked = lock_stat_lite_test_untracked();
	struct lock_stat_lite_stats h, hi, si;

	atomic_set(&hardirq_runs, 0);
	atomic_set(&softirq_runs, 0);
	contend_every_hold_sampled(test, &c);
	h = stats(test, site_spin_irqs_hold, LSL_SPIN);
	hi = stats(test, site_spin_in_hardirq, LSL_SPIN);
	si = stats(test, site_spin_in_softirq, LSL_SPIN);
	KUNIT_EXPECT_EQ(test, h.contended_releases, ROUNDS);
	KUNIT_EXPECT_EQ(test, h.holds_sampled, ROUNDS);
	KUNIT_EXPECT_GT(test, atomic_read(&hardirq_runs), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&softirq_runs), 0);
	KUNIT_EXPECT_EQ(test, hi.acquisitions, atomic_read(&hardirq_runs));
	KUNIT_EXPECT_EQ(test, si.acquisitions, atomic_read(&softirq_runs));
	KUNIT_EXPECT_EQ(test, hi.contentions + si.contentions, 0);
	KUNIT_EXPECT_EQ(test, lock_stat_lite_test_untracked(), untracked);
}

#ifdef CONFIG_X86_LOCAL_APIC
/*
 * NMIs on a CPU that takes and releases spinlocks in a loop, in order and
 * out of order (whose slow pop moves entries with interrupts off, which
 * an NMI ignores).  An NMI lands between any two translated blocks of the
 * loop, inside a push or a pop that has reserved or freed its slot, and
 * takes a lock of its own, which pushes above and pops back down.  Each
 * side must be recorded exactly at its site, and after every round the
 * CPU's stack must be as empty as before it.
 */
#define NMI_SENDS	500

static DEFINE_RAW_SPINLOCK(nmi_lock);
static DEFINE_SPINLOCK(nmi_outer_lock);
static atomic_t nmi_pending, nmi_runs;
static int nmi_target = -1;

static noinline void site_spin_in_nmi(void)
{
	raw_spin_lock(&nmi_lock);
	raw_spin_unlock(&nmi_lock);
}

static int lsl_test_nmi(unsigned int type, struct pt_regs *regs)
{
	/* Claim only the NMIs this test sent, on the CPU it sent them to. */
	if (smp_processor_id() != READ_ONCE(nmi_target) ||
	    atomic_dec_if_positive(&nmi_pending) < 0)
		return NMI_DONE;
	site_spin_in_nmi();
	atomic_inc(&nmi_runs);
	return NMI_HANDLED;
}

static noinline void site_spin_nmi_outer(void)
{
	spin_lock(&nmi_outer_lock);
	site_spin_ooo_inner();
	/* Out of order: the slow pop of the older entry. */
	spin_unlock(&nmi_outer_lock);
	spin_unlock(&ooo_inner_lock);
}

struct nmi_loop {
	bool		stop;
	unsigned long	rounds;
	unsigned long	not_empty;
	struct completion done;
};

static int nmi_loop_fn(void *arg)
{
	struct nmi_loop *n = arg;
	unsigned int depth;

	while (!READ_ONCE(n->stop)) {
		site_spin_nmi_outer();
		site_spin_uncontended(&test_lock);
		/* Interrupts off: an interrupt's own holds are not ours. */
		local_irq_disable();
		depth = lock_stat_lite_test_cpu_depth();
		local_irq_enable();
		if (depth)
			n->not_empty++;
		n->rounds++;
		cond_resched();
	}
	complete(&n->done);
	return 0;
}

static void test_nmi_holds_nest(struct kunit *test)
{
	struct nmi_loop n = { };
	unsigned long untracked = lock_stat_lite_test_untracked();
	struct lock_stat_lite_stats in_nmi, outer, inner, plain;
	struct task_struct *k;
	int cpu0, cpu, i, sent = 0;
	u64 end;

	cpu0 = cpumask_first(cpu_online_mask);
	cpu = cpumask_next(cpu0, cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		kunit_skip(test, "needs two online CPUs");
	init_completion(&n.done);
	atomic_set(&nmi_pending, 0);
	atomic_set(&nmi_runs, 0);
	WRITE_ONCE(nmi_target, cpu);
	KUNIT_ASSERT_EQ(test, register_nmi_handler(NMI_LOCAL, lsl_test_nmi, 0, "lsl_test"), 0);
	lock_stat_lite_test_sample(1);
	k = kthread_create(nmi_loop_fn, &n, "lsl_nmi_loop");
	if (IS_ERR(k)) {
		lock_stat_lite_test_sample(0);
		unregister_nmi_handler(NMI_LOCAL, "lsl_test");
		KUNIT_FAIL(test, "kthread_create: %ld", PTR_ERR(k));
		return;
	}
	kthread_bind(k, cpu);
	wake_up_process(k);
	/* The sender on another CPU than its target. */
	set_cpus_allowed_ptr(current, cpumask_of(cpu0));
	for (i = 0; i < NMI_SENDS; i++) {
		atomic_inc(&nmi_pending);
		__apic_send_IPI_mask(cpumask_of(cpu), NMI_VECTOR);
		end = local_clock() + NSEC_PER_SEC;
		while (atomic_read(&nmi_pending) && local_clock() < end)
			cpu_relax();
		if (atomic_read(&nmi_pending))
			break;
		sent++;
		/* Land at a different point of the loop each time. */
		udelay(get_random_u32_below(50));
	}
	set_cpus_allowed_ptr(current, cpu_possible_mask);
	WRITE_ONCE(n.stop, true);
	wait_for_completion(&n.done);
	lock_stat_lite_test_sample(0);
	unregister_nmi_handler(NMI_LOCAL, "lsl_test");
	WRITE_ONCE(nmi_target, -1);

	KUNIT_EXPECT_EQ(test, sent, NMI_SENDS);
	KUNIT_EXPECT_EQ(test, atomic_read(&nmi_runs), sent);
	KUNIT_EXPECT_GT(test, n.rounds, 0);
	KUNIT_EXPECT_EQ(test, n.not_empty, 0);
	in_nmi = stats(test, site_spin_in_nmi, LSL_SPIN);
	outer = stats(test, site_spin_nmi_outer, LSL_SPIN);
	inner = stats(test, site_spin_ooo_inner, LSL_SPIN);
	plain = stats(test, site_spin_uncontended, LSL_SPIN);
	KUNIT_EXPECT_EQ(test, in_nmi.acquisitions, atomic_read(&nmi_runs));
	KUNIT_EXPECT_EQ(test, in_nmi.holds_sampled, atomic_read(&nmi_runs));
	KUNIT_EXPECT_EQ(test, outer.acquisitions, n.rounds);
	KUNIT_EXPECT_EQ(test, outer.holds_sampled, n.rounds);
	KUNIT_EXPECT_EQ(test, inner.holds_sampled, n.rounds);
	KUNIT_EXPECT_EQ(test, plain.holds_sampled, n.rounds);
	KUNIT_EXPECT_EQ(test, in_nmi.contentions + outer.contentions + plain.contentions, 0);
	KUNIT_EXPECT_EQ(test, lock_stat_lite_test_untracked(), untracked);
}
#endif

/*
 * A lock wrapper kept out of line passes its return address to
 * down_write_site(): the acquisition is recorded in its caller, as
 * __vma_start_write() does for the callers of vma_start_write().
 */
static int wrapper_holds;

static noinline void down_write_via_wrapper(struct rw_semaphore *sem)
{
	down_write_site(sem, _RET_IP_);
	/* Work after the lock, as __vma_start_write() has: no tail call. */
	WRITE_ONCE(wrapper_holds, wrapper_holds + 1);
}

static noinline void site_wrapper_caller(struct rw_semaphore *sem)
{
	down_write_via_wrapper(sem);
	up_write(sem);
}

static void test_write_site_at_caller(struct kunit *test)
{
	struct lock_stat_lite_stats st;
	int i;

	lock_stat_lite_test_sample(1);
	for (i = 0; i < ROUNDS; i++)
		site_wrapper_caller(&test_rwsem);
	lock_stat_lite_test_sample(0);
	/* The site is the call of the wrapper, in the caller. */
	KUNIT_EXPECT_EQ(test, stats(test, site_wrapper_caller, LSL_WSEM).holds_sampled, ROUNDS);
	KUNIT_EXPECT_EQ(test, lock_stat_lite_func_stats(down_write_via_wrapper, LSL_WSEM, &st), 0);
}

/* Deeper than the per-CPU stack: the holds that do not fit are untracked. */
#define OVERFLOW_DEPTH	20

static noinline void site_overflow(void *lock)
{
	lock_stat_lite_test_push(lock, _THIS_IP_);
}

static void test_cpu_stack_overflow_untracked(struct kunit *test)
{
	/* Lock words that are never locked: only the hooks look at them. */
	static u32 locks[OVERFLOW_DEPTH];
	unsigned long untracked = lock_stat_lite_test_untracked();
	int i;

	/* No preemption between the pushes: they go on one CPU's stack. */
	preempt_disable();
	for (i = 0; i < OVERFLOW_DEPTH; i++)
		site_overflow(&locks[i]);
	for (i = OVERFLOW_DEPTH - 1; i >= 0; i--)
		lock_stat_lite_test_pop(&locks[i]);
	preempt_enable();
	KUNIT_EXPECT_GE(test, lock_stat_lite_test_untracked() - untracked, 4);
}

/* Deeper than the task's stack of sleeping locks (3): the rest untracked. */
static void test_task_stack_overflow_untracked(struct kunit *test)
{
	static struct mutex m[5];
	static struct lock_class_key keys[5];
	unsigned long untracked = lock_stat_lite_test_untracked();
	int i;

	for (i = 0; i < 5; i++) {
		mutex_init(&m[i]);
		lockdep_set_class(&m[i], &keys[i]);
	}
	for (i = 0; i < 5; i++)
		mutex_lock(&m[i]);
	KUNIT_EXPECT_EQ(test, current->lock_stat_lite.depth, LOCK_STAT_LITE_TASK_DEPTH);
	KUNIT_EXPECT_GE(test, lock_stat_lite_test_untracked() - untracked, 2);
	for (i = 4; i >= 0; i--)
		mutex_unlock(&m[i]);
	KUNIT_EXPECT_EQ(test, current->lock_stat_lite.depth, 0);
}

/*
 * A task forked while its parent holds a mutex holds nothing.  Forked from
 * the test's own task (kthread_create() would fork from kthreadd), which
 * needs kernel_thread() and do_exit(): built in only.
 */
#if IS_BUILTIN(CONFIG_LOCK_STAT_LITE_KUNIT_TEST)
struct forked {
	int			depth;
	struct completion	done;
};

/* A kthread's children are reaped at once: it says it ran, then exits. */
static int fork_child_fn(void *arg)
{
	struct forked *f = arg;

	f->depth = current->lock_stat_lite.depth;
	complete(&f->done);
	do_exit(0);
}
#endif

static void test_forked_child_stack_empty(struct kunit *test)
{
#if IS_BUILTIN(CONFIG_LOCK_STAT_LITE_KUNIT_TEST)
	struct forked f = { .depth = -1 };
	pid_t pid;

	init_completion(&f.done);
	mutex_lock(&test_mutex);
	KUNIT_EXPECT_EQ(test, current->lock_stat_lite.depth, 1);
	pid = kernel_thread(fork_child_fn, &f, "lsl_child", 0);
	mutex_unlock(&test_mutex);
	KUNIT_ASSERT_GT(test, pid, 0);
	wait_for_completion(&f.done);
	KUNIT_EXPECT_EQ(test, f.depth, 0);
#else
	kunit_skip(test, "forks from the test's task: built in only");
#endif
}

/*
 * A killable wait that is killed, and an interruptible one that is
 * interrupted, record nothing and leave no entry.
 */
struct killed {
	struct completion	started;
	int			sig, ret, depth;
};

static int killed_waiter_fn(void *arg)
{
	struct killed *k = arg;

	allow_signal(k->sig);
	complete(&k->started);
	if (k->sig == SIGKILL)
		k->ret = mutex_lock_killable(&test_mutex);
	else
		k->ret = mutex_lock_interruptible(&test_mutex);
	if (!k->ret)
		mutex_unlock(&test_mutex);
	WRITE_ONCE(k->depth, current->lock_stat_lite.depth);
	/* A kthread must not return before kthread_stop(): wait for it. */
	while (!kthread_should_stop())
		schedule_timeout_uninterruptible(1);
	return 0;
}

static void killed_wait(struct kunit *test, int sig)
{
	struct killed k = { .sig = sig, .ret = 1, .depth = -1 };
	struct task_struct *t;

	init_completion(&k.started);
	mutex_lock(&test_mutex);
	t = kthread_create(killed_waiter_fn, &k, "lsl_killed");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	get_task_struct(t);
	wake_up_process(t);
	wait_for_completion(&k.started);
	msleep(HOLD_MS);
	send_sig(sig, t, 1);
	/* Until the waiter gave up, with the mutex still held. */
	while (READ_ONCE(k.depth) < 0)
		usleep_range(1000, 2000);
	mutex_unlock(&test_mutex);
	kthread_stop(t);
	put_task_struct(t);
	KUNIT_EXPECT_EQ(test, k.ret, -EINTR);
	KUNIT_EXPECT_EQ(test, k.depth, 0);
	/* No hold, so no contention counted. */
	KUNIT_EXPECT_EQ(test, stats(test, killed_waiter_fn, LSL_MUTEX).contentions, 0);
}

static void test_killed_wait_records_nothing(struct kunit *test)
{
	killed_wait(test, SIGKILL);
	killed_wait(test, SIGUSR1);
}

/*
 * A reset while a waiter waits: whatever lands in the new table is one
 * consistent wait, charged to the holder it waited for, or nothing.
 */
static int reset_midway_fn(void *arg)
{
	msleep(HOLD_MS / 2);
	lock_stat_lite_reset();
	complete(arg);
	return 0;
}

static void test_wait_straddles_reset(struct kunit *test)
{
	struct contend c = { .lock = &test_mutex, .op = W_MUTEX, .rounds = 1 };
	unsigned long untracked = lock_stat_lite_test_untracked();
	DECLARE_COMPLETION_ONSTACK(reset_done);
	struct lock_stat_lite_stats w, h;
	struct task_struct *r;

	r = kthread_run(reset_midway_fn, &reset_done, "lsl_reset");
	KUNIT_ASSERT_FALSE(test, IS_ERR(r));
	contend(test, &c);
	/* The reset must not land in the next case. */
	wait_for_completion(&reset_done);
	w = stats(test, site_mutex_wait, LSL_MUTEX);
	h = stats(test, site_mutex_hold, LSL_MUTEX);
	KUNIT_EXPECT_LE(test, w.contentions, 1);
	KUNIT_EXPECT_EQ(test, h.blocked, w.wait_total);
	KUNIT_EXPECT_EQ(test, pair_count(test, site_mutex_hold, site_mutex_wait, NULL),
			w.contentions);
	KUNIT_EXPECT_LE(test, w.wait_total, c.wait_bracket);
	KUNIT_EXPECT_EQ(test, lock_stat_lite_test_untracked(), untracked);
	KUNIT_EXPECT_EQ(test, current->lock_stat_lite.depth, 0);
}

/*
 * Which spinlock the boot switch gave this kernel, seen from the lock word:
 * a queued waiter shows in it, virt_spin_lock()'s test-and-set loop does
 * not.  The core's own idea of it (which decides whether a waiter marks
 * the holder's entry) must agree.  The harness checks the line this
 * prints against the switch it booted with.
 */
struct path_probe {
	spinlock_t	*lock;	/* held by the test, wanted by the waiter */
	int		go;	/* the waiter may try: the lock is held */
};

static int path_waiter_fn(void *arg)
{
	struct path_probe *p = arg;

	/* Pairs with the release in test_spinlock_path(). */
	while (!smp_load_acquire(&p->go))
		cpu_relax();
	spin_lock(p->lock);
	spin_unlock(p->lock);
	while (!kthread_should_stop())
		schedule_timeout_uninterruptible(1);
	return 0;
}

static void test_spinlock_path(struct kunit *test)
{
	/* On the stack: lockdep needs the static key of spin_lock_init(). */
	spinlock_t lock;
	struct path_probe p = { .lock = &lock };
	struct task_struct *k;
	bool queued = false;
	int cpu;
	u64 end;

	spin_lock_init(&lock);

	migrate_disable();
	cpu = cpumask_any_but(cpu_online_mask, smp_processor_id());
	if (cpu >= nr_cpu_ids) {
		migrate_enable();
		kunit_skip(test, "needs two online CPUs");
	}
	k = kthread_create(path_waiter_fn, &p, "lsl_path");
	KUNIT_ASSERT_FALSE(test, IS_ERR(k));
	kthread_bind(k, cpu);
	wake_up_process(k);
	spin_lock(&lock);
	/* Pairs with path_waiter_fn(): try now, the lock is held. */
	smp_store_release(&p.go, 1);
	end = local_clock() + 500 * NSEC_PER_MSEC;
	while (!queued && local_clock() < end)
		queued = spin_is_contended(&lock);
	spin_unlock(&lock);
	migrate_enable();
	kthread_stop(k);
	kunit_info(test, "spinlock path: %s\n", queued ? "queued" : "test-and-set");
	KUNIT_EXPECT_NE(test, queued, lock_stat_lite_test_spin_tas());
}

/* ------------------------------------------------------- fixed holds */

#define FIXED_BEFORE_NS	(2 * NSEC_PER_MSEC)
#define FIXED_AFTER_NS	(4 * NSEC_PER_MSEC)

/*
 * A hold of known length, measured with the clock the statistics use, so
 * that no calibration stands between the two.
 */
struct fixed {
	spinlock_t		*lock;		/* held by the holder kthread */
	int			round;
	int			arrive;		/* the round the waiter may arrive in */
	int			done;		/* the round the waiter finished */
	u64			t_locking, t_acquired, t_arrived, t_seen;
	u64			t_releasing, t_released;
	/* Sums of the rounds' lengths, bracketed: see test_fixed_hold(). */
	u64			hold_lo, hold_hi, chold_lo, chold_hi;
	/* The waiter's own bracket: arrival to return from spin_lock(). */
	u64			wait_hi;
	struct completion	finished;
};

static void spin_until(u64 t)
{
	while (local_clock() < t)
		cpu_relax();
}

static noinline void site_spin_fixed_hold(struct fixed *f)
{
	f->t_locking = local_clock();
	spin_lock(f->lock);
	f->t_acquired = local_clock();
	spin_until(f->t_acquired + FIXED_BEFORE_NS);
	/* Pairs with fixed_waiter_fn(): it may arrive now. */
	smp_store_release(&f->arrive, f->round);
	/*
	 * The rest of the hold runs from the moment the waiter shows: its
	 * arrival stamp alone let a round go uncontended when the host put
	 * its vCPU aside for the whole hold before it reached the lock.
	 */
	while (!READ_ONCE(f->t_arrived))
		cpu_relax();
	while (!spin_waiter_shows(f->lock))
		cpu_relax();
	f->t_seen = local_clock();
	spin_until(f->t_seen + FIXED_AFTER_NS);
	f->t_releasing = local_clock();
	spin_unlock(f->lock);
	f->t_released = local_clock();
}

static noinline void site_spin_fixed_wait(struct fixed *f)
{
	u64 t_arrived = local_clock();

	WRITE_ONCE(f->t_arrived, t_arrived);
	spin_lock(f->lock);
	f->wait_hi += local_clock() - t_arrived;
	spin_unlock(f->lock);
}

static int fixed_waiter_fn(void *arg)
{
	struct fixed *f = arg;
	int i;

	for (i = 1; i <= ROUNDS; i++) {
		/* Pairs with site_spin_fixed_hold(). */
		while (smp_load_acquire(&f->arrive) != i)
			cpu_relax();
		site_spin_fixed_wait(f);
		/* Pairs with fixed_holder_fn(): the next round may start. */
		smp_store_release(&f->done, i);
	}
	return 0;
}

static int fixed_holder_fn(void *arg)
{
	struct fixed *f = arg;

	for (f->round = 1; f->round <= ROUNDS; f->round++) {
		WRITE_ONCE(f->t_arrived, 0);
		site_spin_fixed_hold(f);
		f->hold_lo += f->t_releasing - f->t_acquired;
		f->hold_hi += f->t_released - f->t_locking;
		f->chold_lo += f->t_releasing - f->t_seen;
		f->chold_hi += f->t_released - f->t_arrived;
		/*
		 * Pairs with fixed_waiter_fn().  Asleep, not spinning: with
		 * one host thread for every vCPU, a busy vCPU runs on until
		 * the next interrupt, up to a tick, before the waiter's vCPU
		 * may take the lock it released; an idle one hands over at
		 * once.
		 */
		while (smp_load_acquire(&f->done) != f->round)
			usleep_range(10, 20);
	}
	complete(&f->finished);
	return 0;
}

static void test_fixed_hold(struct kunit *test)
{
	/*
	 * A lock of its own, so that no other test's holds mix in; on the
	 * stack, so lockdep needs the static key of spin_lock_init().
	 */
	spinlock_t lock;
	struct fixed f = { .lock = &lock };
	struct lock_stat_lite_stats h, w;
	struct task_struct *kh, *kw;
	int cpu0, cpu1;

	spin_lock_init(&lock);

	cpu0 = cpumask_first(cpu_online_mask);
	cpu1 = cpumask_next(cpu0, cpu_online_mask);
	if (cpu1 >= nr_cpu_ids)
		kunit_skip(test, "needs two online CPUs");
	init_completion(&f.finished);
	/* Every hold sampled, for the full holds. */
	lock_stat_lite_test_sample(1);
	kh = kthread_create(fixed_holder_fn, &f, "lsl_fixed_holder");
	KUNIT_ASSERT_FALSE(test, IS_ERR(kh));
	kw = kthread_create(fixed_waiter_fn, &f, "lsl_fixed_waiter");
	KUNIT_ASSERT_FALSE(test, IS_ERR(kw));
	kthread_bind(kh, cpu0);
	kthread_bind(kw, cpu1);
	wake_up_process(kw);
	wake_up_process(kh);
	wait_for_completion(&f.finished);
	lock_stat_lite_test_sample(0);

	h = stats(test, site_spin_fixed_hold, LSL_SPIN);
	w = stats(test, site_spin_fixed_wait, LSL_SPIN);
	KUNIT_EXPECT_EQ(test, h.contended_releases, ROUNDS);
	KUNIT_EXPECT_EQ(test, w.contentions, ROUNDS);
	/*
	 * The lock is taken and released inside spin_lock() and
	 * spin_unlock(), so a known length lies between clocks read just
	 * before and just after them; an interrupt or a vCPU the host put
	 * aside can pull those apart by a few ms.  Recorded within 10% of
	 * that bracket.  First the contended hold, from the start of the
	 * wait (after the waiter's stamp, before it showed) to the release.
	 */
	KUNIT_EXPECT_GE(test, h.chold_total, f.chold_lo * 9 / 10);
	KUNIT_EXPECT_LE(test, h.chold_total, f.chold_hi * 11 / 10);
	/*
	 * The wait is that, plus the hand-over, whose length is up to the
	 * host: about 200 us a round, but a vCPU put aside makes it several
	 * ms (a fixed bound failed on a loaded host).  So the upper bound is
	 * the waiter's own bracket, from its arrival to its return from
	 * spin_lock().
	 */
	KUNIT_EXPECT_GE(test, w.wait_total, h.chold_total);
	KUNIT_EXPECT_LE(test, w.wait_total, f.wait_hi * 11 / 10);
	/* The full holds, sampled. */
	KUNIT_EXPECT_EQ(test, h.holds_sampled, ROUNDS);
	KUNIT_EXPECT_GE(test, h.hold_total, f.hold_lo * 9 / 10);
	KUNIT_EXPECT_LE(test, h.hold_total, f.hold_hi * 11 / 10);
	kunit_info(test, "hold %llu in [%llu, %llu] ns, contended %llu in [%llu, %llu] ns, wait %llu in [%llu, %llu] ns\n",
		   h.hold_total, f.hold_lo, f.hold_hi, h.chold_total, f.chold_lo,
		   f.chold_hi, w.wait_total, h.chold_total, f.wait_hi);
}

/* Does a line of @text contain both @a and, after it, @b? */
static bool line_has(const char *text, const char *a, const char *b)
{
	const char *p = text;

	while ((p = strstr(p, a))) {
		const char *eol = strchrnul(p, '\n'), *q = strstr(p, b);

		if (q && q < eol)
			return true;
		p = eol;
	}
	return false;
}

static void test_named_lock_shown(struct kunit *test)
{
	struct contend c = { .lock = &test_mutex, .op = W_MUTEX, .rounds = 2 };
	size_t size = 256 * 1024;
	char *buf = kunit_kmalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, lock_stat_lite_name_lock(&test_mutex, "lsl_test mutex"), 0);
	contend(test, &c);
	KUNIT_ASSERT_GT(test, lock_stat_lite_print(buf, size), 0);
	KUNIT_EXPECT_TRUE(test, line_has(buf, "site_mutex_wait", "lock=lsl_test mutex"));
	/* The who-blocked-whom section links the holder to the waiter. */
	KUNIT_EXPECT_TRUE(test, line_has(buf, "site_mutex_hold", "<-  mutex site_mutex_wait"));
	lock_stat_lite_unname_lock(&test_mutex);
	KUNIT_ASSERT_GT(test, lock_stat_lite_print(buf, size), 0);
	KUNIT_EXPECT_FALSE(test, line_has(buf, "site_mutex_wait", "lock=lsl_test mutex"));
	/* A global still shows its symbol. */
	KUNIT_EXPECT_TRUE(test, line_has(buf, "site_mutex_wait", "lock=test_mutex"));
}

static struct kunit_case lock_stat_lite_cases[] = {
	KUNIT_CASE(test_lock_sizes_unchanged),
	KUNIT_CASE(test_waiter_and_holder_sites),
	KUNIT_CASE(test_irqsave_variant),
	KUNIT_CASE(test_uncontended_site),
	KUNIT_CASE(test_trylock_failed),
	KUNIT_CASE(test_rwlock_reader_waits_for_writer),
	KUNIT_CASE(test_rwlock_writer_waits_for_reader),
	KUNIT_CASE(test_reset_clears),
	KUNIT_CASE(test_off_records_nothing),
	KUNIT_CASE(test_toggle_mid_hold),
	KUNIT_CASE(test_table_full_counts_drops),
	KUNIT_CASE(test_pair_table_full_counts_drops),
	KUNIT_CASE(test_contended_release_tracepoint),
	KUNIT_CASE(test_mutex_waiter_and_holder),
	KUNIT_CASE(test_mutex_spinner_knows_holder),
	KUNIT_CASE(test_mutex_trylock_failed),
	KUNIT_CASE(test_rwsem_reader_waits_for_writer),
	KUNIT_CASE(test_rwsem_writer_waits_for_writer),
	KUNIT_CASE(test_rwsem_writer_waits_for_reader),
	KUNIT_CASE(test_rwsem_trylock_failed),
	KUNIT_CASE(test_unknown_holder),
	KUNIT_CASE(test_out_of_order_release),
	KUNIT_CASE(test_out_of_order_leaves_no_hole),
	KUNIT_CASE(test_irq_holds_nest),
#ifdef CONFIG_X86_LOCAL_APIC
	KUNIT_CASE(test_nmi_holds_nest),
#endif
	KUNIT_CASE(test_write_site_at_caller),
	KUNIT_CASE(test_cpu_stack_overflow_untracked),
	KUNIT_CASE(test_task_stack_overflow_untracked),
	KUNIT_CASE(test_forked_child_stack_empty),
	KUNIT_CASE(test_killed_wait_records_nothing),
	KUNIT_CASE(test_wait_straddles_reset),
	KUNIT_CASE(test_spinlock_path),
	KUNIT_CASE(test_fixed_hold),
	KUNIT_CASE(test_named_lock_shown),
	{}
};

/*
 * An x86 kernel starts on the tsc-early clocksource and moves to the
 * refined tsc about a second after its device initcalls, through
 * stop_machine().  Built in, this suite runs at boot, in that second: a
 * switch in the middle of a case parks the waiter's CPU in the stopper
 * before the waiter queues, while the holder's CPU, spinning with the lock
 * held until the waiter shows, holds up the stopper in turn for the
 * second that wait_for_waiter() allows.  So wait for the switch first.
 */
static int lsl_suite_init(struct kunit_suite *suite)
{
#ifdef CONFIG_X86
	struct system_time_snapshot snap;
	int ms;

	for (ms = 0; ms < 10 * MSEC_PER_SEC; ms += 20) {
		ktime_get_snapshot(&snap);
		if (snap.cs_id != CSID_X86_TSC_EARLY)
			break;
		msleep(20);
	}
	pr_info("lock_stat_lite_test: clocksource %s after %d ms\n",
		snap.cs_id == CSID_X86_TSC_EARLY ? "still tsc-early" : "switched", ms);
#endif
	return 0;
}

static struct kunit_suite lock_stat_lite_suite = {
	.name		= "lock_stat_lite",
	.suite_init	= lsl_suite_init,
	.init		= lsl_test_init,
	.exit		= lsl_test_exit,
	.test_cases	= lock_stat_lite_cases,
};

kunit_test_suite(lock_stat_lite_suite);

MODULE_DESCRIPTION("KUnit tests for lock_stat_lite");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
