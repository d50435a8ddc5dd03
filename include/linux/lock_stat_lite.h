/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lock_stat_lite: lock contention and hold statistics keyed by call site.
 *
 * The out-of-line lock functions call the inline gates below.  Each gate is
 * one static branch, patched to a NOP while neither the statistics nor the
 * contended_release tracepoint are in use.  See
 * Documentation/locking/lock-stat-lite.rst.
 */
#ifndef _LINUX_LOCK_STAT_LITE_H
#define _LINUX_LOCK_STAT_LITE_H

#include <linux/types.h>

struct task_struct;

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

/* The sleeping kinds are held in the holder task's own stack. */
#define LSL_SLEEPING(kind)	((kind) >= LSL_MUTEX)

/*
 * One held lock: its address with flags in the low bits, where and when it
 * was acquired.
 */
struct lock_stat_lite_held {
	unsigned long	tag;
	unsigned long	site;
	u64		t_acquire;
	u32		kind;
};

#define LOCK_STAT_LITE_TASK_DEPTH	8

/**
 * struct lock_stat_lite_task - the sleeping locks a task holds
 * @owner: the task this is embedded in; a copy made by fork() is stale
 * @gen: the statistics generation the stack belongs to
 * @depth: entries in use
 * @held: the entries, oldest first
 *
 * Part of task_struct: mutexes and rwsems are held across sleeps and
 * migrations, so their holds cannot live in per-CPU stacks.
 */
struct lock_stat_lite_task {
	struct task_struct		*owner;
	unsigned int			gen;
	u8				depth;
	struct lock_stat_lite_held	held[LOCK_STAT_LITE_TASK_DEPTH];
};

/*
 * A sleeping lock's wait, from the failed fast path to the acquisition,
 * on the waiter's stack.
 */
struct lock_stat_lite_wait {
	u64		t0;
	unsigned long	holder;
	unsigned int	gen;
	u32		hkind;
};

/**
 * struct lock_stat_lite_stats - the counters of one or more call sites
 * @contentions: acquisitions that had to wait
 * @wait_total: total wait time of those acquisitions, in ns
 * @wait_max: longest single wait, in ns
 * @trylock_failed: trylock attempts that failed
 * @acquisitions: acquisitions, sampled and scaled by the sampling interval
 * @contended_releases: releases of holds acquired here that had waiters
 * @chold_total: total hold time of those contended holds, in ns
 * @chold_max: longest contended hold, in ns
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
#include <linux/jump_label.h>

/*
 * Enabled while the statistics are on or contended_release has a probe:
 * one reference each.
 */
DECLARE_STATIC_KEY_FALSE(lock_stat_lite_key);

void __lock_stat_lite_lock(void *lock, enum lock_stat_lite_kind kind,
			   unsigned long ip) __acquires(lock);
void __lock_stat_lite_release(void *lock, enum lock_stat_lite_kind kind);

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

/*
 * _RET_IP_ in these macros is the return address of the enclosing
 * out-of-line lock function, that is the caller's call site.
 */
#define lock_stat_lite_hooked()	static_branch_unlikely(&lock_stat_lite_key)

#define LOCK_STAT_LITE_CONTENDED(_lock, _kind, _try, _acquire)		\
do {									\
	typeof(_lock) __lsl_lock = (_lock);				\
									\
	if (lock_stat_lite_hooked())					\
		__lock_stat_lite_lock(__lsl_lock, _kind, _RET_IP_);	\
	else								\
		LOCK_CONTENDED(__lsl_lock, _try, _acquire);		\
} while (0)

#define LOCK_STAT_LITE_TRY(_lock, _kind, _try)				\
({									\
	typeof(_lock) __lsl_lock = (_lock);				\
	bool __acquired = _try(__lsl_lock);				\
									\
	if (lock_stat_lite_hooked())					\
		__lock_stat_lite_trylock(__lsl_lock, _kind, __acquired,	\
					 _RET_IP_);			\
	__acquired;							\
})

#define lock_stat_lite_release(_lock, _kind)				\
do {									\
	if (lock_stat_lite_hooked())					\
		__lock_stat_lite_release(_lock, _kind);			\
} while (0)

#else /* !CONFIG_LOCK_STAT_LITE */

#define LOCK_STAT_LITE_CONTENDED(_lock, _kind, _try, _acquire)		\
do {									\
	(void)(_kind);							\
	LOCK_CONTENDED(_lock, _try, _acquire);				\
} while (0)
#define LOCK_STAT_LITE_TRY(_lock, _kind, _try)	((void)(_kind), _try(_lock))
static inline void lock_stat_lite_release(void *lock,
					  enum lock_stat_lite_kind kind) { }
#define lock_stat_lite_hooked()	false
static inline int lock_stat_lite_name_lock(const void *lock, const char *name)
{
	return 0;
}

static inline void lock_stat_lite_unname_lock(const void *lock) { }

static inline bool lock_stat_lite_enabled(void) { return false; }

#endif /* CONFIG_LOCK_STAT_LITE */

void __lock_stat_lite_trylock(void *lock, enum lock_stat_lite_kind kind,
			      bool acquired, unsigned long ip);
void __lock_stat_lite_wait_begin(struct lock_stat_lite_wait *w, void *lock,
				 struct task_struct *owner);
void __lock_stat_lite_wait_end(struct lock_stat_lite_wait *w, void *lock,
			       enum lock_stat_lite_kind kind, unsigned long ip,
			       bool acquired);
void __lock_stat_lite_sleep_release(void *lock, bool waiters);

/*
 * A sleeping lock's acquisition while hooked: _try is the lock's fast path,
 * _call the slow path as an int expression (0 once acquired), _owner the
 * task holding the lock or NULL, read under RCU as optimistic spinning
 * reads it.  Only a failed fast path pays for the wait's bookkeeping.  The
 * caller keeps the unhooked path as it was.  Defined with the feature off
 * too, where lock_stat_lite_hooked() is false and the compiler drops the
 * calls, so that callers need no #ifdef.
 */
#define LOCK_STAT_LITE_SLEEP(_lock, _kind, _try, _call, _owner)		\
({									\
	enum lock_stat_lite_kind __lsl_kind = (_kind);			\
	typeof(_lock) __lsl_lock = (_lock);				\
	struct lock_stat_lite_wait __lsl_w;				\
	int __lsl_ret = 0;						\
									\
	if (likely(_try(__lsl_lock))) {					\
		__lock_stat_lite_trylock(__lsl_lock, __lsl_kind, true,	\
					 _RET_IP_);			\
	} else {							\
		rcu_read_lock();					\
		__lock_stat_lite_wait_begin(&__lsl_w, __lsl_lock, _owner); \
		rcu_read_unlock();					\
		__lsl_ret = (_call);					\
		__lock_stat_lite_wait_end(&__lsl_w, __lsl_lock,		\
					  __lsl_kind, _RET_IP_,		\
					  !__lsl_ret);			\
	}								\
	__lsl_ret;							\
})

/* Before the unlock; @_waiters is read only while hooked. */
#define lock_stat_lite_sleep_release(_lock, _waiters)			\
do {									\
	if (lock_stat_lite_hooked())					\
		__lock_stat_lite_sleep_release(_lock, _waiters);	\
} while (0)

#endif /* _LINUX_LOCK_STAT_LITE_H */
