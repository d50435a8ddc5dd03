/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lock_stat_lite's hooks, where they are: the twins that the spinlock and
 * rwlock functions jump to while the statistics are on, and the hook at a
 * lock call that the architecture inlines.
 *
 * Out of line (kernel/locking/spinlock.c), the first statement of a lock
 * function tests lock_stat_lite_hooked() and passes its own return address,
 * the caller's call site, to its twin.  Where the architecture inlines the
 * lock functions (ARCH_INLINE_SPIN_LOCK and friends, selected by arm64
 * without preemption), that return address is the caller's caller's, so
 * the test sits at every inlined call instead: one patched NOP in line,
 * and while on a call to the twin with 0 for the site, which the twin
 * replaces with its own return address: the call's, in the caller.
 * Included last by spinlock_api_smp.h.
 */
#ifndef _LINUX_LOCK_STAT_LITE_INLINE_H
#define _LINUX_LOCK_STAT_LITE_INLINE_H

#include <linux/compiler.h>
#include <linux/jump_label.h>

struct lockdep_map;

/* The twins of the spinlock and rwlock functions. */
void lsl_raw_spin_lock(raw_spinlock_t *lock, unsigned long ip) __acquires(lock);
unsigned long lsl_raw_spin_lock_irqsave(raw_spinlock_t *lock, unsigned long ip)
	__acquires(lock);
void lsl_raw_spin_lock_irq(raw_spinlock_t *lock, unsigned long ip) __acquires(lock);
void lsl_raw_spin_lock_bh(raw_spinlock_t *lock, unsigned long ip) __acquires(lock);
int lsl_raw_spin_trylock(raw_spinlock_t *lock, unsigned long ip);
int lsl_raw_spin_trylock_bh(raw_spinlock_t *lock, unsigned long ip);
void lsl_raw_spin_unlock(raw_spinlock_t *lock) __releases(lock);
void lsl_raw_spin_unlock_irqrestore(raw_spinlock_t *lock, unsigned long flags)
	__releases(lock);
void lsl_raw_spin_unlock_irq(raw_spinlock_t *lock) __releases(lock);
void lsl_raw_spin_unlock_bh(raw_spinlock_t *lock, unsigned long ip) __releases(lock);
/* What the spinlock calls with a subclass or a nest lock become with lockdep. */
void lsl_raw_spin_lock_nested(raw_spinlock_t *lock, int subclass, unsigned long ip)
	__acquires(lock);
unsigned long lsl_raw_spin_lock_irqsave_nested(raw_spinlock_t *lock, int subclass,
					       unsigned long ip) __acquires(lock);
void lsl_raw_spin_lock_nest_lock(raw_spinlock_t *lock, struct lockdep_map *nest,
				 unsigned long ip) __acquires(lock);

void lsl_raw_read_lock(rwlock_t *lock, unsigned long ip) __acquires(lock);
unsigned long lsl_raw_read_lock_irqsave(rwlock_t *lock, unsigned long ip)
	__acquires(lock);
void lsl_raw_read_lock_irq(rwlock_t *lock, unsigned long ip) __acquires(lock);
void lsl_raw_read_lock_bh(rwlock_t *lock, unsigned long ip) __acquires(lock);
int lsl_raw_read_trylock(rwlock_t *lock, unsigned long ip);
void lsl_raw_read_unlock(rwlock_t *lock) __releases(lock);
void lsl_raw_read_unlock_irqrestore(rwlock_t *lock, unsigned long flags)
	__releases(lock);
void lsl_raw_read_unlock_irq(rwlock_t *lock) __releases(lock);
void lsl_raw_read_unlock_bh(rwlock_t *lock, unsigned long ip) __releases(lock);

void lsl_raw_write_lock(rwlock_t *lock, unsigned long ip) __acquires(lock);
unsigned long lsl_raw_write_lock_irqsave(rwlock_t *lock, unsigned long ip)
	__acquires(lock);
void lsl_raw_write_lock_irq(rwlock_t *lock, unsigned long ip) __acquires(lock);
void lsl_raw_write_lock_bh(rwlock_t *lock, unsigned long ip) __acquires(lock);
void lsl_raw_write_lock_nested(rwlock_t *lock, int subclass, unsigned long ip)
	__acquires(lock);
int lsl_raw_write_trylock(rwlock_t *lock, unsigned long ip);
void lsl_raw_write_unlock(rwlock_t *lock) __releases(lock);
void lsl_raw_write_unlock_irqrestore(rwlock_t *lock, unsigned long flags)
	__releases(lock);
void lsl_raw_write_unlock_irq(rwlock_t *lock) __releases(lock);
void lsl_raw_write_unlock_bh(rwlock_t *lock, unsigned long ip) __releases(lock);

#ifdef CONFIG_LOCK_STAT_LITE

/*
 * Enabled while the statistics are on or contended_release has a probe:
 * one key for the acquisitions, one for the releases, so that no release
 * is unhooked while its acquisition is hooked.  Patching a key is not
 * atomic across its sites: with one key, a lock and its unlock taken while
 * only the lock was patched would leave an entry that nothing pops.  The
 * releases are hooked first and unhooked last.
 */
DECLARE_STATIC_KEY_FALSE(lock_stat_lite_key);
DECLARE_STATIC_KEY_FALSE(lock_stat_lite_release_key);

#define lock_stat_lite_hooked()	static_branch_unlikely(&lock_stat_lite_key)
#define lock_stat_lite_release_hooked()					\
	static_branch_unlikely(&lock_stat_lite_release_key)

/*
 * At an inlined call: the twin of @name while hooked, its site the return
 * address of this call (0), else the inline body.  Both arms have the lock
 * function's type.
 */
#define lsl_inline_lock(name, lock, ...)				\
({									\
	typeof(lock) __lsl_lock = (lock);				\
									\
	lock_stat_lite_hooked() ?					\
		lsl_raw_##name(__lsl_lock, ##__VA_ARGS__, 0) :		\
		__raw_##name(__lsl_lock, ##__VA_ARGS__);		\
})
#define lsl_inline_unlock(name, lock, ...)				\
({									\
	typeof(lock) __lsl_lock = (lock);				\
									\
	lock_stat_lite_release_hooked() ?				\
		lsl_raw_##name(__lsl_lock, ##__VA_ARGS__) :		\
		__raw_##name(__lsl_lock, ##__VA_ARGS__);		\
})
#define lsl_inline_unlock_bh(name, lock)				\
({									\
	typeof(lock) __lsl_lock = (lock);				\
									\
	lock_stat_lite_release_hooked() ?				\
		lsl_raw_##name(__lsl_lock, 0) : __raw_##name(__lsl_lock); \
})

#else /* !CONFIG_LOCK_STAT_LITE */

#define lock_stat_lite_hooked()			false
#define lock_stat_lite_release_hooked()		false

#define lsl_inline_lock(name, lock, ...)	__raw_##name(lock, ##__VA_ARGS__)
#define lsl_inline_unlock(name, lock, ...)	__raw_##name(lock, ##__VA_ARGS__)
#define lsl_inline_unlock_bh(name, lock)	__raw_##name(lock)

#endif /* CONFIG_LOCK_STAT_LITE */

/*
 * The lock functions this configuration inlines, each with its hook.
 * spinlock_api_smp.h includes this header after its own definitions, and
 * only where lock_stat_lite and an inlined lock function meet
 * (CONFIG_LOCK_STAT_LITE_INLINE), so that elsewhere no line of what it
 * compiles changes.
 */
#ifdef CONFIG_INLINE_SPIN_LOCK
#undef _raw_spin_lock
#define _raw_spin_lock(lock) lsl_inline_lock(spin_lock, lock)
#endif

#ifdef CONFIG_INLINE_SPIN_LOCK_BH
#undef _raw_spin_lock_bh
#define _raw_spin_lock_bh(lock) lsl_inline_lock(spin_lock_bh, lock)
#endif

#ifdef CONFIG_INLINE_SPIN_LOCK_IRQ
#undef _raw_spin_lock_irq
#define _raw_spin_lock_irq(lock) lsl_inline_lock(spin_lock_irq, lock)
#endif

#ifdef CONFIG_INLINE_SPIN_LOCK_IRQSAVE
#undef _raw_spin_lock_irqsave
#define _raw_spin_lock_irqsave(lock) lsl_inline_lock(spin_lock_irqsave, lock)
#endif

#ifdef CONFIG_INLINE_SPIN_TRYLOCK
#undef _raw_spin_trylock
#define _raw_spin_trylock(lock) lsl_inline_lock(spin_trylock, lock)
#endif

#ifdef CONFIG_INLINE_SPIN_TRYLOCK_BH
#undef _raw_spin_trylock_bh
#define _raw_spin_trylock_bh(lock) lsl_inline_lock(spin_trylock_bh, lock)
#endif

#ifndef CONFIG_UNINLINE_SPIN_UNLOCK
#undef _raw_spin_unlock
#define _raw_spin_unlock(lock) lsl_inline_unlock(spin_unlock, lock)
#endif

#ifdef CONFIG_INLINE_SPIN_UNLOCK_BH
#undef _raw_spin_unlock_bh
#define _raw_spin_unlock_bh(lock) lsl_inline_unlock_bh(spin_unlock_bh, lock)
#endif

#ifdef CONFIG_INLINE_SPIN_UNLOCK_IRQ
#undef _raw_spin_unlock_irq
#define _raw_spin_unlock_irq(lock) lsl_inline_unlock(spin_unlock_irq, lock)
#endif

#ifdef CONFIG_INLINE_SPIN_UNLOCK_IRQRESTORE
#undef _raw_spin_unlock_irqrestore
#define _raw_spin_unlock_irqrestore(lock, flags) \
	lsl_inline_unlock(spin_unlock_irqrestore, lock, flags)
#endif

#ifdef CONFIG_INLINE_READ_LOCK
#undef _raw_read_lock
#define _raw_read_lock(lock) lsl_inline_lock(read_lock, lock)
#endif

#ifdef CONFIG_INLINE_READ_LOCK_BH
#undef _raw_read_lock_bh
#define _raw_read_lock_bh(lock) lsl_inline_lock(read_lock_bh, lock)
#endif

#ifdef CONFIG_INLINE_READ_LOCK_IRQ
#undef _raw_read_lock_irq
#define _raw_read_lock_irq(lock) lsl_inline_lock(read_lock_irq, lock)
#endif

#ifdef CONFIG_INLINE_READ_LOCK_IRQSAVE
#undef _raw_read_lock_irqsave
#define _raw_read_lock_irqsave(lock) lsl_inline_lock(read_lock_irqsave, lock)
#endif

#ifdef CONFIG_INLINE_READ_TRYLOCK
#undef _raw_read_trylock
#define _raw_read_trylock(lock) lsl_inline_lock(read_trylock, lock)
#endif

#ifdef CONFIG_INLINE_READ_UNLOCK
#undef _raw_read_unlock
#define _raw_read_unlock(lock) lsl_inline_unlock(read_unlock, lock)
#endif

#ifdef CONFIG_INLINE_READ_UNLOCK_BH
#undef _raw_read_unlock_bh
#define _raw_read_unlock_bh(lock) lsl_inline_unlock_bh(read_unlock_bh, lock)
#endif

#ifdef CONFIG_INLINE_READ_UNLOCK_IRQ
#undef _raw_read_unlock_irq
#define _raw_read_unlock_irq(lock) lsl_inline_unlock(read_unlock_irq, lock)
#endif

#ifdef CONFIG_INLINE_READ_UNLOCK_IRQRESTORE
#undef _raw_read_unlock_irqrestore
#define _raw_read_unlock_irqrestore(lock, flags) \
	lsl_inline_unlock(read_unlock_irqrestore, lock, flags)
#endif

#ifdef CONFIG_INLINE_WRITE_LOCK
#undef _raw_write_lock
#define _raw_write_lock(lock) lsl_inline_lock(write_lock, lock)
#endif

#ifdef CONFIG_INLINE_WRITE_LOCK_BH
#undef _raw_write_lock_bh
#define _raw_write_lock_bh(lock) lsl_inline_lock(write_lock_bh, lock)
#endif

#ifdef CONFIG_INLINE_WRITE_LOCK_IRQ
#undef _raw_write_lock_irq
#define _raw_write_lock_irq(lock) lsl_inline_lock(write_lock_irq, lock)
#endif

#ifdef CONFIG_INLINE_WRITE_LOCK_IRQSAVE
#undef _raw_write_lock_irqsave
#define _raw_write_lock_irqsave(lock) lsl_inline_lock(write_lock_irqsave, lock)
#endif

#ifdef CONFIG_INLINE_WRITE_TRYLOCK
#undef _raw_write_trylock
#define _raw_write_trylock(lock) lsl_inline_lock(write_trylock, lock)
#endif

#ifdef CONFIG_INLINE_WRITE_UNLOCK
#undef _raw_write_unlock
#define _raw_write_unlock(lock) lsl_inline_unlock(write_unlock, lock)
#endif

#ifdef CONFIG_INLINE_WRITE_UNLOCK_BH
#undef _raw_write_unlock_bh
#define _raw_write_unlock_bh(lock) lsl_inline_unlock_bh(write_unlock_bh, lock)
#endif

#ifdef CONFIG_INLINE_WRITE_UNLOCK_IRQ
#undef _raw_write_unlock_irq
#define _raw_write_unlock_irq(lock) lsl_inline_unlock(write_unlock_irq, lock)
#endif

#ifdef CONFIG_INLINE_WRITE_UNLOCK_IRQRESTORE
#undef _raw_write_unlock_irqrestore
#define _raw_write_unlock_irqrestore(lock, flags) \
	lsl_inline_unlock(write_unlock_irqrestore, lock, flags)
#endif

#endif /* _LINUX_LOCK_STAT_LITE_INLINE_H */
