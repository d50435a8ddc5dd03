// SPDX-License-Identifier: GPL-2.0
/*
 * lock_stat_lite: lock contention and hold statistics keyed by call site.
 *
 * The idea
 * --------
 * CONFIG_LOCK_STAT keys its statistics by lock class, which needs lockdep
 * and a key in every lock.  Here the key is the return address of the lock
 * call, which the out-of-line lock functions already have: no lock grows by
 * a byte, and a row of /proc/lock_stat_lite names the code that took the
 * lock.  All hooks sit behind one static key.
 *
 * Data layout
 * -----------
 * - A fixed table of call sites, allocated at boot and never resized.  A
 *   site is claimed with one cmpxchg on its ip; a full neighbourhood counts
 *   the event as dropped.  The table is only written on slow paths:
 *   contention, contended release, failed trylock, and sampled acquisitions.
 * - Per CPU, one small stack of held locks for each context level (task,
 *   softirq, hardirq, NMI).  An acquire pushes {lock, site, time}; the
 *   release pops it and so knows the acquire site and the hold time.
 *   Nothing else is written on an uncontended acquire and release, and
 *   those writes are CPU local.
 *
 * Contexts and the assumptions they rest on
 * ----------------------------------------
 * - Spinning locks are held with preemption off, so the holder cannot
 *   migrate: the acquire and the release run on the same CPU.  A release by
 *   another task on the same CPU (the runqueue lock handed over in a
 *   context switch) finds the entry in the same task-level stack.
 * - A context level is never re-entered on the same CPU while it runs a
 *   hook (hardirqs do not nest, softirqs do not nest, NMIs do not nest), and
 *   an interrupt uses the stack of its own level.  So push and pop need no
 *   atomics and no interrupt masking.
 * - Locks released out of order leave a hole that is reclaimed when the
 *   entries above it are popped.  A stack that is full does not record the
 *   hold; its release then finds nothing and is ignored.
 * - A release that finds no entry (the lock was taken before the
 *   statistics were enabled, or by code that was not hooked) is ignored,
 *   never attributed to another site.  Every enable and every reset bumps a
 *   generation number: a stack from an older generation counts as empty,
 *   so an entry pushed before a disable can never match a later release.
 * - A waiter finds the holder by scanning the other CPUs' stacks for the
 *   lock address and marks the holder's entry as contended with a cmpxchg.
 *   That works the same for the queued slow path and for the test-and-set
 *   loop of virt_spin_lock(), which has no queue bits to look at.  The
 *   release also looks at the lock word, which covers a waiter that queued
 *   before the holder's entry was visible.
 * - The hooks take no lock, allocate nothing, do not sleep and are built
 *   without ftrace instrumentation.  The only call out is the
 *   contended_release tracepoint, made after the stack is consistent
 *   again, so a probe that takes locks nests like any other code.
 * - Enabling, disabling and reset run in process context under a mutex;
 *   reset waits for every hook in flight with synchronize_rcu(), because
 *   the hooks run with preemption disabled.
 *
 * Times come from local_clock(): every interval is measured on one CPU
 * (a waiter measures its own wait; a hold is pushed and popped on one CPU).
 */

#define pr_fmt(fmt) "lock_stat_lite: " fmt

#include <linux/lock_stat_lite.h>
#include <linux/spinlock.h>
#include <linux/rwlock.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/kallsyms.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/sysctl.h>
#include <linux/sort.h>
#include <linux/hash.h>
#include <linux/prandom.h>
#include <linux/irq_work.h>
#include <linux/workqueue.h>
#include <linux/mutex.h>
#include <linux/init.h>
#include <linux/log2.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/xarray.h>
#include <linux/slab.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <kunit/visibility.h>
#include <asm/sections.h>

#include <trace/events/lock.h>

#define LSL_VERSION		"1.1"
#define LSL_DEPTH		16
#define LSL_LEVELS		4
#define LSL_PROBES		32
#define LSL_HIST		24
#define LSL_TOP_PAIRS		32
#define LSL_NAME_LEN		24
#define LSL_PAIR_UNKNOWN	U32_MAX

/* Low bits of a held entry's tag; locks are at least 4-byte aligned. */
#define LSL_TAG_CONTENDED	1UL
#define LSL_TAG_SAMPLED		2UL
#define LSL_TAG_FLAGS		(LSL_TAG_CONTENDED | LSL_TAG_SAMPLED)

/* ------------------------------------------------------------------ data */

/*
 * A site's counters, one for each u64 of struct lock_stat_lite_stats and in
 * the same order, so that reading and summing them is one loop.
 */
#define LSL_NR_STATS	(sizeof(struct lock_stat_lite_stats) / sizeof(u64))
#define lsl_stat(s, field)						\
	(&(s)->stat[offsetof(struct lock_stat_lite_stats, field) / sizeof(u64)])
#define LSL_MAX_BIT(field)						\
	BIT(offsetof(struct lock_stat_lite_stats, field) / sizeof(u64))
/* The counters that combine by maximum, not by sum. */
#define LSL_MAX_STATS	(LSL_MAX_BIT(wait_max) | LSL_MAX_BIT(chold_max) |	\
			 LSL_MAX_BIT(hold_max))

struct lsl_site {
	unsigned long		ip;
	unsigned long		lock;
	u8			kind;
	bool			many_locks;
	atomic64_t		stat[LSL_NR_STATS];
	atomic_t		hist[LSL_HIST];
};

static_assert(sizeof(struct lock_stat_lite_stats) == LSL_NR_STATS * sizeof(u64));

/*
 * Who blocked whom: waits counted per (holder site, waiter site).  The key
 * packs the two sites' indices in the table plus one, so that 0 is free.
 */
struct lsl_pair {
	u64			key;
	atomic64_t		count;
	atomic64_t		wait;
};

/* A name given to a lock; freed after a grace period. */
struct lsl_name {
	struct rcu_head		rcu;
	char			name[LSL_NAME_LEN];
};

struct lsl_level {
	struct lock_stat_lite_held held[LSL_DEPTH];
	unsigned int		gen;
	u8			depth;
	int			countdown;
	struct rnd_state	rnd;
};

struct lsl_cpu {
	struct lsl_level	level[LSL_LEVELS];
};

DEFINE_STATIC_KEY_FALSE(lock_stat_lite_key);
EXPORT_SYMBOL(lock_stat_lite_key);

static DEFINE_PER_CPU(struct lsl_cpu, lsl_cpu);

static struct lsl_site *lsl_table;
static struct lsl_pair *lsl_pairs;
static DEFINE_XARRAY(lsl_names);
static unsigned int lsl_table_bits __ro_after_init =
	CONFIG_LOCK_STAT_LITE_SITES_SHIFT;
static unsigned int lsl_sample __ro_after_init = CONFIG_LOCK_STAT_LITE_SAMPLE;
static bool lsl_boot_enable __initdata;

/* Read on every hooked acquire; written only by lsl_set()/reset. */
static bool lsl_stats_on __read_mostly;
static bool lsl_paused __read_mostly;
static unsigned int lsl_gen __read_mostly = 1;

static atomic_long_t lsl_used;
static atomic_long_t lsl_dropped;
static atomic_long_t lsl_untracked;
static atomic_long_t lsl_unknown_holder;
static atomic_long_t lsl_pairs_dropped;
static u64 lsl_reset_time;
static bool lsl_broken;
static DEFINE_MUTEX(lsl_mutex);

static const char *const lsl_kind_name[LSL_NR_KINDS] = {
	[LSL_SPIN]	= "spin",
	[LSL_READ]	= "read",
	[LSL_WRITE]	= "write",
	[LSL_MUTEX]	= "mutex",
	[LSL_RSEM]	= "rsem",
	[LSL_WSEM]	= "wsem",
};

static void lsl_disable_workfn(struct work_struct *work);
static DECLARE_WORK(lsl_disable_work, lsl_disable_workfn);

static void lsl_disable_irq_workfn(struct irq_work *w)
{
	schedule_work(&lsl_disable_work);
}

static DEFINE_IRQ_WORK(lsl_disable_irq_work, lsl_disable_irq_workfn);

/*
 * A bug in the statistics must never take the machine down: stop recording
 * at once, and drop the static key from process context later.
 */
#define LSL_WARN_ON(cond)						\
({									\
	bool __c = unlikely(cond);					\
	if (__c && !READ_ONCE(lsl_broken)) {				\
		WRITE_ONCE(lsl_broken, true);				\
		WRITE_ONCE(lsl_stats_on, false);			\
		irq_work_queue(&lsl_disable_irq_work);			\
		WARN(1, "lock_stat_lite: %s, disabled\n", #cond);	\
	}								\
	__c;								\
})

/* ------------------------------------------------------------- the table */

static struct lsl_site *lsl_site_get(unsigned long ip, enum lock_stat_lite_kind kind,
				     void *lock)
{
	unsigned long mask = (1UL << lsl_table_bits) - 1;
	unsigned long h = hash_long(ip, lsl_table_bits);
	unsigned int i;

	for (i = 0; i < LSL_PROBES; i++) {
		struct lsl_site *s = &lsl_table[(h + i) & mask];
		unsigned long cur = READ_ONCE(s->ip);

		if (!cur) {
			cur = cmpxchg(&s->ip, 0, ip);
			if (!cur) {
				WRITE_ONCE(s->kind, kind);
				WRITE_ONCE(s->lock, (unsigned long)lock);
				atomic_long_inc(&lsl_used);
				return s;
			}
		}
		if (cur == ip) {
			if (lock && READ_ONCE(s->lock) != (unsigned long)lock &&
			    !READ_ONCE(s->many_locks))
				WRITE_ONCE(s->many_locks, true);
			return s;
		}
	}
	atomic_long_inc(&lsl_dropped);
	return NULL;
}

static void lsl_max(atomic64_t *max, u64 val)
{
	s64 old = atomic64_read(max);

	while ((u64)old < val && !atomic64_try_cmpxchg(max, &old, val))
		;
}

/* ------------------------------------------------------------- the hooks */

static __always_inline struct lsl_level *lsl_this_level(void)
{
	struct lsl_level *lv;
	unsigned int gen;

	lv = this_cpu_ptr(&lsl_cpu.level[interrupt_context_level()]);
	gen = READ_ONCE(lsl_gen);
	if (unlikely(lv->gen != gen)) {
		lv->depth = 0;
		lv->gen = gen;
	}
	return lv;
}

static bool lsl_try(void *lock, enum lock_stat_lite_kind kind)
{
	if (kind == LSL_SPIN)
		return do_raw_spin_trylock(lock);
	if (kind == LSL_READ)
		return do_raw_read_trylock((rwlock_t *)lock);
	return do_raw_write_trylock((rwlock_t *)lock);
}

static void lsl_acquire(void *lock, enum lock_stat_lite_kind kind)
	__acquires(lock)
{
	if (kind == LSL_SPIN)
		do_raw_spin_lock(lock);
	else if (kind == LSL_READ)
		do_raw_read_lock((rwlock_t *)lock);
	else
		do_raw_write_lock((rwlock_t *)lock);
}

/* Does the lock word show a waiter?  Called by the holder. */
static bool lsl_has_waiters(void *lock, enum lock_stat_lite_kind kind)
{
	if (kind == LSL_SPIN)
		return raw_spin_is_contended((raw_spinlock_t *)lock);
	/* The first queued reader or writer spins holding wait_lock. */
	return arch_spin_is_locked(&((rwlock_t *)lock)->raw_lock.wait_lock);
}

static u32 lsl_next_interval(struct lsl_level *lv)
{
	if (lsl_sample <= 1)
		return 1;
	/* Uniform on [1, 2 * rate - 1]: mean rate, never in step with a loop. */
	return 1 + prandom_u32_state(&lv->rnd) % (2 * lsl_sample - 1);
}

/*
 * Count one acquisition in lsl_sample on average, scaled, at a random
 * interval kept in @lv.  Returns whether this one was sampled.
 */
static bool lsl_sample_acquire(struct lsl_level *lv, void *lock,
			       enum lock_stat_lite_kind kind, unsigned long ip)
{
	struct lsl_site *s;

	if (--lv->countdown > 0)
		return false;
	lv->countdown = lsl_next_interval(lv);
	s = lsl_site_get(ip, kind, lock);
	if (s)
		atomic64_add(lsl_sample, lsl_stat(s, acquisitions));
	return true;
}

/*
 * Push a hold on a stack of held locks: a CPU's context level, or a task's
 * sleeping locks.  Only the stack's owner pushes and pops.
 */
static void lsl_push(struct lock_stat_lite_held *held, u8 *depth,
		     unsigned int max, void *lock, enum lock_stat_lite_kind kind,
		     unsigned long ip, u64 now, bool sampled)
{
	unsigned long tag = (unsigned long)lock;
	struct lock_stat_lite_held *h;

	if (unlikely(*depth >= max)) {
		atomic_long_inc(&lsl_untracked);
		return;
	}
	if (sampled)
		tag |= LSL_TAG_SAMPLED;
	h = &held[*depth];
	h->site = ip;
	h->kind = kind;
	h->t_acquire = now;
	/* A waiter that sees the tag must see the site and time with it. */
	smp_wmb();
	WRITE_ONCE(h->tag, tag);
	WRITE_ONCE(*depth, *depth + 1);
}

static void lsl_push_level(struct lsl_level *lv, void *lock,
			   enum lock_stat_lite_kind kind, unsigned long ip,
			   u64 now)
{
	bool sampled = lsl_sample_acquire(lv, lock, kind, ip);

	lsl_push(lv->held, &lv->depth, LSL_DEPTH, lock, kind, ip, now, sampled);
}

/*
 * The current task's stack of sleeping locks.  A stack copied by fork(), or
 * left from an older generation, is emptied first.
 */
static struct lock_stat_lite_task *lsl_this_task(void)
{
	struct lock_stat_lite_task *t = &current->lock_stat_lite;
	unsigned int gen = READ_ONCE(lsl_gen);

	if (unlikely(t->owner != current || t->gen != gen)) {
		WRITE_ONCE(t->depth, 0);
		WRITE_ONCE(t->gen, gen);
		/* A waiter that sees the owner must see the empty stack. */
		smp_wmb();
		WRITE_ONCE(t->owner, current);
	}
	return t;
}

/* A sleeping lock was acquired; preemption is enabled. */
static void lsl_push_task(void *lock, enum lock_stat_lite_kind kind,
			  unsigned long ip, u64 now)
{
	struct lock_stat_lite_task *t;
	bool sampled;

	/* An interrupt must not push on the stack of the task it interrupted. */
	if (!in_task())
		return;
	/* For the per-CPU sampling state, and so that reset waits for us. */
	preempt_disable_notrace();
	sampled = lsl_sample_acquire(lsl_this_level(), lock, kind, ip);
	t = lsl_this_task();
	lsl_push(t->held, &t->depth, LOCK_STAT_LITE_TASK_DEPTH, lock, kind, ip,
		 now, sampled);
	preempt_enable_notrace();
}

/*
 * Find @lock in a stack of another CPU or task and mark the entry, so that
 * its release is counted as contended even where the lock word has no
 * waiter bits (virt_spin_lock()).  Returns the holder's acquire site and
 * kind, or 0.  Slow path only.
 */
static unsigned long lsl_mark_holder(struct lock_stat_lite_held *held,
				     unsigned int depth, unsigned int max,
				     void *lock, u32 *kind)
{
	unsigned long site;
	u32 hkind;
	int i;

	/*
	 * Newest first: an rwsem released by another task leaves a stale
	 * entry below the holder's current one.
	 */
	for (i = (int)min(depth, max) - 1; i >= 0; i--) {
		struct lock_stat_lite_held *h = &held[i];
		unsigned long tag = READ_ONCE(h->tag);

		if ((tag & ~LSL_TAG_FLAGS) != (unsigned long)lock)
			continue;
		/* Pairs with the smp_wmb() in lsl_push(). */
		smp_rmb();
		site = READ_ONCE(h->site);
		hkind = READ_ONCE(h->kind);
		/*
		 * Fails if the holder popped the entry meanwhile, or if another
		 * waiter marked it first: then it is still the holder's.
		 */
		if (!(tag & LSL_TAG_CONTENDED) &&
		    !try_cmpxchg(&h->tag, &tag, tag | LSL_TAG_CONTENDED) &&
		    (tag & ~LSL_TAG_FLAGS) != (unsigned long)lock)
			continue;
		*kind = hkind;
		return site;
	}
	return 0;
}

/* The holder of a spinning lock is in some CPU's stack. */
static unsigned long lsl_find_holder(void *lock, u32 *kind)
{
	unsigned int gen = READ_ONCE(lsl_gen);
	unsigned long site;
	int cpu, l;

	for_each_online_cpu(cpu) {
		struct lsl_cpu *c = per_cpu_ptr(&lsl_cpu, cpu);

		for (l = 0; l < LSL_LEVELS; l++) {
			struct lsl_level *lv = &c->level[l];

			if (READ_ONCE(lv->gen) != gen)
				continue;
			site = lsl_mark_holder(lv->held, READ_ONCE(lv->depth),
					       LSL_DEPTH, lock, kind);
			if (site)
				return site;
		}
	}
	return 0;
}

/*
 * Count a wait in the pair table of (holder site, waiter site), an unknown
 * holder as a holder index of its own.
 */
static void lsl_pair_add(struct lsl_site *holder, struct lsl_site *waiter,
			 u64 wait)
{
	u32 hi = holder ? holder - lsl_table + 1 : LSL_PAIR_UNKNOWN;
	u64 key = (u64)hi << 32 | (u32)(waiter - lsl_table + 1);
	unsigned long mask = (1UL << lsl_table_bits) - 1;
	unsigned long h = hash_64(key, lsl_table_bits);
	unsigned int i;

	for (i = 0; i < LSL_PROBES; i++) {
		struct lsl_pair *p = &lsl_pairs[(h + i) & mask];
		u64 cur = READ_ONCE(p->key);

		if (!cur) {
			cur = cmpxchg(&p->key, 0, key);
			if (!cur)
				cur = key;
		}
		if (cur == key) {
			atomic64_inc(&p->count);
			atomic64_add(wait, &p->wait);
			return;
		}
	}
	atomic_long_inc(&lsl_pairs_dropped);
}

static void lsl_record_wait(void *lock, enum lock_stat_lite_kind kind,
			    unsigned long ip, u64 wait, unsigned long holder,
			    enum lock_stat_lite_kind hkind)
{
	struct lsl_site *s = lsl_site_get(ip, kind, lock), *hs = NULL;

	if (s) {
		atomic64_inc(lsl_stat(s, contentions));
		atomic64_add(wait, lsl_stat(s, wait_total));
		lsl_max(lsl_stat(s, wait_max), wait);
		atomic_inc(&s->hist[min_t(int, fls64(wait), LSL_HIST - 1)]);
	}
	if (holder) {
		hs = lsl_site_get(holder, hkind, lock);
		if (!hs)
			return;
		atomic64_add(wait, lsl_stat(hs, blocked));
	} else {
		atomic_long_inc(&lsl_unknown_holder);
	}
	if (s)
		lsl_pair_add(hs, s, wait);
}

/**
 * __lock_stat_lite_lock() - acquire a lock and record the acquisition
 * @lock: the raw_spinlock_t or rwlock_t
 * @kind: which acquisition: spin, read or write
 * @ip: the call site, the return address of the lock call
 *
 * Called by the lock functions instead of LOCK_CONTENDED() while the hooks
 * are on, after preemption (and interrupts or bottom halves) were disabled
 * and lockdep was told.  Returns with the lock held.
 */
notrace void __lock_stat_lite_lock(void *lock, enum lock_stat_lite_kind kind,
				   unsigned long ip) __acquires(lock)
{
	unsigned long holder_site;
	struct lsl_level *lv;
	u32 hkind = kind;
	u64 t0, t1;

	if (!READ_ONCE(lsl_stats_on) || READ_ONCE(lsl_paused)) {
		lsl_acquire(lock, kind);
		return;
	}
	lv = lsl_this_level();
	if (likely(lsl_try(lock, kind))) {
		/* What __cond_lock() would tell sparse, without its ternary. */
		__acquire(lock);
		lsl_push_level(lv, lock, kind, ip, local_clock());
		return;
	}
	t0 = local_clock();
	holder_site = lsl_find_holder(lock, &hkind);
	lsl_acquire(lock, kind);
	t1 = local_clock();
	/*
	 * Push before recording the wait: the lock was often handed over
	 * with waiters queued behind us, and they look for its holder now.
	 */
	lsl_push_level(lv, lock, kind, ip, t1);
	lsl_record_wait(lock, kind, ip, t1 - t0, holder_site, hkind);
}
EXPORT_SYMBOL(__lock_stat_lite_lock);

/**
 * __lock_stat_lite_trylock() - record the outcome of a trylock
 * @lock: the raw_spinlock_t or rwlock_t
 * @kind: which acquisition: spin, read or write
 * @acquired: whether the trylock took the lock
 * @ip: the call site
 */
notrace void __lock_stat_lite_trylock(void *lock, enum lock_stat_lite_kind kind,
				      bool acquired, unsigned long ip)
{
	struct lsl_site *s;

	if (!READ_ONCE(lsl_stats_on) || READ_ONCE(lsl_paused))
		return;
	if (acquired) {
		if (LSL_SLEEPING(kind))
			lsl_push_task(lock, kind, ip, local_clock());
		else
			lsl_push_level(lsl_this_level(), lock, kind, ip,
				       local_clock());
		return;
	}
	s = lsl_site_get(ip, kind, lock);
	if (s)
		atomic64_inc(lsl_stat(s, trylock_failed));
}
EXPORT_SYMBOL(__lock_stat_lite_trylock);

static void lsl_record_release(struct lock_stat_lite_held *h, unsigned long tag,
			       bool contended, void *lock)
{
	u64 hold = local_clock() - h->t_acquire;
	struct lsl_site *s = lsl_site_get(h->site, h->kind, lock);

	if (!s)
		return;
	if (contended) {
		atomic64_inc(lsl_stat(s, contended_releases));
		atomic64_add(hold, lsl_stat(s, chold_total));
		lsl_max(lsl_stat(s, chold_max), hold);
	}
	if (tag & LSL_TAG_SAMPLED) {
		atomic64_inc(lsl_stat(s, holds_sampled));
		atomic64_add(hold, lsl_stat(s, hold_total));
		lsl_max(lsl_stat(s, hold_max), hold);
	}
}

/*
 * Pop @lock from a stack of held locks and charge the hold to its acquire
 * site.  Returns whether the hold was contended: the caller saw waiters in
 * the lock word, or a waiter marked the entry.
 */
static bool lsl_pop(struct lock_stat_lite_held *held, u8 *depth,
		    unsigned int max, void *lock, bool contended)
{
	struct lock_stat_lite_held *h;
	unsigned long tag;
	int i;

	if (LSL_WARN_ON(*depth > max))
		return contended;
	for (i = *depth - 1; i >= 0; i--) {
		h = &held[i];
		tag = READ_ONCE(h->tag);
		if ((tag & ~LSL_TAG_FLAGS) == (unsigned long)lock)
			break;
	}
	if (i < 0)
		return contended;
	/*
	 * From here a waiter's cmpxchg fails.  One that marked the entry
	 * between the read above and this store is missed; the lock word
	 * still shows it on the queued path.
	 */
	WRITE_ONCE(h->tag, 0);
	contended |= tag & LSL_TAG_CONTENDED;
	if (contended || (tag & LSL_TAG_SAMPLED))
		lsl_record_release(h, tag, contended, lock);
	/* Reclaim the hole left by out-of-order releases. */
	while (*depth && !READ_ONCE(held[*depth - 1].tag))
		WRITE_ONCE(*depth, *depth - 1);
	return contended;
}

/**
 * __lock_stat_lite_release() - record a release; call before unlocking
 * @lock: the raw_spinlock_t or rwlock_t
 * @kind: which acquisition is released: spin, read or write
 *
 * Fires contended_release when the lock word shows waiters or a waiter
 * marked the hold (virt_spin_lock() leaves no waiter bits), and charges
 * the hold to the site that acquired it.
 */
notrace void __lock_stat_lite_release(void *lock, enum lock_stat_lite_kind kind)
{
	bool contended = lsl_has_waiters(lock, kind);
	struct lsl_level *lv;

	if (READ_ONCE(lsl_stats_on) && !READ_ONCE(lsl_paused)) {
		lv = lsl_this_level();
		contended = lsl_pop(lv->held, &lv->depth, LSL_DEPTH, lock,
				    contended);
	}
	if (contended)
		trace_contended_release(lock);
}
EXPORT_SYMBOL(__lock_stat_lite_release);

/**
 * __lock_stat_lite_wait_begin() - a sleeping lock's fast path failed
 * @w: the wait, on the waiter's stack
 * @lock: the mutex or rw_semaphore
 * @owner: the task that holds @lock, or NULL if not known
 *
 * Called under rcu_read_lock(), which keeps @owner's task_struct alive as
 * it does for optimistic spinning.  Readers of an rwsem are not known:
 * its owner field names only the last reader, which may be gone.
 */
notrace void __lock_stat_lite_wait_begin(struct lock_stat_lite_wait *w,
					 void *lock, struct task_struct *owner)
{
	w->holder = 0;
	w->hkind = 0;
	w->gen = 0;
	if (!READ_ONCE(lsl_stats_on) || READ_ONCE(lsl_paused))
		return;
	w->gen = READ_ONCE(lsl_gen);
	if (owner) {
		struct lock_stat_lite_task *t = &owner->lock_stat_lite;

		/* A copy made by fork() or an older generation holds nothing. */
		if (READ_ONCE(t->owner) == owner && READ_ONCE(t->gen) == w->gen) {
			/* Pairs with the smp_wmb() in lsl_this_task(). */
			smp_rmb();
			w->holder = lsl_mark_holder(t->held, READ_ONCE(t->depth),
						    LOCK_STAT_LITE_TASK_DEPTH,
						    lock, &w->hkind);
		}
	}
	w->t0 = local_clock();
}
EXPORT_SYMBOL(__lock_stat_lite_wait_begin);

/**
 * __lock_stat_lite_wait_end() - a sleeping lock's slow path returned
 * @w: the wait that __lock_stat_lite_wait_begin() started
 * @lock: the mutex or rw_semaphore
 * @kind: mutex, rwsem read or rwsem write
 * @ip: the call site
 * @acquired: false when the wait was interrupted
 *
 * The wait may have moved the waiter to another CPU; local_clock() is
 * close enough across CPUs for a wait that slept.  A wait that straddles
 * an enable or a reset is not counted.
 */
notrace void __lock_stat_lite_wait_end(struct lock_stat_lite_wait *w,
				       void *lock, enum lock_stat_lite_kind kind,
				       unsigned long ip, bool acquired)
{
	u64 now = local_clock();

	/* Visible as the holder to the waiters queued behind us first. */
	if (acquired && READ_ONCE(lsl_stats_on))
		lsl_push_task(lock, kind, ip, now);
	preempt_disable_notrace();
	if (READ_ONCE(lsl_stats_on) && !READ_ONCE(lsl_paused) &&
	    w->gen == READ_ONCE(lsl_gen))
		lsl_record_wait(lock, kind, ip, now - w->t0, w->holder, w->hkind);
	preempt_enable_notrace();
}
EXPORT_SYMBOL(__lock_stat_lite_wait_end);

/**
 * __lock_stat_lite_sleep_release() - a sleeping lock is about to be released
 * @lock: the mutex or rw_semaphore
 * @waiters: the lock word shows waiters
 *
 * Charges the hold to the site that acquired it and fires
 * contended_release when there are waiters.  A release by a task that did
 * not record the acquire (up_read_non_owner(), or a lock taken while off)
 * finds nothing and is ignored.
 */
notrace void __lock_stat_lite_sleep_release(void *lock, bool waiters)
{
	bool contended = waiters;

	if (READ_ONCE(lsl_stats_on) && in_task()) {
		preempt_disable_notrace();
		if (!READ_ONCE(lsl_paused)) {
			struct lock_stat_lite_task *t = lsl_this_task();

			contended = lsl_pop(t->held, &t->depth,
					    LOCK_STAT_LITE_TASK_DEPTH, lock,
					    contended);
		}
		preempt_enable_notrace();
	}
	if (contended)
		trace_contended_release(lock);
}
EXPORT_SYMBOL(__lock_stat_lite_sleep_release);

/* ---------------------------------------------------------- control */

static void lsl_disable_workfn(struct work_struct *work)
{
	lock_stat_lite_set_enabled(false);
}

/**
 * lock_stat_lite_enabled() - are the statistics being recorded?
 *
 * Return: true while the statistics are on.
 */
bool lock_stat_lite_enabled(void)
{
	return READ_ONCE(lsl_stats_on);
}
EXPORT_SYMBOL_GPL(lock_stat_lite_enabled);

/**
 * lock_stat_lite_set_enabled() - turn the statistics on or off
 * @on: the new state
 *
 * Process context only.  Holds that were taken while off are ignored at
 * their release; holds taken before a disable never match after it.
 *
 * Return: 0, or -ENOMEM if the table could not be allocated at boot, or
 * -EIO after an internal error disabled the facility.
 */
int lock_stat_lite_set_enabled(bool on)
{
	int ret = 0;

	mutex_lock(&lsl_mutex);
	if (!lsl_table) {
		ret = -ENOMEM;
	} else if (on && READ_ONCE(lsl_broken)) {
		ret = -EIO;
	} else if (on && !lsl_stats_on) {
		WRITE_ONCE(lsl_gen, lsl_gen + 1);
		WRITE_ONCE(lsl_stats_on, true);
		static_branch_inc(&lock_stat_lite_key);
	} else if (!on && static_key_enabled(&lock_stat_lite_key) &&
		   (lsl_stats_on || lsl_broken)) {
		WRITE_ONCE(lsl_stats_on, false);
		static_branch_dec(&lock_stat_lite_key);
	}
	mutex_unlock(&lsl_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(lock_stat_lite_set_enabled);

/**
 * lock_stat_lite_reset() - clear every statistic
 *
 * Process context only; waits for the hooks in flight to finish.
 */
void lock_stat_lite_reset(void)
{
	mutex_lock(&lsl_mutex);
	if (lsl_table) {
		WRITE_ONCE(lsl_paused, true);
		synchronize_rcu();
		memset(lsl_table, 0, sizeof(*lsl_table) << lsl_table_bits);
		memset(lsl_pairs, 0, sizeof(*lsl_pairs) << lsl_table_bits);
		atomic_long_set(&lsl_pairs_dropped, 0);
		atomic_long_set(&lsl_used, 0);
		atomic_long_set(&lsl_dropped, 0);
		atomic_long_set(&lsl_untracked, 0);
		atomic_long_set(&lsl_unknown_holder, 0);
		WRITE_ONCE(lsl_gen, lsl_gen + 1);
		lsl_reset_time = ktime_get_ns();
		WRITE_ONCE(lsl_paused, false);
	}
	mutex_unlock(&lsl_mutex);
}
EXPORT_SYMBOL_GPL(lock_stat_lite_reset);

/**
 * lock_stat_lite_table_info() - how full the table of call sites is
 * @used: sites in use
 * @size: sites in the table
 * @dropped: events not counted because their site found no free slot
 */
void lock_stat_lite_table_info(unsigned long *used, unsigned long *size,
			       unsigned long *dropped)
{
	*used = atomic_long_read(&lsl_used);
	*size = lsl_table ? 1UL << lsl_table_bits : 0;
	*dropped = atomic_long_read(&lsl_dropped);
}
EXPORT_SYMBOL_GPL(lock_stat_lite_table_info);

EXPORT_TRACEPOINT_SYMBOL_GPL(contended_release);

/* contended_release has a probe: the hooks must run to fire it. */
int lock_stat_lite_trace_reg(void)
{
	static_branch_inc(&lock_stat_lite_key);
	return 0;
}

void lock_stat_lite_trace_unreg(void)
{
	static_branch_dec(&lock_stat_lite_key);
}

static void lsl_site_read(struct lsl_site *s, struct lock_stat_lite_stats *st)
{
	u64 *v = (u64 *)st;
	int i;

	for (i = 0; i < LSL_NR_STATS; i++)
		v[i] = atomic64_read(&s->stat[i]);
}

/* The bounds of the function containing @func: (start, start + size]. */
static bool lsl_func_range(const void *func, unsigned long *start,
			   unsigned long *end)
{
	unsigned long size, offset;

	if (!kallsyms_lookup_size_offset((unsigned long)func, &size, &offset))
		return false;
	*start = (unsigned long)func - offset;
	*end = *start + size;
	return true;
}

/**
 * lock_stat_lite_func_stats() - sum the statistics of the sites in a function
 * @func: any address inside the function whose call sites to sum
 * @kind: the kind of acquisition to sum
 * @out: where to store the sums
 *
 * For tests and tools that know the function that takes a lock but not the
 * exact call site.
 *
 * Return: the number of sites summed, or -ENOENT if @func is not a known
 * function.
 */
int lock_stat_lite_func_stats(const void *func, enum lock_stat_lite_kind kind,
			      struct lock_stat_lite_stats *out)
{
	struct lock_stat_lite_stats st;
	unsigned long start, end, i;
	int n = 0, j;

	memset(out, 0, sizeof(*out));
	if (!lsl_table || !lsl_func_range(func, &start, &end))
		return -ENOENT;
	for (i = 0; i < (1UL << lsl_table_bits); i++) {
		struct lsl_site *s = &lsl_table[i];
		unsigned long ip = READ_ONCE(s->ip);

		if (ip <= start || ip > end || READ_ONCE(s->kind) != kind)
			continue;
		lsl_site_read(s, &st);
		for (j = 0; j < LSL_NR_STATS; j++) {
			u64 *sum = (u64 *)out + j, v = ((u64 *)&st)[j];

			*sum = LSL_MAX_STATS & BIT(j) ? max(*sum, v) : *sum + v;
		}
		n++;
	}
	return n;
}
EXPORT_SYMBOL_GPL(lock_stat_lite_func_stats);

/* Is @idx, an index in the pair key, a site inside (start, end]? */
static bool lsl_pair_site_in(u32 idx, unsigned long start, unsigned long end)
{
	unsigned long ip;

	if (!idx || idx == LSL_PAIR_UNKNOWN || idx > (1UL << lsl_table_bits))
		return false;
	ip = READ_ONCE(lsl_table[idx - 1].ip);
	return ip > start && ip <= end;
}

/**
 * lock_stat_lite_pair_stats() - sum the waits of holder/waiter site pairs
 * @holder_func: any address inside the function that held the lock, or
 *	NULL for waits whose holder was not known
 * @waiter_func: any address inside the function that waited
 * @count: the number of waits
 * @wait: their total wait, in ns
 *
 * Return: the number of pairs summed, or -ENOENT if a function is unknown.
 */
int lock_stat_lite_pair_stats(const void *holder_func, const void *waiter_func,
			      u64 *count, u64 *wait)
{
	unsigned long hs = 0, he = 0, ws, we, i;
	int n = 0;

	*count = 0;
	*wait = 0;
	if (!lsl_pairs || !lsl_func_range(waiter_func, &ws, &we) ||
	    (holder_func && !lsl_func_range(holder_func, &hs, &he)))
		return -ENOENT;
	for (i = 0; i < (1UL << lsl_table_bits); i++) {
		struct lsl_pair *p = &lsl_pairs[i];
		u64 key = READ_ONCE(p->key);

		if (!key || !lsl_pair_site_in((u32)key, ws, we))
			continue;
		if (holder_func ? !lsl_pair_site_in(key >> 32, hs, he) :
				  (key >> 32) != LSL_PAIR_UNKNOWN)
			continue;
		*count += atomic64_read(&p->count);
		*wait += atomic64_read(&p->wait);
		n++;
	}
	return n;
}
EXPORT_SYMBOL_GPL(lock_stat_lite_pair_stats);

/**
 * lock_stat_lite_name_lock() - give a lock a name in /proc/lock_stat_lite
 * @lock: the lock, of any kind
 * @name: the name, copied (at most 23 characters are kept)
 *
 * For hot locks that live in dynamic memory, where the rows could not name
 * the lock otherwise.  The hooks never look names up: naming a lock costs
 * its lock and unlock paths nothing.  Unname the lock before freeing it.
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM.
 */
int lock_stat_lite_name_lock(const void *lock, const char *name)
{
	struct lsl_name *n = kzalloc(sizeof(*n), GFP_KERNEL), *old;

	if (!n)
		return -ENOMEM;
	strscpy(n->name, name, sizeof(n->name));
	old = xa_store(&lsl_names, (unsigned long)lock, n, GFP_KERNEL);
	if (xa_is_err(old)) {
		kfree(n);
		return xa_err(old);
	}
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}
EXPORT_SYMBOL_GPL(lock_stat_lite_name_lock);

/**
 * lock_stat_lite_unname_lock() - forget the name given to a lock
 * @lock: the lock; nothing happens if it has no name
 *
 * Context: process context.
 */
void lock_stat_lite_unname_lock(const void *lock)
{
	struct lsl_name *old = xa_erase(&lsl_names, (unsigned long)lock);

	if (old)
		kfree_rcu(old, rcu);
}
EXPORT_SYMBOL_GPL(lock_stat_lite_unname_lock);

/* ------------------------------------------------------------- reporting */

struct lsl_row {
	unsigned long			ip;
	unsigned long			lock;
	u8				kind;
	bool				many_locks;
	char				name[LSL_NAME_LEN];
	struct lock_stat_lite_stats	st;
	u32				hist[LSL_HIST];
};

struct lsl_pair_row {
	unsigned long	holder, waiter;
	u8		hkind, wkind;
	u64		count, wait;
};

struct lsl_snapshot {
	unsigned long		used, dropped, untracked, unknown_holder;
	unsigned long		pairs_used, pairs_dropped;
	u64			since;
	bool			on;
	size_t			nr, nr_pairs;
	struct lsl_pair_row	*pairs;
	struct lsl_row		rows[];
};

static int lsl_row_cmp(const void *a, const void *b)
{
	const struct lsl_row *x = a, *y = b;

	if (x->st.wait_total != y->st.wait_total)
		return x->st.wait_total < y->st.wait_total ? 1 : -1;
	if (x->st.blocked != y->st.blocked)
		return x->st.blocked < y->st.blocked ? 1 : -1;
	if (x->st.acquisitions != y->st.acquisitions)
		return x->st.acquisitions < y->st.acquisitions ? 1 : -1;
	return 0;
}

static int lsl_pair_cmp(const void *a, const void *b)
{
	const struct lsl_pair_row *x = a, *y = b;

	if (x->wait != y->wait)
		return x->wait < y->wait ? 1 : -1;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return 0;
}

static bool lsl_is_static(unsigned long addr)
{
	return is_kernel_core_data(addr) || is_module_address(addr);
}

static void lsl_show_row(struct seq_file *m, struct lsl_row *r)
{
	struct lock_stat_lite_stats *st = &r->st;
	int b, first = 1;

	seq_printf(m, "%-5s %10llu %14llu %12llu %12llu %9llu %12llu %9llu %14llu %12llu %14llu %8llu %12llu %12llu  %pS",
		   lsl_kind_name[r->kind], st->contentions, st->wait_total,
		   st->wait_max, st->contentions ? div64_u64(st->wait_total, st->contentions) : 0,
		   st->trylock_failed, st->acquisitions, st->contended_releases,
		   st->chold_total, st->chold_max, st->blocked, st->holds_sampled,
		   st->holds_sampled ? div64_u64(st->hold_total, st->holds_sampled) : 0,
		   st->hold_max, (void *)r->ip);
	if (r->name[0])
		seq_printf(m, "  lock=%s%s", r->name, r->many_locks ? "+" : "");
	else if (r->lock && !r->many_locks && lsl_is_static(r->lock))
		seq_printf(m, "  lock=%pS", (void *)r->lock);
	for (b = 0; b < LSL_HIST; b++) {
		if (!r->hist[b])
			continue;
		seq_printf(m, "%s%d:%u", first ? "  hist=" : ",", b, r->hist[b]);
		first = 0;
	}
	seq_putc(m, '\n');
}

static void lsl_show_pair(struct seq_file *m, struct lsl_pair_row *p)
{
	seq_printf(m, "%10llu %14llu  %-5s ", p->count, p->wait,
		   p->holder ? lsl_kind_name[p->hkind] : "-");
	if (p->holder)
		seq_printf(m, "%pS", (void *)p->holder);
	else
		seq_puts(m, "unknown");
	seq_printf(m, "  <-  %-5s %pS\n", lsl_kind_name[p->wkind],
		   (void *)p->waiter);
}

static int lsl_show(struct seq_file *m, void *v)
{
	struct lsl_snapshot *snap = m->private;
	size_t i;

	seq_puts(m, "lock_stat_lite version " LSL_VERSION "\n");
	seq_printf(m, "enabled: %d\n", snap->on);
	seq_printf(m, "sites: %lu used of %lu, %lu events dropped (table full)\n",
		   snap->used, 1UL << lsl_table_bits, snap->dropped);
	seq_printf(m, "untracked holds: %lu, waits with unknown holder: %lu\n",
		   snap->untracked, snap->unknown_holder);
	seq_printf(m, "acquisitions: sampled, one in %u on average per CPU, scaled by %u\n",
		   lsl_sample, lsl_sample);
	seq_printf(m, "since reset: %llu.%03llu s\n", div_u64(snap->since, NSEC_PER_SEC),
		   div_u64(snap->since, NSEC_PER_MSEC) % 1000);
	if (snap->dropped)
		seq_puts(m, "WARNING: the site table is full, some events are not counted\n");
	seq_puts(m, "# times in ns; acq and holds are sampled; hist=log2(wait ns):count\n");
	seq_printf(m, "# %-3s %10s %14s %12s %12s %9s %12s %9s %14s %12s %14s %8s %12s %12s  %s\n",
		   "kind", "con", "wait-total", "wait-max", "wait-avg", "try-fail",
		   "acq", "con-rel", "chold-total", "chold-max", "blocked",
		   "holds", "hold-avg", "hold-max", "site");
	for (i = 0; i < snap->nr; i++)
		lsl_show_row(m, &snap->rows[i]);

	seq_printf(m, "\nwho blocked whom: %lu pairs used of %lu, %lu waits dropped (table full)\n",
		   snap->pairs_used, 1UL << lsl_table_bits, snap->pairs_dropped);
	seq_printf(m, "# top %d (holder site, waiter site) pairs by total wait, in ns\n",
		   LSL_TOP_PAIRS);
	seq_printf(m, "# %8s %14s  %-5s %s  <-  %-5s %s\n", "waits", "wait-total",
		   "kind", "holder", "kind", "waiter");
	for (i = 0; i < snap->nr_pairs && i < LSL_TOP_PAIRS; i++)
		lsl_show_pair(m, &snap->pairs[i]);
	return 0;
}

static void lsl_snapshot_free(struct lsl_snapshot *snap)
{
	kvfree(snap->pairs);
	kvfree(snap);
}

static void lsl_snapshot_site(struct lsl_site *s, unsigned long *ip, u8 *kind)
{
	*ip = READ_ONCE(s->ip);
	*kind = min_t(u8, READ_ONCE(s->kind), LSL_NR_KINDS - 1);
}

static void lsl_snapshot_pairs(struct lsl_snapshot *snap)
{
	unsigned long i, size = 1UL << lsl_table_bits;
	size_t n = 0;

	for (i = 0; i < size; i++) {
		struct lsl_pair *p = &lsl_pairs[i];
		struct lsl_pair_row *r = &snap->pairs[n];
		u64 key = READ_ONCE(p->key);
		u32 hi = key >> 32, wi = (u32)key;

		if (!key || !wi || wi > size ||
		    (hi != LSL_PAIR_UNKNOWN && (!hi || hi > size)))
			continue;
		lsl_snapshot_site(&lsl_table[wi - 1], &r->waiter, &r->wkind);
		r->holder = 0;
		r->hkind = 0;
		if (hi != LSL_PAIR_UNKNOWN)
			lsl_snapshot_site(&lsl_table[hi - 1], &r->holder, &r->hkind);
		r->count = atomic64_read(&p->count);
		r->wait = atomic64_read(&p->wait);
		/* A site cleared by a reset that is still in progress. */
		if (!r->waiter || (hi != LSL_PAIR_UNKNOWN && !r->holder))
			continue;
		n++;
	}
	snap->pairs_used = n;
	snap->nr_pairs = n;
	sort(snap->pairs, n, sizeof(snap->pairs[0]), lsl_pair_cmp, NULL);
}

static struct lsl_snapshot *lsl_snapshot(void)
{
	unsigned long i, n = 0, size = 1UL << lsl_table_bits;
	struct lsl_snapshot *snap;

	if (!lsl_table)
		return ERR_PTR(-ENOMEM);
	snap = kvzalloc(struct_size(snap, rows, size), GFP_KERNEL);
	if (!snap)
		return ERR_PTR(-ENOMEM);
	snap->pairs = kvcalloc(size, sizeof(*snap->pairs), GFP_KERNEL);
	if (!snap->pairs) {
		kvfree(snap);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < size; i++) {
		struct lsl_site *s = &lsl_table[i];
		struct lsl_row *r = &snap->rows[n];
		struct lsl_name *name;
		int b;

		lsl_snapshot_site(s, &r->ip, &r->kind);
		if (!r->ip)
			continue;
		r->lock = READ_ONCE(s->lock);
		r->many_locks = READ_ONCE(s->many_locks);
		rcu_read_lock();
		name = xa_load(&lsl_names, r->lock);
		if (name)
			strscpy(r->name, name->name, sizeof(r->name));
		rcu_read_unlock();
		lsl_site_read(s, &r->st);
		for (b = 0; b < LSL_HIST; b++)
			r->hist[b] = atomic_read(&s->hist[b]);
		n++;
	}
	snap->nr = n;
	snap->on = lock_stat_lite_enabled();
	snap->used = atomic_long_read(&lsl_used);
	snap->dropped = atomic_long_read(&lsl_dropped);
	snap->untracked = atomic_long_read(&lsl_untracked);
	snap->unknown_holder = atomic_long_read(&lsl_unknown_holder);
	snap->pairs_dropped = atomic_long_read(&lsl_pairs_dropped);
	snap->since = ktime_get_ns() - READ_ONCE(lsl_reset_time);
	sort(snap->rows, n, sizeof(snap->rows[0]), lsl_row_cmp, NULL);
	lsl_snapshot_pairs(snap);
	return snap;
}

static int lsl_open(struct inode *inode, struct file *file)
{
	struct lsl_snapshot *snap = lsl_snapshot();
	int ret;

	if (IS_ERR(snap))
		return PTR_ERR(snap);
	ret = single_open_size(file, lsl_show, snap,
			       4096 + (snap->nr + LSL_TOP_PAIRS) * 256);
	if (ret)
		lsl_snapshot_free(snap);
	return ret;
}

static int lsl_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	lsl_snapshot_free(m->private);
	return single_release(inode, file);
}

/**
 * lock_stat_lite_print() - print what /proc/lock_stat_lite shows
 * @buf: where to print, NUL-terminated
 * @size: the size of @buf
 *
 * For the KUnit suite, which runs without a mounted /proc.
 *
 * Return: the length printed, -EOVERFLOW if @buf was too small, or -ENOMEM.
 */
ssize_t lock_stat_lite_print(char *buf, size_t size)
{
	struct lsl_snapshot *snap = lsl_snapshot();
	struct seq_file m = { .buf = buf, .size = size - 1 };
	ssize_t ret;

	if (IS_ERR(snap))
		return PTR_ERR(snap);
	m.private = snap;
	lsl_show(&m, NULL);
	ret = seq_has_overflowed(&m) ? -EOVERFLOW : m.count;
	buf[min(m.count, size - 1)] = '\0';
	lsl_snapshot_free(snap);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(lock_stat_lite_print);

static ssize_t lsl_write(struct file *file, const char __user *buf,
			 size_t count, loff_t *ppos)
{
	char c[2];

	/* Exactly "0", with an optional newline, clears everything. */
	if (count < 1 || count > 2)
		return -EINVAL;
	if (copy_from_user(c, buf, count))
		return -EFAULT;
	if (c[0] != '0' || (count == 2 && c[1] != '\n'))
		return -EINVAL;
	lock_stat_lite_reset();
	return count;
}

static const struct proc_ops lsl_proc_ops = {
	.proc_open	= lsl_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_write	= lsl_write,
	.proc_release	= lsl_release,
};

static int lsl_sysctl(const struct ctl_table *table, int write, void *buffer,
		      size_t *lenp, loff_t *ppos)
{
	int val = lock_stat_lite_enabled(), ret;
	struct ctl_table t = *table;

	t.data = &val;
	ret = proc_dointvec_minmax(&t, write, buffer, lenp, ppos);
	if (ret || !write)
		return ret;
	return lock_stat_lite_set_enabled(val);
}

static struct ctl_table lsl_sysctls[] = {
	{
		.procname	= "lock_stat_lite",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= lsl_sysctl,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
};

/* ------------------------------------------------------------------ init */

static int __init lsl_setup(char *str)
{
	return !kstrtobool(str, &lsl_boot_enable);
}
__setup("lock_stat_lite=", lsl_setup);

static int __init lsl_setup_sites(char *str)
{
	unsigned int sites;

	if (kstrtouint(str, 0, &sites) || sites < 64 || sites > (1U << 20))
		return 0;
	lsl_table_bits = ilog2(roundup_pow_of_two(sites));
	return 1;
}
__setup("lock_stat_lite_sites=", lsl_setup_sites);

static int __init lsl_setup_sample(char *str)
{
	unsigned int rate;

	if (kstrtouint(str, 0, &rate) || rate < 1 || rate > (1U << 16))
		return 0;
	lsl_sample = rate;
	return 1;
}
__setup("lock_stat_lite_sample=", lsl_setup_sample);

static int __init lsl_init(void)
{
	int cpu, l;

	for_each_possible_cpu(cpu) {
		for (l = 0; l < LSL_LEVELS; l++) {
			struct lsl_level *lv = &per_cpu(lsl_cpu, cpu).level[l];

			prandom_seed_state(&lv->rnd, get_random_u64());
			lv->countdown = lsl_next_interval(lv);
		}
	}
	lsl_pairs = kvcalloc(1UL << lsl_table_bits, sizeof(*lsl_pairs), GFP_KERNEL);
	if (!lsl_pairs)
		return -ENOMEM;
	lsl_table = kvcalloc(1UL << lsl_table_bits, sizeof(*lsl_table), GFP_KERNEL);
	if (!lsl_table) {
		kvfree(lsl_pairs);
		return -ENOMEM;
	}
	lsl_reset_time = ktime_get_ns();
	pr_info("%lu sites and pairs (%zu bytes), sampling 1 in %u acquisitions\n",
		1UL << lsl_table_bits,
		(sizeof(*lsl_table) + sizeof(*lsl_pairs)) << lsl_table_bits,
		lsl_sample);
	if (lsl_boot_enable)
		lock_stat_lite_set_enabled(true);
	return 0;
}
core_initcall(lsl_init);

static int __init lsl_init_proc(void)
{
	proc_create("lock_stat_lite", 0400, NULL, &lsl_proc_ops);
	register_sysctl("kernel", lsl_sysctls);
	return 0;
}
late_initcall(lsl_init_proc);

static_assert(ARRAY_SIZE(lsl_kind_name) == LSL_NR_KINDS);
