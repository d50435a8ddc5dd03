// SPDX-License-Identifier: GPL-2.0
/*
 * lock_stat_lite: the reading side.  A snapshot of the call-site table,
 * sorted, shown in /proc/lock_stat_lite; the kernel.lock_stat_lite sysctl;
 * the names given to locks; and the queries the KUnit suite uses.
 *
 * Nothing here runs in a lock function: the snapshot reads the table with
 * plain atomic reads while the hooks keep writing it.
 */

#define pr_fmt(fmt) "lock_stat_lite: " fmt

#include <linux/kallsyms.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/sysctl.h>
#include <linux/sort.h>
#include <linux/module.h>
#include <linux/xarray.h>
#include <linux/slab.h>
#include <linux/rcupdate.h>
#include <linux/ktime.h>
#include <kunit/visibility.h>
#include <asm/sections.h>

#include "lock_stat_lite_internals.h"

#define LSL_VERSION		"2.1"
#define LSL_TOP_PAIRS		32

/* A name given to a lock; freed after a grace period. */
struct lsl_name {
	struct rcu_head		rcu;
	char			name[LSL_NAME_LEN];
};

static DEFINE_XARRAY(lsl_names);

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

#if IS_ENABLED(CONFIG_LOCK_STAT_LITE_KUNIT_TEST)
/* For the KUnit suite: the one site of @kind in @func; 0 if none or several. */
VISIBLE_IF_KUNIT unsigned long lock_stat_lite_test_func_site(const void *func,
							     enum lock_stat_lite_kind kind)
{
	unsigned long start, end, i, site = 0;
	int n = 0;

	if (!lsl_table || !lsl_func_range(func, &start, &end))
		return 0;
	for (i = 0; i < (1UL << lsl_table_bits); i++) {
		unsigned long ip = READ_ONCE(lsl_table[i].ip);

		if (ip > start && ip <= end && READ_ONCE(lsl_table[i].kind) == kind) {
			site = ip;
			n++;
		}
	}
	return n == 1 ? site : 0;
}
EXPORT_SYMBOL_IF_KUNIT(lock_stat_lite_test_func_site);
#endif

/* Is @idx, an index in the pair key, a site inside (start, end]? */
static bool lsl_pair_site_in(u32 idx, unsigned long start, unsigned long end)
{
	unsigned long ip;

	if (!idx || idx > (1UL << lsl_table_bits))
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
	bool		queued;
	u64		count, wait;
};

struct lsl_snapshot {
	unsigned long		used, dropped, untracked, unknown_holder, queued;
	u64			waits;
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
	/* Apart from the name, which may end in anything. */
	if (r->many_locks)
		seq_puts(m, "  many");
	if (r->name[0])
		seq_printf(m, "  lock=%s", r->name);
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
		seq_puts(m, p->queued ? "(queued)" : "unknown");
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
	seq_printf(m, "untracked holds: %lu; waits: %llu, with unknown holder: %lu, queued behind waiters: %lu\n",
		   snap->untracked, snap->waits, snap->unknown_holder, snap->queued);
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

		bool site = hi != LSL_PAIR_UNKNOWN && hi != LSL_PAIR_QUEUED;

		if (!key || !wi || wi > size || (site && (!hi || hi > size)))
			continue;
		lsl_snapshot_site(&lsl_table[wi - 1], &r->waiter, &r->wkind);
		r->holder = 0;
		r->hkind = 0;
		r->queued = hi == LSL_PAIR_QUEUED;
		if (site)
			lsl_snapshot_site(&lsl_table[hi - 1], &r->holder, &r->hkind);
		r->count = atomic64_read(&p->count);
		r->wait = atomic64_read(&p->wait);
		/* A site cleared by a reset that is still in progress. */
		if (!r->waiter || (site && !r->holder))
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
		snap->waits += r->st.contentions;
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
	snap->queued = atomic_long_read(&lsl_queued_waits);
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

void __init lsl_proc_init(void)
{
	proc_create("lock_stat_lite", 0400, NULL, &lsl_proc_ops);
	register_sysctl("kernel", lsl_sysctls);
}
