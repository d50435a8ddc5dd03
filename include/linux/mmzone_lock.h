/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wrappers for struct zone's free area lock.
 *
 * All users of the zone lock take it through these wrappers, so that its
 * users can be found and instrumented in one place; the lock member is
 * called _lock so that code bypassing them does not build.  Direct uses are
 * reported by scripts/coccinelle/api/zone_lock.cocci.
 *
 * The wrappers are __always_inline: lock_stat_lite keys its statistics by
 * the return address of the out-of-line spinlock functions, which has to
 * stay in the mm function taking the lock, not in a shared helper.  The
 * irqsave variants are macros around such helpers because they assign
 * @flags, as spin_lock_irqsave() does.
 */
#ifndef _LINUX_MMZONE_LOCK_H
#define _LINUX_MMZONE_LOCK_H

#include <linux/cleanup.h>
#include <linux/compiler.h>
#include <linux/lock_stat_lite.h>
#include <linux/lockdep.h>
#include <linux/mmzone.h>
#include <linux/spinlock.h>
#include <linux/typecheck.h>

static __always_inline void zone_lock_init(struct zone *zone)
{
	spin_lock_init(&zone->_lock);
}

static __always_inline unsigned long __zone_lock_irqsave(struct zone *zone)
	__acquires(&zone->_lock)
{
	unsigned long flags;

	spin_lock_irqsave(&zone->_lock, flags);
	return flags;
}

#define zone_lock_irqsave(zone, flags)				\
do {								\
	typecheck(unsigned long, flags);			\
	flags = __zone_lock_irqsave(zone);			\
} while (0)

static __always_inline bool __zone_trylock_irqsave(struct zone *zone,
						   unsigned long *flags)
	__cond_acquires(&zone->_lock)
{
	return spin_trylock_irqsave(&zone->_lock, *flags);
}

#define zone_trylock_irqsave(zone, flags)			\
({								\
	typecheck(unsigned long, flags);			\
	__zone_trylock_irqsave(zone, &(flags));			\
})

static __always_inline void zone_unlock_irqrestore(struct zone *zone,
						   unsigned long flags)
	__releases(&zone->_lock)
{
	spin_unlock_irqrestore(&zone->_lock, flags);
}

static __always_inline void zone_lock_irq(struct zone *zone)
	__acquires(&zone->_lock)
{
	spin_lock_irq(&zone->_lock);
}

static __always_inline void zone_unlock_irq(struct zone *zone)
	__releases(&zone->_lock)
{
	spin_unlock_irq(&zone->_lock);
}

/* A macro, so that a lockdep splat points at the caller's line. */
#define zone_lock_assert_held(zone)	lockdep_assert_held(&(zone)->_lock)

/*
 * Name the lock in /proc/lock_stat_lite.  Allocates, so it may sleep and
 * can not be used before the slab allocator is up.
 */
static inline int zone_lock_stat_name(struct zone *zone, const char *name)
{
	return lock_stat_lite_name_lock(&zone->_lock, name);
}

/*
 * Scoped forms, for what newer trees write as guard(spinlock_irqsave)(&zone->lock);
 * scripts/coccinelle/api/zone_lock.cocci converts those to these.  The
 * constructors are small enough for gcc to inline, which keeps the call
 * site in the caller.
 */
DEFINE_LOCK_GUARD_1(zone_lock_irqsave, struct zone,
		    zone_lock_irqsave(_T->lock, _T->flags),
		    zone_unlock_irqrestore(_T->lock, _T->flags),
		    unsigned long flags)
DEFINE_LOCK_GUARD_1_COND(zone_lock_irqsave, _try,
			 zone_trylock_irqsave(_T->lock, _T->flags))

DEFINE_LOCK_GUARD_1(zone_lock_irq, struct zone,
		    zone_lock_irq(_T->lock),
		    zone_unlock_irq(_T->lock))

#endif /* _LINUX_MMZONE_LOCK_H */
