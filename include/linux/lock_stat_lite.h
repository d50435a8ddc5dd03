/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lock_stat_lite: lock contention and hold statistics keyed by call site.
 *
 * What the rest of the kernel sees: the per-task stack of sleeping locks
 * in task_struct, the counters, and the calls to query and control the
 * statistics.  The hooks are declared in
 * kernel/locking/lock_stat_lite_internals.h.  See
 * Documentation/locking/lock-stat-lite.rst.
 */
#ifndef _LINUX_LOCK_STAT_LITE_H
#define _LINUX_LOCK_STAT_LITE_H

#include <linux/types.h>

/* The kind of acquisition a row of /proc/lock_stat_lite describes. */
enum lock_stat_lite_kind {
	LSL_SPIN,
	LSL_READ,
	LSL_WRITE,
	LSL_MUTEX,
	LSL_RSEM,
	LSL_WSEM,
	LSL_NR_KINDS,
};

/* One held lock: its address with flags in the low bits, and its site. */
struct lock_stat_lite_held {
	unsigned long	tag;
	unsigned long	site;
};

#define LOCK_STAT_LITE_TASK_DEPTH	3

/**
 * struct lock_stat_lite_task - the sleeping locks a task holds
 * @held: the entries, oldest first
 * @t: when the timed entry was acquired, in local_clock() ns
 * @wait: how long the timed entry's acquisition waited, in ns
 * @depth: entries in use
 * @timed: the index of the entry that @t and @wait belong to, plus one
 * @flags: what @t and @wait stand for: sampled, waited
 *
 * Part of task_struct, 64 bytes: mutexes and rwsems are held across sleeps
 * and migrations, so their holds cannot live in per-CPU stacks.  Only one
 * entry at a time carries a time (sampled or waited); nested timed holds
 * are rare, and the inner one is then recorded without its hold time.
 */
struct lock_stat_lite_task {
	struct lock_stat_lite_held	held[LOCK_STAT_LITE_TASK_DEPTH];
	u64				t;
	u32				wait;
	u8				depth;
	u8				timed;
	u8				flags;
};

/**
 * struct lock_stat_lite_stats - the counters of one or more call sites
 * @contentions: acquisitions that had to wait
 * @wait_total: total wait time of those acquisitions, in ns
 * @wait_max: longest single wait, in ns
 * @trylock_failed: trylock attempts that failed
 * @acquisitions: acquisitions, sampled and scaled by the sampling interval
 * @contended_releases: releases of holds acquired here that had waiters
 * @chold_total: total of those holds from the first waiter's arrival to
 *	the release, in ns
 * @chold_max: the longest of them, in ns
 * @blocked: total time waiters spent waiting on holds acquired here, in ns
 * @holds_sampled: sampled holds (every acquisition has the same chance)
 * @hold_total: total hold time of the sampled holds, in ns
 * @hold_max: longest sampled hold, in ns
 */
struct lock_stat_lite_stats {
	u64 contentions;
	u64 wait_total;
	u64 wait_max;
	u64 trylock_failed;
	u64 acquisitions;
	u64 contended_releases;
	u64 chold_total;
	u64 chold_max;
	u64 blocked;
	u64 holds_sampled;
	u64 hold_total;
	u64 hold_max;
};

#ifdef CONFIG_LOCK_STAT_LITE

int lock_stat_lite_trace_reg(void);
void lock_stat_lite_trace_unreg(void);

bool lock_stat_lite_enabled(void);
int lock_stat_lite_set_enabled(bool on);
void lock_stat_lite_reset(void);
void lock_stat_lite_table_info(unsigned long *used, unsigned long *size,
			       unsigned long *dropped);
int lock_stat_lite_func_stats(const void *func, enum lock_stat_lite_kind kind,
			      struct lock_stat_lite_stats *out);
int lock_stat_lite_pair_stats(const void *holder_func, const void *waiter_func,
			      u64 *count, u64 *wait);
ssize_t lock_stat_lite_print(char *buf, size_t size);
int lock_stat_lite_name_lock(const void *lock, const char *name);
void lock_stat_lite_unname_lock(const void *lock);

#else /* !CONFIG_LOCK_STAT_LITE */

static inline int lock_stat_lite_name_lock(const void *lock, const char *name)
{
	return 0;
}

static inline void lock_stat_lite_unname_lock(const void *lock) { }

static inline bool lock_stat_lite_enabled(void) { return false; }

#endif /* CONFIG_LOCK_STAT_LITE */

#endif /* _LINUX_LOCK_STAT_LITE_H */
