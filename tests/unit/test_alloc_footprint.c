/* test_alloc_footprint.c — reserved against committed, the aliases, and
 * the allocator ABI's second version.
 *
 * A small live set (the coalescing pattern: two neighbours of about 4 KiB
 * freed, then one block of their combined size) on every teaching
 * allocator: committed stays near the live bytes while reserved may be
 * far larger, footprint is committed, and the peaks are exact.  Then the
 * registry's aliases and the ABI sizes a plug-in may be built with.
 */
#include <stdio.h>

#include "allocators/builtin.h"
#include "tests/support/test.h"

struct bound {
	const char *name;
	uint64_t committed_max; /* peak committed on the small trace */
	uint64_t reserved_min;  /* peak reserved, at least */
};

/* The small trace's peak payload is 2 x 4096 bytes: one allocator at a
 * time, the bounds say what each design commits for it. */
static const struct bound bounds[] = {
	/* state and heap share pages: 8 KiB of blocks, a page of state */
	{ "segfits", 4 * 4096, (uint64_t)1 << 30 },
	/* a segment's head, and a 64 KiB slab per class used: 3000..4095
	 * bytes fall in three classes, their doubles in three more */
	{ "simpleseg", 2 * 4096 + 6 * 65536, (uint64_t)4 << 20 },
	/* the bitmaps (64 KiB, counted whole) and the pages of the blocks
	 * handed out and of the free blocks' links */
	{ "buddy", 128 * 1024, (uint64_t)4 << 20 },
	/* pages up to the highest cursor: a rewind at every empty moment */
	{ "bump", 6 * 4096, (uint64_t)1 << 20 },
};

static void small_live_set_commits_little(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
		const struct alloc_entry *e = alloc_find(bounds[i].name);
		assert_non_null(e);
		const struct alloc_ops *ops = e->ops;
		void *st = NULL;
		char err[256] = "";
		assert_int_equal(ops->init(&st, "", err, sizeof err), 0);
		uint64_t max_committed = 0;
		for (unsigned round = 0; round < 200; round++) {
			size_t s = 3000 + (round * 37) % 1096;
			void *a = ops->alloc(st, s), *b = ops->alloc(st, s);
			assert_non_null(a);
			assert_non_null(b);
			memset(a, 1, s);
			memset(b, 2, s);
			ops->free(st, a, s);
			ops->free(st, b, s);
			void *c = ops->alloc(st, 2 * s);
			assert_non_null(c);
			memset(c, 3, 2 * s);
			struct alloc_stats t;
			ops->stats(st, &t);
			if (t.committed > max_committed)
				max_committed = t.committed;
			ops->free(st, c, 2 * s);
		}
		struct alloc_stats t;
		ops->stats(st, &t);
		unsigned want = ALLOC_KNOW_RESERVED | ALLOC_KNOW_COMMITTED | ALLOC_KNOW_PEAK_RESERVED |
				ALLOC_KNOW_FOOTPRINT | ALLOC_KNOW_PEAK_FOOTPRINT;
		if ((t.known & want) != want)
			fail_msg("%s: known 0x%x lacks 0x%x", bounds[i].name, t.known, want);
		/* footprint is committed; the peak is exact */
		assert_int_equal(t.footprint, t.committed);
		assert_true(t.peak_footprint >= max_committed);
		if (t.peak_footprint > bounds[i].committed_max)
			fail_msg("%s: peak committed %llu bytes for 8 KiB live (at most %llu)",
				 bounds[i].name, (unsigned long long)t.peak_footprint,
				 (unsigned long long)bounds[i].committed_max);
		if (t.peak_reserved < bounds[i].reserved_min || t.reserved > t.peak_reserved ||
		    t.committed > t.reserved)
			fail_msg("%s: reserved %llu (peak %llu), committed %llu", bounds[i].name,
				 (unsigned long long)t.reserved, (unsigned long long)t.peak_reserved,
				 (unsigned long long)t.committed);
		ops->fini(st);
	}
}

/* freelist maps regions whole and commits them whole: the two figures
 * agree, and a small region option shrinks both. */
static void freelist_commits_what_it_maps(void **state)
{
	(void)state;
	void *st = NULL;
	char err[256] = "";
	assert_int_equal(alloc_freelist.init(&st, "region=16K", err, sizeof err), 0);
	void *p = alloc_freelist.alloc(st, 1000);
	struct alloc_stats t;
	alloc_freelist.stats(st, &t);
	assert_int_equal(t.reserved, t.committed);
	assert_true(t.committed <= 16384 + 4096);
	alloc_freelist.free(st, p, 1000);
	alloc_freelist.fini(st);
}

/* segfits' heap grows by what a request lacks: 100 blocks of 1000 bytes
 * commit their pages and no more. */
static void segfits_commits_in_small_steps(void **state)
{
	(void)state;
	void *st = NULL, *p[100];
	char err[256] = "";
	assert_int_equal(alloc_segfits.init(&st, "", err, sizeof err), 0);
	struct alloc_stats t0;
	alloc_segfits.stats(st, &t0);
	for (int i = 0; i < 100; i++)
		p[i] = alloc_segfits.alloc(st, 1000);
	struct alloc_stats t;
	alloc_segfits.stats(st, &t);
	assert_int_equal(t.allocated, 100 * 1008);
	/* the blocks, the pad and epilogue, rounded up to a page */
	assert_true(t.committed - t0.committed <= 100 * 1008 + 16 + 4096);
	assert_int_equal(t.reserved, t0.reserved);
	for (int i = 0; i < 100; i++)
		alloc_segfits.free(st, p[i], 1000);
	alloc_segfits.reset(st);
	alloc_segfits.stats(st, &t);
	assert_int_equal(t.allocated, 0);
	assert_true(t.committed <= t.peak_footprint);
	alloc_segfits.fini(st);
}

static void aliases_resolve_to_their_entry(void **state)
{
	(void)state;
	const struct alloc_entry *e = alloc_find("segfit");
	assert_non_null(e);
	assert_string_equal(e->name, "simpleseg");
	assert_ptr_equal(e->ops, &alloc_simpleseg);
	assert_ptr_equal(alloc_find("simpleseg"), e);
	assert_string_equal(alloc_find("segfits")->name, "segfits");
	assert_ptr_equal(alloc_find("segfits")->ops, &alloc_segfits);
	assert_null(alloc_find("segfitz"));
	assert_null(alloc_find(""));
	size_t n, m;
	const struct alloc_alias *al = alloc_aliases(&n);
	const struct alloc_entry *all = alloc_entries(&m);
	assert_true(n >= 1);
	for (size_t i = 0; i < n; i++) {
		const struct alloc_entry *to = alloc_find(al[i].alias);
		assert_non_null(to);
		assert_string_equal(to->name, al[i].name);
		/* an alias never names another alias, and has a listed row with a note */
		for (size_t k = 0; k < n; k++)
			assert_string_not_equal(al[i].name, al[k].alias);
		bool listed = false;
		for (size_t k = 0; k < m; k++)
			if (strcmp(all[k].name, al[i].alias) == 0)
				listed = strstr(all[k].summary, al[i].name) != NULL;
		assert_true(listed);
	}
}

static void abi_accepts_both_versions(void **state)
{
	(void)state;
	char err[256];
	struct alloc_abi v1 = { ALLOC_ABI_MAGIC, 1, 88, 1064, 0 };
	struct alloc_abi v2 = { ALLOC_ABI_MAGIC, 2, 88, 1088, 0 };
	struct alloc_abi bad = { ALLOC_ABI_MAGIC, 2, 88, 1064, 0 };
	struct alloc_abi future = { ALLOC_ABI_MAGIC, ALLOC_ABI_VERSION + 1, 88, 2000, 0 };
	assert_int_equal(alloc_abi_check(&v1, err, sizeof err), 0);
	assert_int_equal(alloc_abi_check(&v2, err, sizeof err), 0);
	assert_int_equal(alloc_abi_check(&bad, err, sizeof err), -1);
	assert_int_equal(alloc_abi_check(&future, err, sizeof err), -1);
	assert_int_equal(alloc_segfits.abi.version, ALLOC_ABI_VERSION);
	assert_int_equal(alloc_segfits.abi.stats_size, sizeof(struct alloc_stats));
	/* the new figures have keys, and come after version 1's */
	assert_string_equal(alloc_figure_key(ALLOC_FIG_RESERVED), "reserved");
	assert_string_equal(alloc_figure_key(ALLOC_FIG_COMMITTED), "committed");
	assert_true(offsetof(struct alloc_stats, reserved) >= 1064);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(small_live_set_commits_little),
		cmocka_unit_test(freelist_commits_what_it_maps),
		cmocka_unit_test(segfits_commits_in_small_steps),
		cmocka_unit_test(aliases_resolve_to_their_entry),
		cmocka_unit_test(abi_accepts_both_versions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
