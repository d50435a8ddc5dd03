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

/* The kind of acquisition a row of /proc/lock_stat_lite describes. */
enum lock_stat_lite_kind {
	LSL_SPIN,
	LSL_READ,
	LSL_WRITE,
	LSL_NR_KINDS,
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
void __lock_stat_lite_trylock(void *lock, enum lock_stat_lite_kind kind,
			      bool acquired, unsigned long ip);
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

static inline bool lock_stat_lite_enabled(void) { return false; }

#endif /* CONFIG_LOCK_STAT_LITE */

#endif /* _LINUX_LOCK_STAT_LITE_H */
