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
 * lock.
 *
 * Off, and on
 * -----------
 * Each hooked lock function in spinlock.c, mutex.c and rwsem.c starts with
 * one static branch.  Off, it is a NOP and the upstream body runs as it
 * was.  On, it is a tail jump to the function's twin here (or, for the
 * sleeping locks, next to the function), which takes the lock and records
 * it.  A twin's fast path, an uncontended acquisition and its release,
 * reads no clock, runs no atomic beyond the lock's own and writes only
 * CPU-local (or task-local) lines: the acquisition pushes {lock, site} on a
 * stack of held locks, and the release compares the top entry and pops it.
 * Everything else is a slow path in a function of its own:
 *
 * - one acquisition in lock_stat_lite_sample on average, at random
 *   intervals, is timed and counted, scaled, at its release;
 * - a contended acquisition times its wait and keeps it in its entry;
 * - a release whose lock word shows waiters, or whose entry a waiter
 *   marked, is a contended release.
 *
 * Nothing is recorded while the lock is held: the release copies what it
 * needs, clears the lock word and only then writes the table.
 *
 * Who blocked whom
 * ----------------
 * A contended release publishes {lock, site, time} in a small per-CPU ring
 * just before it clears the lock word.  A waiter, once it has released the
 * lock in turn, looks in every CPU's ring for the newest release of its
 * lock inside its own wait: that release's site blocked it.  The first
 * waiter to claim a release also records the hold from its own arrival to
 * that release (the contended hold).  Nothing of this runs while a waiter
 * queues or waits.  A queued spinlock's lock word shows its waiters; a
 * test-and-set spinlock (virt_spin_lock() in a guest) does not, so there
 * the waiter marks the holder's entry in the holder's CPU stack, before
 * its wait starts, which costs it no place in a queue it does not have.
 * A sleeping lock's waiter marks its owner's entry the same way, because
 * an optimistic spinner may get the lock before it sets the waiters flag.
 * A wait that began while the lock was free, with others queued for it,
 * and that no contended release ended, counts as queued, not unknown.
 *
 * Data layout
 * -----------
 * - A fixed table of call sites, allocated at boot and never resized.  A
 *   site is claimed with one cmpxchg on its ip; a full neighbourhood counts
 *   the event as dropped.  Only slow paths write it.
 * - Per CPU, one stack of held spinning locks for every context.  A push
 *   reserves its slot (depth + 1) before it fills it, so that an interrupt
 *   or NMI that nests into it pushes above.  Slot 0 is a sentinel that
 *   never matches, so that the fast release needs no bounds check.
 * - Per task, a stack of three held sleeping locks in task_struct.
 * - Per CPU, a ring of the last contended releases.
 *
 * Contexts and the assumptions they rest on
 * ----------------------------------------
 * - Spinning locks are held with preemption off, so the acquire and the
 *   release run on the same CPU.  A release by another task on the same
 *   CPU (the runqueue lock handed over in a context switch) finds the entry
 *   on the same stack.  Contexts nest in stack order: an interrupt releases
 *   what it took before it returns.
 * - Locks released out of order leave a hole, reclaimed when the entries
 *   above it are popped.  A full stack does not record the hold; its
 *   release then finds nothing and is ignored.
 * - A release that finds no entry (the lock was taken while the hooks were
 *   off) is ignored, never attributed to another site.  The stacks are
 *   emptied whenever the hooks go from off to on.
 * - The hooks take no lock, allocate nothing, do not sleep, never WARN
 *   and are built without ftrace instrumentation.  The only call out is
 *   the contended_release tracepoint, after the lock word is cleared.
 * - Enabling, disabling and reset run in process context under a mutex;
 *   reset waits for the slow paths in flight with synchronize_rcu().
 *
 * Times come from local_clock().  A wait and a sampled hold are measured
 * on one CPU; a sleeping lock's wait may straddle CPUs.
 */

#define pr_fmt(fmt) "lock_stat_lite: " fmt

#include <linux/spinlock.h>
#include <linux/rwlock.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/bottom_half.h>
#include <linux/hash.h>
#include <linux/prandom.h>
#include <linux/seqlock.h>
#include <linux/mutex.h>
#include <linux/init.h>
#include <linux/log2.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/cache.h>
#include <linux/debugfs.h>
#include <linux/stop_machine.h>
#include <asm/qrwlock.h>
#include <kunit/visibility.h>

#include <trace/events/lock.h>

#include "lock_stat_lite_internals.h"

#define LSL_DEPTH		16
#define LSL_RING		16
#define LSL_PROBES		32

/* ------------------------------------------------------------------ data */

/*
 * A CPU's held spinning locks.  @top is the byte offset of the newest
 * entry in @held (0, the sentinel, when empty), so that the fast paths
 * index it without a multiply.  @slow[i] belongs to @held[i] and is
 * written only for sampled and waited acquisitions.
 */
struct lsl_slow {
	u64		t;	/* acquired */
	u32		wait;
	u32		flags;
};

struct lsl_stack {
	unsigned long			top;
	struct lock_stat_lite_held	held[LSL_DEPTH + 1];
	struct lsl_slow			slow[LSL_DEPTH + 1];
};

#define LSL_ENTRY		sizeof(struct lock_stat_lite_held)
#define LSL_TOP_MAX		(LSL_DEPTH * LSL_ENTRY)
static_assert(sizeof(struct lsl_slow) == LSL_ENTRY);

/* The element at byte offset @top of @array, in @array's address space. */
#define lsl_at(array, top)	((typeof(array + 0))((uintptr_t)(array) + (top)))

/*
 * This CPU's copy of a per-CPU variable.  Where the compiler addresses
 * per-CPU data through a segment register (x86), the fast paths load no
 * per-CPU offset.
 */
#ifdef CONFIG_USE_X86_SEG_SUPPORT
#define lsl_this(var)		__my_cpu_ptr(&(var))
#else
#define lsl_this(var)		this_cpu_ptr(&(var))
#endif

/*
 * A contended release, for the waiters that look for their holder.  Its
 * CPU writes it under @seq; a nested context takes the next slot.
 */
struct lsl_rel {
	seqcount_t	seq;
	unsigned long	lock;
	unsigned long	site;
	u64		t;
	unsigned int	claimed;
	u32		kind;
};

struct lsl_ring {
	unsigned int	next;
	struct lsl_rel	rel[LSL_RING];
};

/*
 * Exported, with the twins, for the architectures that inline lock calls
 * (CONFIG_LOCK_STAT_LITE_INLINE): there every module tests the keys and
 * calls the twins itself, and spin_lock() is not GPL-only.
 */
DEFINE_STATIC_KEY_FALSE(lock_stat_lite_key);
EXPORT_SYMBOL(lock_stat_lite_key);
DEFINE_STATIC_KEY_FALSE(lock_stat_lite_release_key);
EXPORT_SYMBOL(lock_stat_lite_release_key);

static DEFINE_PER_CPU_ALIGNED(struct lsl_stack, lsl_stack);
static DEFINE_PER_CPU(struct lsl_ring, lsl_ring);
/* Spinning acquisitions until the next sampled one, less one. */
static DEFINE_PER_CPU(int, lsl_countdown);
/* Decremented with preemption on: may go below zero after a migration. */
DEFINE_PER_CPU(int, lsl_sleep_countdown);
static DEFINE_PER_CPU(struct rnd_state, lsl_rnd);

struct lsl_site *lsl_table;
struct lsl_pair *lsl_pairs;
unsigned int lsl_table_bits __ro_after_init = CONFIG_LOCK_STAT_LITE_SITES_SHIFT;
unsigned int lsl_sample __read_mostly = CONFIG_LOCK_STAT_LITE_SAMPLE;
static bool lsl_boot_enable __initdata;

/* Read by the slow paths; written only under lsl_mutex. */
static bool lsl_stats_on __read_mostly;
static bool lsl_paused __read_mostly;

atomic_long_t lsl_used;
atomic_long_t lsl_dropped;
atomic_long_t lsl_untracked;
atomic_long_t lsl_unknown_holder;
atomic_long_t lsl_queued_waits;
atomic_long_t lsl_pairs_dropped;
u64 lsl_reset_time;
static DEFINE_MUTEX(lsl_mutex);

const char *const lsl_kind_name[LSL_NR_KINDS] = {
	[LSL_SPIN]	= "spin",
	[LSL_READ]	= "read",
	[LSL_WRITE]	= "write",
	[LSL_MUTEX]	= "mutex",
	[LSL_RSEM]	= "rsem",
	[LSL_WSEM]	= "wsem",
};

static inline bool lsl_recording(void)
{
	return READ_ONCE(lsl_stats_on) && !READ_ONCE(lsl_paused);
}

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

/*
 * Count a wait in the pair table of (holder site, waiter site); a wait
 * without a holder site as @no_holder, a holder index of its own.
 */
static void lsl_pair_add(struct lsl_site *holder, u32 no_holder,
			 struct lsl_site *waiter, u64 wait)
{
	u32 hi = holder ? holder - lsl_table + 1 : no_holder;
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

/* ------------------------------------------------------- who blocked whom */

/*
 * Just before a contended release clears the lock word: note when, for
 * the waiters, if the hold was recorded.
 */
static void lsl_publish(void *lock, enum lock_stat_lite_kind kind,
			struct lock_stat_lite_release *r)
{
	struct lsl_rel *rel;

	if (!(r->flags & LSL_CONTENDED) || !r->site || !lsl_recording())
		return;
	r->t_rel = local_clock();
	preempt_disable_notrace();
	/* An interrupt that publishes meanwhile takes the next slot. */
	rel = this_cpu_ptr(&lsl_ring.rel[this_cpu_inc_return(lsl_ring.next) % LSL_RING]);
	raw_write_seqcount_begin(&rel->seq);
	WRITE_ONCE(rel->lock, (unsigned long)lock);
	WRITE_ONCE(rel->site, r->site);
	WRITE_ONCE(rel->t, r->t_rel);
	WRITE_ONCE(rel->kind, kind);
	WRITE_ONCE(rel->claimed, 0);
	raw_write_seqcount_end(&rel->seq);
	preempt_enable_notrace();
}

/*
 * The newest contended release of @lock between @t0 and @t1, the wait of
 * an acquisition that has been released since.  Claims it if no other
 * waiter did: the claimer records the release's contended hold.
 */
static bool lsl_find_release(void *lock, u64 t0, u64 t1, unsigned long *site,
			     u32 *kind, u64 *t_rel, bool *claimed)
{
	struct lsl_rel *best = NULL;
	u64 best_t = 0;
	int cpu, i;

	for_each_online_cpu(cpu) {
		struct lsl_ring *ring = per_cpu_ptr(&lsl_ring, cpu);

		for (i = 0; i < LSL_RING; i++) {
			struct lsl_rel *r = &ring->rel[i];
			unsigned int seq = raw_read_seqcount(&r->seq);
			unsigned long s;
			u64 t;
			u32 k;

			/* Being written: its release is newer than this wait. */
			if ((seq & 1) || READ_ONCE(r->lock) != (unsigned long)lock)
				continue;
			s = READ_ONCE(r->site);
			t = READ_ONCE(r->t);
			k = READ_ONCE(r->kind);
			if (read_seqcount_retry(&r->seq, seq) ||
			    t < t0 || t > t1 || t < best_t)
				continue;
			best = r;
			best_t = t;
			*site = s;
			*kind = k;
		}
	}
	if (!best)
		return false;
	*t_rel = best_t;
	*claimed = !READ_ONCE(best->claimed) && !xchg(&best->claimed, 1);
	return true;
}

/*
 * A test-and-set spinlock shows no waiters in its word: mark the holder's
 * entry instead, so that its release counts as contended.
 */
static bool lsl_spin_tas(void)
{
#if defined(CONFIG_X86) && defined(CONFIG_PARAVIRT)
	return static_branch_likely(&virt_spin_lock_key);
#else
	return false;
#endif
}

/*
 * Mark @lock's entry among another context's @n held locks, newest first.
 * Returns false if there is none, or if its owner popped it meanwhile.
 */
/* The entries a stack's @top covers, bounded by its size for a racy read. */
static __always_inline unsigned int lsl_depth(unsigned long top)
{
	return min_t(unsigned int, top / LSL_ENTRY, LSL_DEPTH);
}

static bool lsl_mark(struct lock_stat_lite_held *held, int n, void *lock)
{
	while (--n >= 0) {
		unsigned long tag = READ_ONCE(held[n].tag);

		if ((tag & ~LSL_TAG_FLAGS) != (unsigned long)lock)
			continue;
		return (tag & LSL_TAG_CONTENDED) ||
		       try_cmpxchg(&held[n].tag, &tag, tag | LSL_TAG_CONTENDED);
	}
	return false;
}

static void lsl_mark_holder(void *lock)
{
	int cpu;

	for_each_online_cpu(cpu) {
		struct lsl_stack *st = per_cpu_ptr(&lsl_stack, cpu);
		unsigned int depth = lsl_depth(READ_ONCE(st->top));

		/* held[0] is the sentinel. */
		if (lsl_mark(st->held + 1, depth, lock))
			return;
	}
}

/* ------------------------------------------------------------ recording */

static u32 lsl_next_interval(void)
{
	if (lsl_sample <= 1)
		return 1;
	/* Uniform on [1, 2 * rate - 1]: mean rate, never in step with a loop. */
	return 1 + prandom_u32_state(this_cpu_ptr(&lsl_rnd)) % (2 * lsl_sample - 1);
}

/* A failed trylock holds nothing: record it at once. */
notrace void lock_stat_lite_trylock_failed(void *lock, enum lock_stat_lite_kind kind,
					   unsigned long ip)
{
	struct lsl_site *s;

	preempt_disable_notrace();
	if (lsl_recording()) {
		s = lsl_site_get(ip, kind, lock);
		if (s)
			atomic64_inc(lsl_stat(s, trylock_failed));
	}
	preempt_enable_notrace();
}

/*
 * A waiter's share: its wait, and the holder who caused it.  A wait that
 * found the lock free, behind other waiters, and whose lock was not
 * released contended meanwhile, is counted as queued, not unknown.
 */
static void lsl_record_wait(void *lock, enum lock_stat_lite_kind kind,
			    struct lsl_site *s, u64 t1, u64 wait, bool free)
{
	unsigned long hsite;
	struct lsl_site *hs = NULL;
	bool claimed = false;
	u64 t_rel;
	u32 hkind;

	atomic64_inc(lsl_stat(s, contentions));
	atomic64_add(wait, lsl_stat(s, wait_total));
	lsl_max(lsl_stat(s, wait_max), wait);
	atomic_inc(&s->hist[min_t(int, fls64(wait), LSL_HIST - 1)]);

	if (lsl_find_release(lock, t1 - wait, t1, &hsite, &hkind, &t_rel,
			     &claimed)) {
		hs = lsl_site_get(hsite, hkind, lock);
		if (!hs)
			return;
		atomic64_add(wait, lsl_stat(hs, blocked));
		if (claimed) {
			u64 chold = t_rel - (t1 - wait);

			atomic64_add(chold, lsl_stat(hs, chold_total));
			lsl_max(lsl_stat(hs, chold_max), chold);
		}
	} else if (free) {
		atomic_long_inc(&lsl_queued_waits);
	} else {
		atomic_long_inc(&lsl_unknown_holder);
	}
	lsl_pair_add(hs, free ? LSL_PAIR_QUEUED : LSL_PAIR_UNKNOWN, s, wait);
}

/**
 * lock_stat_lite_record_release() - record a hold once its lock is free
 * @lock: the lock, already released
 * @kind: the kind of the hold
 * @r: what the release copied from the held entry
 *
 * Context: any, with preemption disabled for spinning locks.
 */
notrace void lock_stat_lite_record_release(void *lock, enum lock_stat_lite_kind kind,
					   struct lock_stat_lite_release *r)
{
	u64 now = local_clock();
	struct lsl_site *s;

	if (r->flags & LSL_CONTENDED)
		trace_contended_release(lock);
	preempt_disable_notrace();
	if (!r->site || !lsl_recording())
		goto out;
	s = lsl_site_get(r->site, kind, lock);
	if (!s)
		goto out;
	if (r->flags & LSL_CONTENDED)
		atomic64_inc(lsl_stat(s, contended_releases));
	if (r->flags & LSL_SAMPLED) {
		u64 hold = now - r->t;

		atomic64_add(lsl_sample, lsl_stat(s, acquisitions));
		atomic64_inc(lsl_stat(s, holds_sampled));
		atomic64_add(hold, lsl_stat(s, hold_total));
		lsl_max(lsl_stat(s, hold_max), hold);
	}
	if (r->flags & LSL_WAITED)
		lsl_record_wait(lock, kind, s, r->t, r->wait, r->flags & LSL_FREE);
out:
	preempt_enable_notrace();
}

/* ---------------------------------------------------- spinning locks */

static noinline void lsl_sampled(unsigned long top);
static noinline void lsl_full(void);

/*
 * The fast path of every spinning acquisition.  Returns the new entry's
 * offset, or 0 if the stack was full.
 */
static __always_inline unsigned long lsl_push(void *lock, unsigned long ip)
{
	typeof(lsl_this(lsl_stack)) st = lsl_this(lsl_stack);
	unsigned long top = st->top + LSL_ENTRY;

	if (unlikely(top > LSL_TOP_MAX)) {
		lsl_full();
		return 0;
	}
	/* Reserve, then fill: a nested push goes above. */
	st->top = top;
	barrier();
	lsl_at(st->held, top)->site = ip;
	/*
	 * The tag last, for lsl_mark_holder() on another CPU: one aligned
	 * store, which is all WRITE_ONCE() would make it.
	 */
	barrier();
	lsl_at(st->held, top)->tag = (unsigned long)lock;
	/*
	 * Below zero rather than at zero: an interrupt or NMI that lands
	 * between this decrement and lsl_sampled() setting the next interval
	 * finds the count still negative and is sampled too, not skipped.
	 * One "sub; js", as "sub; je" would be.
	 */
	if (unlikely(--*lsl_this(lsl_countdown) < 0))
		lsl_sampled(top);
	return top;
}

static noinline notrace void lsl_full(void)
{
	atomic_long_inc(&lsl_untracked);
}

/*
 * Tag a pushed entry as timed, keeping a waiter's mark made meanwhile.
 * Returns whether it already was.
 */
static bool lsl_tag_slow(struct lock_stat_lite_held *h)
{
	unsigned long tag = READ_ONCE(h->tag);

	while (!try_cmpxchg(&h->tag, &tag, tag | LSL_TAG_SLOW))
		;
	return tag & LSL_TAG_SLOW;
}

/* One acquisition in lsl_sample: time its hold. */
static noinline notrace void lsl_sampled(unsigned long top)
{
	struct lsl_stack *st = this_cpu_ptr(&lsl_stack);
	struct lsl_slow *sl = lsl_at(st->slow, top);

	__this_cpu_write(lsl_countdown, lsl_next_interval() - 1);
	sl->t = local_clock();
	sl->flags = LSL_SAMPLED;
	lsl_tag_slow(lsl_at(st->held, top));
}

static __always_inline bool lsl_try(void *lock, enum lock_stat_lite_kind kind)
{
	if (kind == LSL_SPIN)
		return do_raw_spin_trylock(lock);
	if (kind == LSL_READ)
		return do_raw_read_trylock((rwlock_t *)lock);
	return do_raw_write_trylock((rwlock_t *)lock);
}

/*
 * The lock's own fast path, whose failure leads to lsl_lock_slow() instead
 * of the lock's slow path.  A reader's fast path has added its bias.
 */
static __always_inline bool lsl_fast(void *lock, enum lock_stat_lite_kind kind)
{
#ifdef CONFIG_DEBUG_SPINLOCK
	return lsl_try(lock, kind);
#else
	struct qrwlock *rw = &((rwlock_t *)lock)->raw_lock;
	int val = 0;

	if (kind == LSL_SPIN)
		return atomic_try_cmpxchg_acquire(&((raw_spinlock_t *)lock)->raw_lock.val,
						  &val, _Q_LOCKED_VAL);
	if (kind == LSL_READ)
		return !(atomic_add_return_acquire(_QR_BIAS, &rw->cnts) & _QW_WMASK);
	return atomic_try_cmpxchg_acquire(&rw->cnts, &val, _QW_LOCKED);
#endif
}

/* A contended spinning acquisition: time the wait, keep it in the entry. */
static noinline notrace void lsl_lock_slow(void *lock, enum lock_stat_lite_kind kind,
					   unsigned long ip) __acquires(lock)
{
	struct lsl_stack *st;
	struct lsl_slow *sl;
	unsigned long top;
	bool free = false;
	u64 t0, t1;

	if (kind == LSL_SPIN) {
		/* Free with waiters queued: none of them held it. */
		free = !(atomic_read(&((raw_spinlock_t *)lock)->raw_lock.val) &
			 _Q_LOCKED_MASK);
		if (lsl_spin_tas())
			lsl_mark_holder(lock);
	}
	t0 = local_clock();
	/*
	 * Released while the clock was read, before this waiter showed in the
	 * lock word: no wait.  A reader's fast path cannot be retried, it
	 * has added its bias already.
	 */
	if (kind != LSL_READ && lsl_fast(lock, kind)) {
		__acquire(lock);
		lsl_push(lock, ip);
		return;
	}
	if (kind == LSL_SPIN) {
		do_raw_spin_lock(lock);
	} else if (kind == LSL_WRITE) {
		do_raw_write_lock((rwlock_t *)lock);
	} else if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK)) {
		do_raw_read_lock((rwlock_t *)lock);
	} else {
		queued_read_lock_slowpath(&((rwlock_t *)lock)->raw_lock);
		/* What do_raw_read_lock() would tell sparse. */
		__acquire(lock);
	}
	t1 = local_clock();

	top = lsl_push(lock, ip);
	if (!top)
		return;
	/* Timed from the acquisition, with its wait; maybe sampled too. */
	st = this_cpu_ptr(&lsl_stack);
	sl = lsl_at(st->slow, top);
	sl->t = t1;
	sl->wait = min_t(u64, t1 - t0, U32_MAX);
	sl->flags = (lsl_tag_slow(lsl_at(st->held, top)) ? LSL_SAMPLED : 0) |
		    LSL_WAITED | (free ? LSL_FREE : 0);
}

static __always_inline void lsl_lock(void *lock, enum lock_stat_lite_kind kind,
				     unsigned long ip)
{
	if (likely(lsl_fast(lock, kind))) {
		/* What __cond_lock() would tell sparse. */
		__acquire(lock);
		lsl_push(lock, ip);
	} else {
		lsl_lock_slow(lock, kind, ip);
	}
}

static __always_inline bool lsl_waiters(void *lock, enum lock_stat_lite_kind kind)
{
	if (kind == LSL_SPIN)
		return raw_spin_is_contended((raw_spinlock_t *)lock);
	/* The first queued reader or writer spins holding wait_lock. */
	return arch_spin_is_locked(&((rwlock_t *)lock)->raw_lock.wait_lock);
}

/*
 * The fast path of every spinning release: the newest entry is this
 * lock's, unmarked and untimed, and nobody waits.
 */
static __always_inline bool lsl_pop(void *lock, enum lock_stat_lite_kind kind)
{
	typeof(lsl_this(lsl_stack)) st = lsl_this(lsl_stack);
	unsigned long top = st->top;

	if (unlikely(lsl_at(st->held, top)->tag != (unsigned long)lock ||
		     lsl_waiters(lock, kind)))
		return false;
	st->top = top - LSL_ENTRY;
	return true;
}

/*
 * Pop @lock wherever it is and copy what its release must record.  Returns
 * false if there is nothing to record.
 */
static notrace bool lsl_pop_slow(void *lock, enum lock_stat_lite_kind kind,
				 struct lock_stat_lite_release *r)
{
	struct lsl_stack *st = this_cpu_ptr(&lsl_stack);
	unsigned int d, depth = lsl_depth(st->top);
	unsigned long tag = 0, flags;

	r->site = 0;
	r->flags = lsl_waiters(lock, kind) ? LSL_CONTENDED : 0;
	for (d = depth; d > 0; d--) {
		tag = READ_ONCE(st->held[d].tag);
		if ((tag & ~LSL_TAG_FLAGS) == (unsigned long)lock)
			break;
	}
	if (d) {
		/* From here a waiter's mark fails. */
		tag = xchg(&st->held[d].tag, 0);
		if (tag & LSL_TAG_CONTENDED)
			r->flags |= LSL_CONTENDED;
		if (tag & LSL_TAG_SLOW) {
			r->flags |= st->slow[d].flags;
			r->t = st->slow[d].t;
			r->wait = st->slow[d].wait;
		}
		r->site = st->held[d].site;
		/*
		 * Released out of order: move the newer entries down over the
		 * hole.  Left there, the hole would be on top once they are
		 * popped, under the next holds, and every out-of-order release
		 * would add one until the stack is full.  Interrupts off, so
		 * that no nested push lands in the middle; a waiter's mark on
		 * a moving entry fails as if the lock had been released.
		 */
		local_irq_save(flags);
		for (; d < depth; d++) {
			st->slow[d] = st->slow[d + 1];
			st->held[d].site = st->held[d + 1].site;
			WRITE_ONCE(st->held[d].tag, xchg(&st->held[d + 1].tag, 0));
		}
		st->top = (depth - 1) * LSL_ENTRY;
		local_irq_restore(flags);
	}
	lsl_publish(lock, kind, r);
	return r->flags;
}

/*
 * The twins of kernel/locking/spinlock.c.  Each is its upstream function,
 * same preemption, interrupt and lockdep steps in the same order, with the
 * lock's slow path timed and the acquisition pushed or the release popped.
 * The helpers take the kind and the variant as constants, so that each
 * twin compiles to a straight line of its own.
 */
enum lsl_variant {
	LSL_PLAIN,
	LSL_IRQSAVE,	/* irqsave and irqrestore */
	LSL_IRQ,
	LSL_BH,
};

/* @subclass and @nest: those of the _nested and _nest_lock twins. */
static __always_inline void lsl_lockdep_acquire(void *lock, enum lock_stat_lite_kind kind,
						int subclass, int trylock,
						struct lockdep_map *nest,
						unsigned long ip)
{
	if (kind == LSL_SPIN)
		spin_acquire_nest(&((raw_spinlock_t *)lock)->dep_map, subclass,
				  trylock, nest, ip);
	else if (kind == LSL_READ)
		rwlock_acquire_read(&((rwlock_t *)lock)->dep_map, subclass, trylock, ip);
	else
		rwlock_acquire(&((rwlock_t *)lock)->dep_map, subclass, trylock, ip);
}

static __always_inline void lsl_unlock_word(void *lock, enum lock_stat_lite_kind kind)
	__releases(lock)
{
	if (kind == LSL_SPIN)
		do_raw_spin_unlock(lock);
	else if (kind == LSL_READ)
		do_raw_read_unlock((rwlock_t *)lock);
	else
		do_raw_write_unlock((rwlock_t *)lock);
}

static __always_inline unsigned long lsl_lock_twin_nested(void *lock,
							  enum lock_stat_lite_kind kind,
							  enum lsl_variant variant,
							  int subclass,
							  struct lockdep_map *nest,
							  unsigned long ip)
{
	unsigned long flags = 0;

	if (variant == LSL_BH) {
		__local_bh_disable_ip(ip, SOFTIRQ_LOCK_OFFSET);
	} else {
		if (variant == LSL_IRQSAVE)
			local_irq_save(flags);
		else if (variant == LSL_IRQ)
			local_irq_disable();
		preempt_disable();
	}
	lsl_lockdep_acquire(lock, kind, subclass, 0, nest, ip);
	lsl_lock(lock, kind, ip);
	return flags;
}

static __always_inline unsigned long lsl_lock_twin(void *lock, enum lock_stat_lite_kind kind,
						   enum lsl_variant variant,
						   unsigned long ip)
{
	return lsl_lock_twin_nested(lock, kind, variant, 0, NULL, ip);
}

static __always_inline int lsl_trylock_twin(void *lock, enum lock_stat_lite_kind kind,
					    enum lsl_variant variant, unsigned long ip)
{
	if (variant == LSL_BH)
		__local_bh_disable_ip(ip, SOFTIRQ_LOCK_OFFSET);
	else
		preempt_disable();
	if (lsl_try(lock, kind)) {
		lsl_lockdep_acquire(lock, kind, 0, 1, NULL, ip);
		lsl_push(lock, ip);
		return 1;
	}
	if (variant == LSL_BH)
		__local_bh_enable_ip(ip, SOFTIRQ_LOCK_OFFSET);
	else
		preempt_enable();
	lock_stat_lite_trylock_failed(lock, kind, ip);
	return 0;
}

/* After the lock word: interrupts first, preemption or bottom halves last. */
static __always_inline void lsl_unlock_irq(enum lsl_variant variant, unsigned long flags)
{
	if (variant == LSL_IRQSAVE)
		local_irq_restore(flags);
	else if (variant == LSL_IRQ)
		local_irq_enable();
}

static __always_inline void lsl_unlock_preempt(enum lsl_variant variant, unsigned long ip)
{
	if (variant == LSL_BH)
		__local_bh_enable_ip(ip, SOFTIRQ_LOCK_OFFSET);
	else
		preempt_enable();
}

/*
 * A release's slow half: pop wherever the entry is, copy what it needs,
 * clear the lock word, let interrupts in, record, and only then let
 * preemption or bottom halves in.
 */
static noinline notrace void lsl_unlock_slow(void *lock, enum lock_stat_lite_kind kind,
					     enum lsl_variant variant,
					     unsigned long flags, unsigned long ip)
	__releases(lock)
{
	struct lock_stat_lite_release r;
	bool record = lsl_pop_slow(lock, kind, &r);

	lsl_unlock_word(lock, kind);
	lsl_unlock_irq(variant, flags);
	if (record)
		lock_stat_lite_record_release(lock, kind, &r);
	lsl_unlock_preempt(variant, ip);
}

/*
 * Inlined into a twin: _RET_IP_ is the twin's caller.  @ip is only used,
 * and only passed, for bottom halves.
 */
static __always_inline void lsl_unlock_twin(void *lock, enum lock_stat_lite_kind kind,
					    enum lsl_variant variant,
					    unsigned long flags, unsigned long ip)
	__releases(lock)
{
	if (kind == LSL_SPIN)
		spin_release(&((raw_spinlock_t *)lock)->dep_map, _RET_IP_);
	else
		rwlock_release(&((rwlock_t *)lock)->dep_map, _RET_IP_);
	if (unlikely(!lsl_pop(lock, kind))) {
		lsl_unlock_slow(lock, kind, variant, flags, ip);
		return;
	}
	lsl_unlock_word(lock, kind);
	lsl_unlock_irq(variant, flags);
	lsl_unlock_preempt(variant, ip);
}

/*
 * A twin's call site: what an out-of-line lock function passed, its own
 * return address; or, from a lock call that the architecture inlines
 * (which passes 0), the return address of the call to the twin itself.
 * Not the address of the inlined code: taking a label's address there
 * keeps the compiler from duplicating the block, which stopped it from
 * unrolling loops around lock calls.
 */
#define lsl_site(ip)	((ip) ?: _RET_IP_)

notrace void __lockfunc lsl_raw_spin_lock(raw_spinlock_t *lock, unsigned long ip)
	__acquires(lock)
{
	lsl_lock_twin(lock, LSL_SPIN, LSL_PLAIN, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_spin_lock);

notrace unsigned long __lockfunc lsl_raw_spin_lock_irqsave(raw_spinlock_t *lock,
							   unsigned long ip)
	__acquires(lock)
{
	return lsl_lock_twin(lock, LSL_SPIN, LSL_IRQSAVE, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_spin_lock_irqsave);

notrace void __lockfunc lsl_raw_spin_lock_irq(raw_spinlock_t *lock, unsigned long ip)
	__acquires(lock)
{
	lsl_lock_twin(lock, LSL_SPIN, LSL_IRQ, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_spin_lock_irq);

notrace void __lockfunc lsl_raw_spin_lock_bh(raw_spinlock_t *lock, unsigned long ip)
	__acquires(lock)
{
	lsl_lock_twin(lock, LSL_SPIN, LSL_BH, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_spin_lock_bh);

#ifdef CONFIG_DEBUG_LOCK_ALLOC
notrace void __lockfunc lsl_raw_spin_lock_nested(raw_spinlock_t *lock, int subclass,
						 unsigned long ip)
	__acquires(lock)
{
	lsl_lock_twin_nested(lock, LSL_SPIN, LSL_PLAIN, subclass, NULL, ip);
}

notrace unsigned long __lockfunc lsl_raw_spin_lock_irqsave_nested(raw_spinlock_t *lock,
								  int subclass,
								  unsigned long ip)
	__acquires(lock)
{
	return lsl_lock_twin_nested(lock, LSL_SPIN, LSL_IRQSAVE, subclass, NULL, ip);
}

notrace void __lockfunc lsl_raw_spin_lock_nest_lock(raw_spinlock_t *lock,
						    struct lockdep_map *nest,
						    unsigned long ip)
	__acquires(lock)
{
	lsl_lock_twin_nested(lock, LSL_SPIN, LSL_PLAIN, 0, nest, ip);
}
#endif

notrace int __lockfunc lsl_raw_spin_trylock(raw_spinlock_t *lock, unsigned long ip)
{
	return lsl_trylock_twin(lock, LSL_SPIN, LSL_PLAIN, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_spin_trylock);

notrace void __lockfunc lsl_raw_spin_unlock(raw_spinlock_t *lock)
	__releases(lock)
{
	lsl_unlock_twin(lock, LSL_SPIN, LSL_PLAIN, 0, 0);
}
EXPORT_SYMBOL(lsl_raw_spin_unlock);

notrace void __lockfunc lsl_raw_spin_unlock_irqrestore(raw_spinlock_t *lock,
						       unsigned long flags)
	__releases(lock)
{
	lsl_unlock_twin(lock, LSL_SPIN, LSL_IRQSAVE, flags, 0);
}
EXPORT_SYMBOL(lsl_raw_spin_unlock_irqrestore);

notrace void __lockfunc lsl_raw_spin_unlock_irq(raw_spinlock_t *lock)
	__releases(lock)
{
	lsl_unlock_twin(lock, LSL_SPIN, LSL_IRQ, 0, 0);
}
EXPORT_SYMBOL(lsl_raw_spin_unlock_irq);

notrace void __lockfunc lsl_raw_spin_unlock_bh(raw_spinlock_t *lock, unsigned long ip)
	__releases(lock)
{
	lsl_unlock_twin(lock, LSL_SPIN, LSL_BH, 0, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_spin_unlock_bh);

notrace void __lockfunc lsl_raw_read_lock(rwlock_t *lock, unsigned long ip)
	__acquires(lock)
{
	lsl_lock_twin(lock, LSL_READ, LSL_PLAIN, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_read_lock);

notrace unsigned long __lockfunc lsl_raw_read_lock_irqsave(rwlock_t *lock,
							   unsigned long ip)
	__acquires(lock)
{
	return lsl_lock_twin(lock, LSL_READ, LSL_IRQSAVE, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_read_lock_irqsave);

notrace void __lockfunc lsl_raw_read_lock_irq(rwlock_t *lock, unsigned long ip)
	__acquires(lock)
{
	lsl_lock_twin(lock, LSL_READ, LSL_IRQ, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_read_lock_irq);

notrace void __lockfunc lsl_raw_read_lock_bh(rwlock_t *lock, unsigned long ip)
	__acquires(lock)
{
	lsl_lock_twin(lock, LSL_READ, LSL_BH, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_read_lock_bh);

notrace int __lockfunc lsl_raw_read_trylock(rwlock_t *lock, unsigned long ip)
{
	return lsl_trylock_twin(lock, LSL_READ, LSL_PLAIN, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_read_trylock);

notrace void __lockfunc lsl_raw_read_unlock(rwlock_t *lock)
	__releases(lock)
{
	lsl_unlock_twin(lock, LSL_READ, LSL_PLAIN, 0, 0);
}
EXPORT_SYMBOL(lsl_raw_read_unlock);

notrace void __lockfunc lsl_raw_read_unlock_irqrestore(rwlock_t *lock,
						       unsigned long flags)
	__releases(lock)
{
	lsl_unlock_twin(lock, LSL_READ, LSL_IRQSAVE, flags, 0);
}
EXPORT_SYMBOL(lsl_raw_read_unlock_irqrestore);

notrace void __lockfunc lsl_raw_read_unlock_irq(rwlock_t *lock)
	__releases(lock)
{
	lsl_unlock_twin(lock, LSL_READ, LSL_IRQ, 0, 0);
}
EXPORT_SYMBOL(lsl_raw_read_unlock_irq);

notrace void __lockfunc lsl_raw_read_unlock_bh(rwlock_t *lock, unsigned long ip)
	__releases(lock)
{
	lsl_unlock_twin(lock, LSL_READ, LSL_BH, 0, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_read_unlock_bh);

notrace void __lockfunc lsl_raw_write_lock(rwlock_t *lock, unsigned long ip)
	__acquires(lock)
{
	lsl_lock_twin(lock, LSL_WRITE, LSL_PLAIN, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_write_lock);

notrace unsigned long __lockfunc lsl_raw_write_lock_irqsave(rwlock_t *lock,
							    unsigned long ip)
	__acquires(lock)
{
	return lsl_lock_twin(lock, LSL_WRITE, LSL_IRQSAVE, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_write_lock_irqsave);

notrace void __lockfunc lsl_raw_write_lock_irq(rwlock_t *lock, unsigned long ip)
	__acquires(lock)
{
	lsl_lock_twin(lock, LSL_WRITE, LSL_IRQ, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_write_lock_irq);

notrace void __lockfunc lsl_raw_write_lock_bh(rwlock_t *lock, unsigned long ip)
	__acquires(lock)
{
	lsl_lock_twin(lock, LSL_WRITE, LSL_BH, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_write_lock_bh);

notrace void __lockfunc lsl_raw_write_lock_nested(rwlock_t *lock, int subclass,
						  unsigned long ip)
	__acquires(lock)
{
	lsl_lock_twin_nested(lock, LSL_WRITE, LSL_PLAIN, subclass, NULL, ip);
}

notrace int __lockfunc lsl_raw_write_trylock(rwlock_t *lock, unsigned long ip)
{
	return lsl_trylock_twin(lock, LSL_WRITE, LSL_PLAIN, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_write_trylock);

notrace void __lockfunc lsl_raw_write_unlock(rwlock_t *lock)
	__releases(lock)
{
	lsl_unlock_twin(lock, LSL_WRITE, LSL_PLAIN, 0, 0);
}
EXPORT_SYMBOL(lsl_raw_write_unlock);

notrace void __lockfunc lsl_raw_write_unlock_irqrestore(rwlock_t *lock,
							unsigned long flags)
	__releases(lock)
{
	lsl_unlock_twin(lock, LSL_WRITE, LSL_IRQSAVE, flags, 0);
}
EXPORT_SYMBOL(lsl_raw_write_unlock_irqrestore);

notrace void __lockfunc lsl_raw_write_unlock_irq(rwlock_t *lock)
	__releases(lock)
{
	lsl_unlock_twin(lock, LSL_WRITE, LSL_IRQ, 0, 0);
}
EXPORT_SYMBOL(lsl_raw_write_unlock_irq);

notrace void __lockfunc lsl_raw_write_unlock_bh(rwlock_t *lock, unsigned long ip)
	__releases(lock)
{
	lsl_unlock_twin(lock, LSL_WRITE, LSL_BH, 0, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_write_unlock_bh);

notrace int __lockfunc lsl_raw_spin_trylock_bh(raw_spinlock_t *lock,
					       unsigned long ip)
{
	return lsl_trylock_twin(lock, LSL_SPIN, LSL_BH, lsl_site(ip));
}
EXPORT_SYMBOL(lsl_raw_spin_trylock_bh);

/* ------------------------------------------------------ sleeping locks */

/**
 * lock_stat_lite_sleep_push_slow() - push a sleeping lock the slow way
 * @lock: the mutex or rw_semaphore, just acquired
 * @ip: the call site
 * @t0: local_clock() before a slow path that waited, or 0
 * @free: the lock was free when the wait began, with waiters queued
 *
 * For an acquisition that waited, one that is sampled, or a full stack.
 * Only one entry of a task's stack carries a time: an inner timed hold
 * while the outer one is held is counted, but not timed.
 */
notrace void lock_stat_lite_sleep_push_slow(void *lock, unsigned long ip, u64 t0,
					    bool free)
{
	struct lock_stat_lite_task *t = &current->lock_stat_lite;
	unsigned int d = t->depth, flags = 0;
	unsigned long tag = (unsigned long)lock;
	u64 now;

	if (t0)
		flags = LSL_WAITED | (free ? LSL_FREE : 0);
	/* This CPU's countdown and random state: no migration in between. */
	preempt_disable_notrace();
	if (__this_cpu_read(lsl_sleep_countdown) < 0) {
		__this_cpu_write(lsl_sleep_countdown, lsl_next_interval() - 1);
		flags |= LSL_SAMPLED;
	}
	preempt_enable_notrace();
	if (d >= LOCK_STAT_LITE_TASK_DEPTH) {
		atomic_long_inc(&lsl_untracked);
		return;
	}
	if (flags && !t->timed) {
		now = local_clock();
		t->t = now;
		t->wait = t0 ? min_t(u64, now - t0, U32_MAX) : 0;
		t->flags = flags;
		t->timed = d + 1;
		tag |= LSL_TAG_SLOW;
	}
	t->held[d].site = ip;
	t->held[d].tag = tag;
	t->depth = d + 1;
}

/**
 * lock_stat_lite_mark_owner() - a waiter found @owner holding @lock
 * @lock: the mutex or rw_semaphore whose fast path failed
 * @owner: the task that holds it, kept alive by the caller's RCU read lock
 *
 * Marks @owner's entry for @lock, so that its release counts as contended
 * and tells this waiter who held it, even if the waiter gets the lock by
 * spinning, before it could set the waiters flag.
 *
 * Return: false if @owner's stack holds no entry for @lock: it released
 * the lock meanwhile, or took it unrecorded.
 */
notrace bool lock_stat_lite_mark_owner(void *lock, struct task_struct *owner)
{
	struct lock_stat_lite_task *t = &owner->lock_stat_lite;

	return lsl_mark(t->held, min_t(int, READ_ONCE(t->depth),
				       LOCK_STAT_LITE_TASK_DEPTH), lock);
}

/**
 * lock_stat_lite_sleep_pop_slow() - pop a sleeping lock the slow way
 * @lock: the mutex or rw_semaphore, about to be released
 * @kind: the kind of the hold
 * @waiters: the lock word shows waiters
 * @r: what lock_stat_lite_record_release() needs after the release
 *
 * For a lock that is not the task's newest, is timed, or has waiters.  A
 * release by a task that did not record the acquisition (up_read() of a
 * lock taken by another task, or one taken while off) finds nothing.
 *
 * Return: true if @r holds something to record.
 */
notrace bool lock_stat_lite_sleep_pop_slow(void *lock, enum lock_stat_lite_kind kind,
					   bool waiters, struct lock_stat_lite_release *r)
{
	struct lock_stat_lite_task *t = &current->lock_stat_lite;
	int d;

	r->site = 0;
	r->flags = waiters ? LSL_CONTENDED : 0;
	for (d = (int)min_t(unsigned int, t->depth, LOCK_STAT_LITE_TASK_DEPTH) - 1;
	     d >= 0; d--) {
		unsigned long tag = READ_ONCE(t->held[d].tag);

		if ((tag & ~LSL_TAG_FLAGS) != (unsigned long)lock)
			continue;
		/* From here a waiter's mark fails. */
		if (xchg(&t->held[d].tag, 0) & LSL_TAG_CONTENDED)
			r->flags |= LSL_CONTENDED;
		r->site = t->held[d].site;
		if (t->timed == d + 1) {
			r->t = t->t;
			r->wait = t->wait;
			r->flags |= t->flags;
			t->timed = 0;
		}
		/* Released out of order: close the hole, as lsl_pop_slow() does. */
		for (; d + 1 < t->depth; d++) {
			t->held[d].site = t->held[d + 1].site;
			WRITE_ONCE(t->held[d].tag, xchg(&t->held[d + 1].tag, 0));
			if (t->timed == d + 2)
				t->timed = d + 1;
		}
		t->depth--;
		break;
	}
	lsl_publish(lock, kind, r);
	return r->flags;
}

/* ---------------------------------------------------------- control */

/*
 * The stacks are emptied before the hooks go from off to on.  Releases are
 * hooked before acquisitions and unhooked after them (see
 * lock_stat_lite_release_key): no acquisition pushes an entry that its
 * release would leave behind.
 */
static void lsl_hooks_get(void)
{
	struct task_struct *g, *p;
	int cpu;

	lockdep_assert_held(&lsl_mutex);
	if (!static_key_enabled(&lock_stat_lite_release_key)) {
		/* Spinning hooks that ran before the key went off are done. */
		synchronize_rcu();
		for_each_possible_cpu(cpu)
			per_cpu_ptr(&lsl_stack, cpu)->top = 0;
		rcu_read_lock();
		for_each_process_thread(g, p)
			WRITE_ONCE(p->lock_stat_lite.depth, 0);
		rcu_read_unlock();
	}
	static_branch_inc(&lock_stat_lite_release_key);
	static_branch_inc(&lock_stat_lite_key);
}

static void lsl_hooks_put(void)
{
	lockdep_assert_held(&lsl_mutex);
	static_branch_dec(&lock_stat_lite_key);
	static_branch_dec(&lock_stat_lite_release_key);
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
 * their release.
 *
 * Return: 0, or -ENOMEM if the table could not be allocated at boot.
 */
int lock_stat_lite_set_enabled(bool on)
{
	int ret = 0;

	mutex_lock(&lsl_mutex);
	if (!lsl_table) {
		ret = -ENOMEM;
	} else if (on && !lsl_stats_on) {
		lsl_hooks_get();
		WRITE_ONCE(lsl_stats_on, true);
	} else if (!on && lsl_stats_on) {
		WRITE_ONCE(lsl_stats_on, false);
		lsl_hooks_put();
	}
	mutex_unlock(&lsl_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(lock_stat_lite_set_enabled);

/**
 * lock_stat_lite_reset() - clear every statistic
 *
 * Process context only; waits for the slow paths in flight to finish.
 */
void lock_stat_lite_reset(void)
{
	int cpu;

	mutex_lock(&lsl_mutex);
	if (lsl_table) {
		WRITE_ONCE(lsl_paused, true);
		synchronize_rcu();
		memset(lsl_table, 0, sizeof(*lsl_table) << lsl_table_bits);
		memset(lsl_pairs, 0, sizeof(*lsl_pairs) << lsl_table_bits);
		for_each_possible_cpu(cpu)
			memset(per_cpu_ptr(&lsl_ring, cpu)->rel, 0,
			       sizeof(struct lsl_rel) * LSL_RING);
		atomic_long_set(&lsl_pairs_dropped, 0);
		atomic_long_set(&lsl_used, 0);
		atomic_long_set(&lsl_dropped, 0);
		atomic_long_set(&lsl_untracked, 0);
		atomic_long_set(&lsl_unknown_holder, 0);
		atomic_long_set(&lsl_queued_waits, 0);
		lsl_reset_time = ktime_get_ns();
		WRITE_ONCE(lsl_paused, false);
	}
	mutex_unlock(&lsl_mutex);
}
EXPORT_SYMBOL_GPL(lock_stat_lite_reset);

EXPORT_TRACEPOINT_SYMBOL_GPL(contended_release);

/* contended_release has a probe: the hooks must run to fire it. */
int lock_stat_lite_trace_reg(void)
{
	mutex_lock(&lsl_mutex);
	lsl_hooks_get();
	mutex_unlock(&lsl_mutex);
	return 0;
}

void lock_stat_lite_trace_unreg(void)
{
	mutex_lock(&lsl_mutex);
	lsl_hooks_put();
	mutex_unlock(&lsl_mutex);
}

#if IS_ENABLED(CONFIG_LOCK_STAT_LITE_KUNIT_TEST)
/*
 * For the KUnit suite: a hold pushed and popped without a real lock, as
 * the twins would, and only while the hooks are on.
 */
VISIBLE_IF_KUNIT void lock_stat_lite_test_push(void *lock, unsigned long ip)
{
	preempt_disable();
	if (static_key_enabled(&lock_stat_lite_key))
		lsl_push(lock, ip);
	preempt_enable();
}
EXPORT_SYMBOL_IF_KUNIT(lock_stat_lite_test_push);

VISIBLE_IF_KUNIT void lock_stat_lite_test_pop(void *lock)
{
	struct lock_stat_lite_release r;

	preempt_disable();
	if (static_key_enabled(&lock_stat_lite_release_key) && !lsl_pop(lock, LSL_SPIN) &&
	    lsl_pop_slow(lock, LSL_SPIN, &r))
		lock_stat_lite_record_release(lock, LSL_SPIN, &r);
	preempt_enable();
}
EXPORT_SYMBOL_IF_KUNIT(lock_stat_lite_test_pop);

/* Sample one acquisition in @rate from now on; 0 restores the boot rate. */
VISIBLE_IF_KUNIT void lock_stat_lite_test_sample(unsigned int rate)
{
	static unsigned int boot_rate;
	int cpu;

	if (!boot_rate)
		boot_rate = lsl_sample;
	WRITE_ONCE(lsl_sample, rate ?: boot_rate);
	for_each_possible_cpu(cpu) {
		WRITE_ONCE(per_cpu(lsl_countdown, cpu), 0);
		WRITE_ONCE(per_cpu(lsl_sleep_countdown, cpu), 0);
	}
}
EXPORT_SYMBOL_IF_KUNIT(lock_stat_lite_test_sample);

VISIBLE_IF_KUNIT unsigned long lock_stat_lite_test_untracked(void)
{
	return atomic_long_read(&lsl_untracked);
}
EXPORT_SYMBOL_IF_KUNIT(lock_stat_lite_test_untracked);

VISIBLE_IF_KUNIT bool lock_stat_lite_test_hooked(void)
{
	return static_key_enabled(&lock_stat_lite_key) ||
	       static_key_enabled(&lock_stat_lite_release_key);
}
EXPORT_SYMBOL_IF_KUNIT(lock_stat_lite_test_hooked);

VISIBLE_IF_KUNIT bool lock_stat_lite_test_spin_tas(void)
{
	return lsl_spin_tas();
}
EXPORT_SYMBOL_IF_KUNIT(lock_stat_lite_test_spin_tas);

/* How many entries this CPU's stack holds, holes included. */
VISIBLE_IF_KUNIT unsigned int lock_stat_lite_test_cpu_depth(void)
{
	return this_cpu_read(lsl_stack.top) / LSL_ENTRY;
}
EXPORT_SYMBOL_IF_KUNIT(lock_stat_lite_test_cpu_depth);

/* Has a waiter marked @lock's entry in a CPU stack, as lsl_mark_holder() does? */
VISIBLE_IF_KUNIT bool lock_stat_lite_test_marked(void *lock)
{
	int cpu, n;

	for_each_online_cpu(cpu) {
		struct lsl_stack *st = per_cpu_ptr(&lsl_stack, cpu);
		unsigned int depth = lsl_depth(READ_ONCE(st->top));

		for (n = 1; n <= depth; n++)
			if ((READ_ONCE(st->held[n].tag) & ~LSL_TAG_SLOW) ==
			    ((unsigned long)lock | LSL_TAG_CONTENDED))
				return true;
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(lock_stat_lite_test_marked);
#endif

/* ----------------------------------------------------------------- audit */

#ifdef CONFIG_DEBUG_FS
/*
 * debugfs lock_stat_lite/audit: what the stacks hold and whether the
 * table's count of used sites is right, read with every CPU stopped.  For
 * the soak and the tests: once the load has stopped every stack must be
 * empty, whatever the toggles, resets and probes did meanwhile.
 */
struct lsl_audit {
	struct task_struct	*reader;
	atomic_t		cpu_held;
	unsigned int		task_held;
	unsigned long		used, found;
};

/* On every CPU, interrupts off, in the stopper: no spinning lock is held. */
static int lsl_audit_cpu(void *arg)
{
	struct lsl_audit *a = arg;
	struct lsl_stack *st = this_cpu_ptr(&lsl_stack);
	unsigned long top = READ_ONCE(st->top), i;
	struct task_struct *g, *p;

	if (top) {
		atomic_add(top / LSL_ENTRY, &a->cpu_held);
		pr_warn("audit: CPU %d holds %lu, the newest from %pS\n",
			smp_processor_id(), top / LSL_ENTRY,
			(void *)lsl_at(st->held, top)->site);
	}
	if (smp_processor_id() != cpumask_first(cpu_online_mask))
		return 0;
	rcu_read_lock();
	for_each_process_thread(g, p) {
		unsigned int d = READ_ONCE(p->lock_stat_lite.depth);

		if (!d || p == a->reader)
			continue;
		a->task_held += d;
		pr_warn("audit: %s/%d holds %u, the newest from %pS\n", p->comm,
			task_pid_nr(p), d,
			(void *)p->lock_stat_lite.held[min_t(unsigned int, d,
				LOCK_STAT_LITE_TASK_DEPTH) - 1].site);
	}
	rcu_read_unlock();
	a->used = atomic_long_read(&lsl_used);
	for (i = 0; lsl_table && i < (1UL << lsl_table_bits); i++)
		a->found += !!READ_ONCE(lsl_table[i].ip);
	return 0;
}

static ssize_t lsl_audit_read(struct file *file, char __user *ubuf, size_t count,
			      loff_t *ppos)
{
	struct lsl_audit a = { .reader = current };
	char buf[160];
	int len, ret;

	if (*ppos)
		return 0;
	/* The table is stable against a reset, and the hooks stay as they are. */
	mutex_lock(&lsl_mutex);
	ret = stop_machine(lsl_audit_cpu, &a, cpu_online_mask);
	mutex_unlock(&lsl_mutex);
	if (ret)
		return ret;
	len = scnprintf(buf, sizeof(buf),
			"cpu stacks: %d held\ntask stacks: %u held\nsites: %lu used, %lu found\n",
			atomic_read(&a.cpu_held), a.task_held, a.used, a.found);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations lsl_audit_fops = {
	.read	= lsl_audit_read,
	.llseek	= default_llseek,
};

static void __init lsl_audit_init(void)
{
	struct dentry *dir = debugfs_create_dir("lock_stat_lite", NULL);

	debugfs_create_file("audit", 0400, dir, NULL, &lsl_audit_fops);
}
#else
static inline void lsl_audit_init(void) { }
#endif

/* ------------------------------------------------------------------ init */

/* Boot parameters out of range are refused, said so, and change nothing. */
static int __init lsl_setup(char *str)
{
	if (kstrtobool(str, &lsl_boot_enable)) {
		pr_warn("lock_stat_lite=%s: not a boolean, ignored\n", str);
		return 0;
	}
	return 1;
}
__setup("lock_stat_lite=", lsl_setup);

static int __init lsl_setup_sites(char *str)
{
	unsigned int sites;

	if (kstrtouint(str, 0, &sites) || sites < 64 || sites > (1U << 20)) {
		pr_warn("lock_stat_lite_sites=%s: not a number from 64 to %u, ignored\n",
			str, 1U << 20);
		return 0;
	}
	lsl_table_bits = ilog2(roundup_pow_of_two(sites));
	return 1;
}
__setup("lock_stat_lite_sites=", lsl_setup_sites);

static int __init lsl_setup_sample(char *str)
{
	unsigned int rate;

	if (kstrtouint(str, 0, &rate) || rate < 1 || rate > (1U << 16)) {
		pr_warn("lock_stat_lite_sample=%s: not a number from 1 to %u, ignored\n",
			str, 1U << 16);
		return 0;
	}
	lsl_sample = rate;
	return 1;
}
__setup("lock_stat_lite_sample=", lsl_setup_sample);

static int __init lsl_init(void)
{
	size_t table = (sizeof(*lsl_table) + sizeof(*lsl_pairs)) << lsl_table_bits;
	size_t percpu = sizeof(struct lsl_stack) + sizeof(struct lsl_ring) +
			2 * sizeof(int) + sizeof(struct rnd_state);
	int cpu;

	for_each_possible_cpu(cpu) {
		prandom_seed_state(per_cpu_ptr(&lsl_rnd, cpu), get_random_u64());
		per_cpu(lsl_countdown, cpu) = lsl_sample - 1;
		per_cpu(lsl_sleep_countdown, cpu) = lsl_sample - 1;
	}
	lsl_pairs = kvcalloc(1UL << lsl_table_bits, sizeof(*lsl_pairs),
			     GFP_KERNEL | __GFP_NOWARN);
	lsl_table = kvcalloc(1UL << lsl_table_bits, sizeof(*lsl_table),
			     GFP_KERNEL | __GFP_NOWARN);
	if (!lsl_table || !lsl_pairs) {
		/* The kernel runs on; the file and the sysctl say -ENOMEM. */
		pr_err("cannot allocate %zu bytes for %lu sites: not available\n",
		       table, 1UL << lsl_table_bits);
		kvfree(lsl_pairs);
		kvfree(lsl_table);
		lsl_pairs = NULL;
		lsl_table = NULL;
		return -ENOMEM;
	}
	lsl_reset_time = ktime_get_ns();
	pr_info("%lu sites and pairs: %zu bytes; %zu bytes per CPU, %zu per task; sampling 1 in %u acquisitions\n",
		1UL << lsl_table_bits, table, percpu,
		sizeof(struct lock_stat_lite_task), lsl_sample);
	if (lsl_boot_enable)
		lock_stat_lite_set_enabled(true);
	return 0;
}
core_initcall(lsl_init);

static int __init lsl_init_late(void)
{
	lsl_proc_init();
	lsl_audit_init();
	return 0;
}
late_initcall(lsl_init_late);

static_assert(ARRAY_SIZE(lsl_kind_name) == LSL_NR_KINDS);
static_assert(sizeof(struct lock_stat_lite_task) <= 64);
