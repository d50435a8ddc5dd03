/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lock_stat_lite internals: the hooks that the lock functions jump to, and
 * what lock_stat_lite.c (the hooks, stacks and table) shares with
 * lock_stat_lite_proc.c (the snapshot, /proc and sysctl).
 */
#ifndef _KERNEL_LOCKING_LOCK_STAT_LITE_INTERNALS_H
#define _KERNEL_LOCKING_LOCK_STAT_LITE_INTERNALS_H

#include <linux/lock_stat_lite.h>

#include <linux/jump_label.h>
#include <linux/sched.h>
#include <linux/spinlock_types.h>
#include <linux/atomic.h>
#include <linux/percpu.h>

/*
 * The first statement of a hooked lock function is
 *
 *	if (lock_stat_lite_hooked())
 *		return its_twin(args, _RET_IP_);
 *
 * (or the call and a bare return, for a function that returns nothing;
 * lock_stat_lite_release_hooked() in an unlock function).
 * While the hooks are off, one patched NOP and the function's own body,
 * unchanged.  While on, a tail jump to the twin, which does the whole job
 * and records it.  Lock twins get the call site as an argument, because a
 * build with frame pointers turns the jump into a call.
 *
 * The twins of kernel/locking/spinlock.c, and the keys, are declared in
 * <linux/lock_stat_lite_inline.h>: an inlined lock call needs them too.
 */
#include <linux/lock_stat_lite_inline.h>

/* Low bits of a held entry's tag; every lock is at least 4-byte aligned. */
#define LSL_TAG_CONTENDED	1UL	/* a waiter marked it */
#define LSL_TAG_SLOW		2UL	/* sampled or waited: see the flags */
#define LSL_TAG_FLAGS		(LSL_TAG_CONTENDED | LSL_TAG_SLOW)

/* Flags of a held entry, and of struct lock_stat_lite_release. */
#define LSL_SAMPLED		1	/* timed from the acquisition */
#define LSL_WAITED		2	/* the acquisition waited */
#define LSL_CONTENDED		4	/* released with waiters */
#define LSL_FREE		8	/* waited, but nobody held it then */

/* What a release records once the lock is free again. */
struct lock_stat_lite_release {
	unsigned long	site;
	u64		t;	/* acquired */
	u64		t_rel;	/* released, if contended */
	u32		wait;
	u8		flags;
};

/*
 * The sleeping locks' twins in mutex.c and rwsem.c run the lock's own fast
 * and slow paths between these.  The common case, an uncontended
 * acquisition and its release, is inline: a push and a pop on the task's
 * stack of held sleeping locks.
 */
void lock_stat_lite_sleep_push_slow(void *lock, unsigned long ip, u64 t0,
				    bool free);
bool lock_stat_lite_sleep_pop_slow(void *lock, enum lock_stat_lite_kind kind,
				   bool waiters, struct lock_stat_lite_release *r);
void lock_stat_lite_record_release(void *lock, enum lock_stat_lite_kind kind,
				   struct lock_stat_lite_release *r);
void lock_stat_lite_trylock_failed(void *lock, enum lock_stat_lite_kind kind,
				   unsigned long ip);
bool lock_stat_lite_mark_owner(void *lock, struct task_struct *owner);

#ifdef CONFIG_LOCK_STAT_LITE

/* Sleeping acquisitions until the next sampled one. */
DECLARE_PER_CPU(int, lsl_sleep_countdown);

/*
 * A sleeping lock was acquired without waiting.  The countdown is
 * decremented with preemption on, so a migration may leave a CPU's count
 * below zero; the next acquisition there samples and resets it.
 */
static __always_inline void lock_stat_lite_sleep_acquired(void *lock,
							  unsigned long ip)
{
	struct lock_stat_lite_task *t = &current->lock_stat_lite;
	unsigned int d = t->depth;

	if (unlikely(d >= LOCK_STAT_LITE_TASK_DEPTH ||
		     raw_cpu_dec_return(lsl_sleep_countdown) < 0)) {
		lock_stat_lite_sleep_push_slow(lock, ip, 0, false);
		return;
	}
	t->held[d].site = ip;
	t->held[d].tag = (unsigned long)lock;
	t->depth = d + 1;
}

/*
 * Before a sleeping lock is released: true if the task's newest entry is
 * this lock's, unmarked and untimed, and nobody waits; it is popped.  Else
 * the release goes through lock_stat_lite_sleep_pop_slow().
 */
static __always_inline bool lock_stat_lite_sleep_pop(void *lock, bool waiters)
{
	struct lock_stat_lite_task *t = &current->lock_stat_lite;
	unsigned int d = t->depth;

	if (unlikely(waiters || !d || t->held[d - 1].tag != (unsigned long)lock))
		return false;
	t->depth = d - 1;
	return true;
}

#if IS_ENABLED(CONFIG_LOCK_STAT_LITE_KUNIT_TEST)
void lock_stat_lite_test_push(void *lock, unsigned long ip);
void lock_stat_lite_test_pop(void *lock);
void lock_stat_lite_test_sample(unsigned int rate);
unsigned long lock_stat_lite_test_untracked(void);
bool lock_stat_lite_test_hooked(void);
bool lock_stat_lite_test_spin_tas(void);
bool lock_stat_lite_test_marked(void *lock);
unsigned int lock_stat_lite_test_cpu_depth(void);
unsigned long lock_stat_lite_test_func_site(const void *func,
					    enum lock_stat_lite_kind kind);
#endif

/* ------------------------------------------------ shared with the proc file */

#define LSL_HIST		24
#define LSL_NAME_LEN		24
/* Holder indices in the pair table that are not sites. */
#define LSL_PAIR_UNKNOWN	U32_MAX
#define LSL_PAIR_QUEUED		(U32_MAX - 1)

/*
 * A site's counters, one for each u64 of struct lock_stat_lite_stats and in
 * the same order, so that reading and summing them is one loop.
 */
#define LSL_NR_STATS	(sizeof(struct lock_stat_lite_stats) / sizeof(u64))
#define LSL_STAT_IDX(field)						\
	(offsetof(struct lock_stat_lite_stats, field) / sizeof(u64))
#define lsl_stat(s, field)	(&(s)->stat[LSL_STAT_IDX(field)])
/* The counters that combine by maximum, not by sum. */
#define LSL_MAX_STATS	(BIT(LSL_STAT_IDX(wait_max)) |			\
			 BIT(LSL_STAT_IDX(chold_max)) |			\
			 BIT(LSL_STAT_IDX(hold_max)))

struct lsl_site {
	unsigned long		ip;
	unsigned long		lock;
	u8			kind;
	bool			many_locks;
	atomic64_t		stat[LSL_NR_STATS];
	atomic_t		hist[LSL_HIST];
};

/*
 * Who blocked whom: waits counted per (holder site, waiter site).  The key
 * packs the two sites' indices in the table plus one, so that 0 is free.
 */
struct lsl_pair {
	u64			key;
	atomic64_t		count;
	atomic64_t		wait;
};

extern struct lsl_site *lsl_table;
extern struct lsl_pair *lsl_pairs;
extern unsigned int lsl_table_bits;
extern unsigned int lsl_sample;
extern atomic_long_t lsl_used, lsl_dropped, lsl_untracked;
extern atomic_long_t lsl_unknown_holder, lsl_queued_waits, lsl_pairs_dropped;
extern u64 lsl_reset_time;
extern const char *const lsl_kind_name[LSL_NR_KINDS];

void __init lsl_proc_init(void);

#else /* !CONFIG_LOCK_STAT_LITE */

static inline void lock_stat_lite_sleep_acquired(void *lock, unsigned long ip)
{
}

static inline bool lock_stat_lite_sleep_pop(void *lock, bool waiters)
{
	return true;
}

#endif /* CONFIG_LOCK_STAT_LITE */

#endif /* _KERNEL_LOCKING_LOCK_STAT_LITE_INTERNALS_H */
