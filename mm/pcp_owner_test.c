// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of per-CPU pageblock ownership (CONFIG_PCP_PAGEBLOCK_OWNER):
 * a pageblock allocated on one CPU and freed from another merges back
 * whole on its owner and goes to the zone whole and unowned; a CPU that
 * goes offline keeps no block and no page; async compaction leaves an
 * owned block alone and sync compaction disowns it.
 *
 * The suite runs at boot in make check's 4-CPU guest, which boots with
 * pcp_owner_min_cpus=1: below the default of 8 CPUs a node claims no
 * block, and these cases fail.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "internal.h"

/* Up to 64 MiB of 4 KiB pages, to find one owned block and hold all of it. */
#define MAX_PAGES	16384

struct owner_ctx {
	struct page **pages;
	unsigned int nr;
	unsigned long block;	/* first pfn of the held block, or ULONG_MAX */
	unsigned int held;	/* pages of that block in pages[] */
	int cpu;
	struct completion done;
};

static bool in_block(struct owner_ctx *c, struct page *page)
{
	return c->block != ULONG_MAX &&
	       ALIGN_DOWN(page_to_pfn(page), pageblock_nr_pages) == c->block;
}

/*
 * On c->cpu: allocate movable pages until all pages of one block owned by
 * this CPU are ours.  An owned page of another block names a new block:
 * another task on this CPU may have taken a page of the previous one.
 */
static int alloc_block_fn(void *data)
{
	struct owner_ctx *c = data;

	while (c->nr < MAX_PAGES && c->held < pageblock_nr_pages) {
		struct page *page = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);

		if (!page)
			break;
		c->pages[c->nr++] = page;
		if (pcp_owner_of(page) == c->cpu && !in_block(c, page)) {
			c->block = ALIGN_DOWN(page_to_pfn(page), pageblock_nr_pages);
			c->held = 0;
		}
		if (in_block(c, page))
			c->held++;
	}
	complete(&c->done);
	return 0;
}

/* On c->cpu: free the pages of the block, or every other page if !block. */
static int free_pages_fn(void *data)
{
	struct owner_ctx *c = data;
	unsigned int i;

	for (i = 0; i < c->nr; i++) {
		if (c->pages[i] && in_block(c, c->pages[i])) {
			__free_page(c->pages[i]);
			c->pages[i] = NULL;
		}
	}
	complete(&c->done);
	return 0;
}

static void run_on(struct kunit *test, struct owner_ctx *c, int cpu,
		   int (*fn)(void *))
{
	struct task_struct *t;

	c->cpu = cpu;
	reinit_completion(&c->done);
	t = kthread_run_on_cpu(fn, c, cpu, "pcp_owner_test/%u");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	wait_for_completion(&c->done);
}

static void free_rest(struct owner_ctx *c)
{
	unsigned int i;

	for (i = 0; i < c->nr; i++)
		if (c->pages[i])
			__free_page(c->pages[i]);
	c->nr = 0;
}

static struct owner_ctx *ctx_alloc(struct kunit *test)
{
	struct owner_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->pages = kunit_kcalloc(test, MAX_PAGES, sizeof(*c->pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->pages);
	c->block = ULONG_MAX;
	init_completion(&c->done);
	return c;
}

/* Two online CPUs other than the one running the suite, or fail. */
static void pick_cpus(struct kunit *test, int *a, int *b)
{
	int cpu, self = raw_smp_processor_id();

	*a = -1;
	*b = -1;
	for_each_online_cpu(cpu) {
		if (cpu == self)
			continue;
		if (*a < 0)
			*a = cpu;
		else if (*b < 0)
			*b = cpu;
	}
	KUNIT_ASSERT_GE_MSG(test, *b, 0, "needs 3 online CPUs");
}

/*
 * Allocate a whole owned block on CPU A and free all of it from CPU B: the
 * pages go back to A and merge there into one block, still A's; a drain
 * gives it to the zone whole and unowned.  Returns NULL, or for another
 * try what got in the way, both by design:
 * - A's lists were drained while the pages came back: a drain that takes
 *   part of a block disowns it, and the rest of its pages then stay where
 *   they are freed;
 * - A's lock was busy when B freed a page: that page stays on B's lists
 *   and the block stays A's, split.
 * A merge that failed would leave the block split and still A's, with no
 * busy free counted.
 */
static const char *alloc_on_a_free_on_b(struct kunit *test, int a, int b)
{
	struct owner_ctx *c = ctx_alloc(test);
	enum pcp_owner_where where;
	unsigned long whole, busy;
	const char *why = NULL;
	struct page *head;
	int owner;

	run_on(test, c, a, alloc_block_fn);
	kunit_info(test, "cpu%d: %u pages allocated, block %#lx, %u of its pages held\n",
		   a, c->nr, c->block, c->held);
	if (c->held < pageblock_nr_pages)
		free_rest(c);
	KUNIT_ASSERT_NE_MSG(test, c->block, ULONG_MAX,
			    "cpu%d owned no block after %u allocations", a, c->nr);
	KUNIT_ASSERT_EQ(test, c->held, pageblock_nr_pages);
	head = pfn_to_page(c->block);
	KUNIT_EXPECT_EQ(test, pcp_owner_of(head), a);
	KUNIT_EXPECT_EQ(test, pcp_owner_block_where(head), PCP_OWNER_BLOCK_SPLIT);

	whole = pcp_owner_whole_returns();
	busy = pcp_owner_busy_frees();
	run_on(test, c, b, free_pages_fn);
	busy = pcp_owner_busy_frees() - busy;
	/*
	 * A's work may drain its lists at any time, which gives a whole
	 * block to the zone or disowns a split one: read the owner before
	 * the block, so that a whole block on the pcp is known to have been
	 * A's, and again after a split one, so that a disown is seen.
	 */
	owner = pcp_owner_of(head);
	where = pcp_owner_block_where(head);
	if (where == PCP_OWNER_BLOCK_SPLIT)
		owner = pcp_owner_of(head);
	kunit_info(test, "freed on cpu%d: block %s, owner %d, %lu busy frees\n", b,
		   where == PCP_OWNER_BLOCK_ON_PCP ? "whole on its owner" :
		   where == PCP_OWNER_BLOCK_IN_ZONE ? "whole in the zone" : "split",
		   owner, busy);
	if (where == PCP_OWNER_BLOCK_SPLIT && owner == -1)
		why = "lists were drained";
	else if (where == PCP_OWNER_BLOCK_SPLIT && busy)
		why = "lock was busy";
	if (why) {
		free_rest(c);
		drain_all_pages(page_zone(head));
		return why;
	}
	if (where == PCP_OWNER_BLOCK_ON_PCP) {
		KUNIT_EXPECT_EQ(test, owner, a);
	} else {
		/* Drained whole while the last pages came back. */
		KUNIT_EXPECT_EQ(test, where, PCP_OWNER_BLOCK_IN_ZONE);
		KUNIT_EXPECT_GT(test, pcp_owner_whole_returns(), whole);
	}

	drain_all_pages(page_zone(head));
	KUNIT_EXPECT_EQ(test, pcp_owner_block_where(head), PCP_OWNER_BLOCK_IN_ZONE);
	KUNIT_EXPECT_EQ(test, pcp_owner_of(head), -1);
	KUNIT_EXPECT_GT(test, pcp_owner_whole_returns(), whole);
	free_rest(c);
	return NULL;
}

static void test_alloc_on_a_free_on_b(struct kunit *test)
{
	const char *why;
	int a, b, try;

	pick_cpus(test, &a, &b);
	for (try = 1; try <= 3; try++) {
		why = alloc_on_a_free_on_b(test, a, b);
		if (!why)
			return;
		kunit_info(test, "try %d: cpu%d's %s meanwhile\n", try, a, why);
	}
	KUNIT_FAIL(test, "cpu%d's %s, or worse, during each of 3 tries", a, why);
}

/*
 * A CPU that goes offline with a block of its own, all of it allocated,
 * owns no block and holds no page afterwards; the block's pages are then
 * freed as unowned.
 */
static void test_offline_cpu_gives_up_blocks(struct kunit *test)
{
	struct owner_ctx *c = ctx_alloc(test);
	unsigned long blocks, pages;
	int a, b, err;

	pick_cpus(test, &a, &b);
	run_on(test, c, b, alloc_block_fn);
	pcp_owner_cpu_state(b, &blocks, &pages);
	kunit_info(test, "cpu%d: %u pages allocated, %u of block %#lx held; %lu blocks owned, %lu pages listed\n",
		   b, c->nr, c->held, c->block, blocks, pages);
	if (c->held < pageblock_nr_pages)
		free_rest(c);
	KUNIT_ASSERT_EQ(test, c->held, pageblock_nr_pages);
	KUNIT_EXPECT_GE(test, blocks, 1UL);

	/*
	 * Every page of the block is allocated, so the block is on none of
	 * the CPU's lists and draining them cannot disown it: only the walk
	 * of the owner array when the CPU dies can.
	 */
	err = remove_cpu(b);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "remove_cpu(%d)", b);
	pcp_owner_cpu_state(b, &blocks, &pages);
	kunit_info(test, "cpu%d offline: %lu blocks owned, %lu pages listed\n",
		   b, blocks, pages);
	KUNIT_EXPECT_EQ(test, blocks, 0UL);
	KUNIT_EXPECT_EQ(test, pages, 0UL);
	KUNIT_EXPECT_EQ(test, pcp_owner_of(pfn_to_page(c->block)), -1);
	free_rest(c);
	KUNIT_EXPECT_EQ(test, add_cpu(b), 0);
}

/*
 * What compaction may do with an owned block: async compaction leaves it
 * alone, as the pages migration frees would merge on the owner's lists
 * where compaction never sees them; sync compaction disowns it and may go
 * on.  Every page of the block is allocated, so no drain can disown it
 * first.
 */
static void test_compaction_disowns_only_when_sync(struct kunit *test)
{
	struct owner_ctx *c = ctx_alloc(test);
	struct page *head;
	int a, b;

	pick_cpus(test, &a, &b);
	run_on(test, c, a, alloc_block_fn);
	if (c->held < pageblock_nr_pages)
		free_rest(c);
	KUNIT_ASSERT_EQ(test, c->held, pageblock_nr_pages);
	head = pfn_to_page(c->block);
	KUNIT_ASSERT_EQ(test, pcp_owner_of(head), a);

	KUNIT_EXPECT_FALSE_MSG(test, pcp_owner_compact(head, false, false),
			       "async compaction may migrate from cpu%d's block", a);
	KUNIT_EXPECT_EQ(test, pcp_owner_of(head), a);

	KUNIT_EXPECT_TRUE(test, pcp_owner_compact(head, true, true));
	KUNIT_EXPECT_EQ(test, pcp_owner_of(head), -1);
	/* Unowned now: async compaction may take it too. */
	KUNIT_EXPECT_TRUE(test, pcp_owner_compact(head, false, false));
	free_rest(c);
}

static struct kunit_case pcp_owner_cases[] = {
	KUNIT_CASE(test_alloc_on_a_free_on_b),
	KUNIT_CASE(test_offline_cpu_gives_up_blocks),
	KUNIT_CASE(test_compaction_disowns_only_when_sync),
	{}
};

static struct kunit_suite pcp_owner_suite = {
	.name = "pcp_owner",
	.test_cases = pcp_owner_cases,
};

kunit_test_suite(pcp_owner_suite);

MODULE_DESCRIPTION("KUnit tests of per-CPU pageblock ownership");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
