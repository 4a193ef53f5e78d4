/* test_teaching.c — what each teaching allocator adds to the contract.
 *
 * Read through the stats: freelist coalesces at once and places by its
 * policy; buddy merges back to whole blocks; simpleseg returns empty slabs
 * to its pool; segfits coalesces back to one block, commits its heap in
 * steps no larger than needed and grows its top block in place; bump's
 * reset keeps its largest chunk and serves from it again, its top block
 * grows in place and it rewinds when no block is live.
 */
#include <stdio.h>
#include <stdlib.h>

#include "allocators/builtin.h"
#include "tests/support/test.h"

static void *open_alloc(const struct alloc_ops *ops, const char *options)
{
	void *st = NULL;
	char err[256] = "";
	if (ops->init(&st, options, err, sizeof err) != 0)
		fail_msg("%s:%s: %s", ops->name, options, err);
	return st;
}

static struct alloc_stats stats_of(const struct alloc_ops *ops, void *st)
{
	struct alloc_stats s;
	ops->stats(st, &s);
	return s;
}

static uint64_t raw(const struct alloc_stats *s, const char *key)
{
	for (unsigned i = 0; i < s->nraw; i++)
		if (strcmp(s->raw[i].key, key) == 0)
			return s->raw[i].value;
	fail_msg("%s: no raw figure '%s'", s->backend, key);
	return 0;
}

static uint64_t rng_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

enum { N = 4000 };

/* Allocate N blocks of mixed sizes, free them in a random order. */
static void churn(const struct alloc_ops *ops, void *st, uint64_t seed, size_t max)
{
	static void *p[N];
	static size_t size[N];
	static unsigned order[N];
	uint64_t rng = seed;
	for (unsigned i = 0; i < N; i++) {
		size[i] = 1 + (size_t)(rng_next(&rng) % max);
		p[i] = ops->alloc(st, size[i]);
		assert_non_null(p[i]);
		order[i] = i;
	}
	for (unsigned i = N; i-- > 1;) {
		unsigned j = (unsigned)(rng_next(&rng) % (i + 1)), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned i = 0; i < N; i++)
		ops->free(st, p[order[i]], size[order[i]]);
}

static void freelist_coalesces_at_once(void **state)
{
	(void)state;
	static const char *const policies[] = { "policy=first", "policy=next", "policy=best" };
	for (unsigned k = 0; k < 3; k++) {
		void *st = open_alloc(&alloc_freelist, policies[k]);
		churn(&alloc_freelist, st, 11 + k, 3000);
		struct alloc_stats s = stats_of(&alloc_freelist, st);
		assert_int_equal(s.allocated, 0);
		/* one free block per region: nothing left unmerged */
		assert_int_equal(raw(&s, "free_blocks"), raw(&s, "regions"));
		alloc_freelist.fini(st);
	}
}

/* Blocks a(200) g b(200) g c(200) g big(1000) g, each g 32 bytes, then
 * the region's rest; a and b are freed, so the list (newest first) is
 * b, a, rest. */
struct fl_scene {
	void *st, *a, *b, *c, *big, *rest;
};

static struct fl_scene freelist_scene(const char *policy)
{
	struct fl_scene s = { .st = open_alloc(&alloc_freelist, policy) };
	void *g = NULL;
	void **blocks[] = { &s.a, &s.b, &s.c, &s.big };
	for (unsigned i = 0; i < 4; i++) {
		size_t size = i == 3 ? 1000 : 200;
		*blocks[i] = alloc_freelist.alloc(s.st, size);
		g = alloc_freelist.alloc(s.st, 32);
	}
	s.rest = (char *)g + 48; /* 32 bytes + header, 16-rounded */
	alloc_freelist.free(s.st, s.a, 200);
	alloc_freelist.free(s.st, s.b, 200);
	return s;
}

static void freelist_places_by_policy(void **state)
{
	(void)state;
	/* first fit: the first block on the list that fits */
	struct fl_scene s = freelist_scene("policy=first");
	assert_ptr_equal(alloc_freelist.alloc(s.st, 150), s.b);
	alloc_freelist.free(s.st, s.c, 200); /* list: c, b's 48-byte rest, a, rest */
	assert_ptr_equal(alloc_freelist.alloc(s.st, 150), s.c);
	assert_ptr_equal(alloc_freelist.alloc(s.st, 150), s.a);
	alloc_freelist.fini(s.st);

	/* next fit: the search goes on where the last one stopped (the region's
	 * rest), not from the head where a and b were just put */
	s = freelist_scene("policy=next");
	assert_ptr_equal(alloc_freelist.alloc(s.st, 150), s.rest);
	alloc_freelist.fini(s.st);

	/* best fit: the snug block, though a bigger one comes first */
	s = freelist_scene("policy=best");
	alloc_freelist.free(s.st, s.big, 1000); /* list: big, b, a, rest */
	assert_ptr_equal(alloc_freelist.alloc(s.st, 190), s.b);
	assert_ptr_equal(alloc_freelist.alloc(s.st, 190), s.a);
	alloc_freelist.fini(s.st);

	/* where first fit takes the big one */
	s = freelist_scene("policy=first");
	alloc_freelist.free(s.st, s.big, 1000);
	assert_ptr_equal(alloc_freelist.alloc(s.st, 190), s.big);
	alloc_freelist.fini(s.st);
}

static void freelist_refuses_bad_options(void **state)
{
	(void)state;
	static const char *const bad[] = { "policy=worst", "policy", "region=12q", "x=1",
					   "policy=best,", "=3" };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		void *st = NULL;
		char err[256] = "";
		int r = alloc_freelist.init(&st, bad[i], err, sizeof err);
		if (i == 4) { /* a trailing comma ends the list: accepted */
			assert_int_equal(r, 0);
			alloc_freelist.fini(st);
			continue;
		}
		assert_int_not_equal(r, 0);
		assert_non_null(strstr(err, "freelist: "));
		assert_null(strchr(err, '\n'));
	}
}

/* The same refusal end to end: one line, status 2, nothing on stdout. */
static void freelist_bad_policy_at_the_cli(void **state)
{
	(void)state;
	if (getenv("MMLAB") == NULL)
		skip();
	const char *argv[] = { mmlab_path(), "run", "-a", "freelist:policy=worst", "-p",
			       "depth=6", NULL };
	struct cmd_result r = cmd_run(argv);
	assert_int_equal(r.status, 2);
	assert_int_equal(count_lines(r.err), 1);
	assert_string_equal(r.err,
			    "mmlab: freelist: unknown policy 'worst' (known: first, next, best)\n");
	assert_string_equal(r.out, "");
	cmd_free(&r);
}

static void buddy_merges_back_to_whole_blocks(void **state)
{
	(void)state;
	void *st = open_alloc(&alloc_buddy, "");
	churn(&alloc_buddy, st, 5, 5000);
	struct alloc_stats s = stats_of(&alloc_buddy, st);
	assert_int_equal(s.allocated, 0);
	assert_int_equal(raw(&s, "largest_block"), 2u << 20);
	assert_true(s.largest_free <= 2u << 20 && s.committed < s.reserved);
	assert_int_equal(raw(&s, "arenas"), 1); /* one empty arena kept, the rest unmapped */
	/* a power of two takes exactly itself; one byte more, twice that */
	void *p = alloc_buddy.alloc(st, 1024);
	s = stats_of(&alloc_buddy, st);
	assert_int_equal(s.allocated, 1024);
	alloc_buddy.free(st, p, 1024);
	p = alloc_buddy.alloc(st, 1025);
	s = stats_of(&alloc_buddy, st);
	assert_int_equal(s.allocated, 2048);
	alloc_buddy.free(st, p, 1025);
	alloc_buddy.fini(st);
}

static void simpleseg_returns_empty_slabs(void **state)
{
	(void)state;
	void *st = open_alloc(&alloc_simpleseg, "");
	churn(&alloc_simpleseg, st, 9, 8000);
	struct alloc_stats s = stats_of(&alloc_simpleseg, st);
	assert_int_equal(s.allocated, 0);
	/* every slab is back in the pool but one per class used (32 at most) */
	uint64_t slabs = raw(&s, "segments") * 64;
	assert_true(raw(&s, "free_slabs") + 32 >= slabs);
	/* a 24-byte request takes a 32-byte block */
	void *p = alloc_simpleseg.alloc(st, 24);
	s = stats_of(&alloc_simpleseg, st);
	assert_int_equal(s.allocated, 32);
	assert_int_equal(s.requested, 24);
	alloc_simpleseg.free(st, p, 24);
	alloc_simpleseg.fini(st);
}

/* Blocks above 8 KiB are mapped one by one, and a freed mapping is kept
 * for the next request of about its size: no new mapping for it. */
static void simpleseg_reuses_freed_large_mappings(void **state)
{
	(void)state;
	void *st = open_alloc(&alloc_simpleseg, "");
	void *p = alloc_simpleseg.alloc(st, 20000);
	assert_non_null(p);
	struct alloc_stats one = stats_of(&alloc_simpleseg, st);
	alloc_simpleseg.free(st, p, 20000);
	assert_int_equal(raw(&one, "large_blocks"), 1);
	for (int i = 0; i < 100; i++) {
		p = alloc_simpleseg.alloc(st, 18000 + (size_t)i * 10);
		assert_non_null(p);
		struct alloc_stats s = stats_of(&alloc_simpleseg, st);
		assert_int_equal(s.reserved, one.reserved); /* the cached mapping, again */
		alloc_simpleseg.free(st, p, 18000 + (size_t)i * 10);
	}
	struct alloc_stats s = stats_of(&alloc_simpleseg, st);
	assert_int_equal(raw(&s, "large_cached"), 1);
	alloc_simpleseg.fini(st);
}

/* segfits: after any churn every block has merged back into one free
 * block; the heap grew only as far as the peak needed. */
static void segfits_coalesces_back_to_one_block(void **state)
{
	(void)state;
	void *st = open_alloc(&alloc_segfits, "");
	churn(&alloc_segfits, st, 11, 3000);
	struct alloc_stats s = stats_of(&alloc_segfits, st);
	assert_int_equal(s.allocated, 0);
	assert_int_equal(raw(&s, "free_blocks"), 1);
	uint64_t heap = raw(&s, "heap_bytes");
	assert_int_equal(s.largest_free, heap - 16 - 8); /* pad and epilogue, header */
	/* the peak: 4000 blocks of 1..3000 bytes live at once, about 6 MB;
	 * committed at most a page past the peak's blocks and the state */
	assert_true(s.peak_allocated <= heap && heap <= s.peak_allocated + 2 * 4096);
	assert_true(s.reserved >= (uint64_t)1 << 30 && s.committed < s.reserved);
	alloc_segfits.fini(st);
}

static void segfits_splits_and_places_by_class(void **state)
{
	(void)state;
	void *st = open_alloc(&alloc_segfits, "");
	void *a = alloc_segfits.alloc(st, 24), *b = alloc_segfits.alloc(st, 1000),
	     *c = alloc_segfits.alloc(st, 24);
	struct alloc_stats s = stats_of(&alloc_segfits, st);
	assert_int_equal(s.allocated, 32 + 1008 + 32); /* header included, 16-rounded */
	alloc_segfits.free(st, b, 1000);
	/* a 500-byte request splits the 1008-byte hole: same address */
	void *d = alloc_segfits.alloc(st, 500);
	assert_ptr_equal(d, b);
	/* the rest (496 bytes) is one block on its class's list: a 488-byte
	 * request (496 with its header) takes it exactly */
	void *e = alloc_segfits.alloc(st, 488);
	assert_ptr_equal(e, (char *)b + 512);
	alloc_segfits.free(st, a, 24);
	alloc_segfits.free(st, d, 500);
	alloc_segfits.free(st, e, 488);
	alloc_segfits.free(st, c, 24);
	s = stats_of(&alloc_segfits, st);
	assert_int_equal(raw(&s, "free_blocks"), 1);
	alloc_segfits.fini(st);
}

/* The top block grows in place, committing only what it needs; a block
 * with a free successor grows into it. */
static void segfits_grows_the_top_block_in_place(void **state)
{
	(void)state;
	void *st = open_alloc(&alloc_segfits, "");
	void *lo = alloc_segfits.alloc(st, 100);
	void *p = alloc_segfits.alloc(st, 100);
	size_t old = 100;
	for (size_t n = 200; n <= 2000000; n += n / 3) {
		assert_ptr_equal(alloc_segfits.realloc(st, p, old, n), p);
		old = n;
	}
	assert_ptr_equal(p, (char *)lo + 112);
	struct alloc_stats s = stats_of(&alloc_segfits, st);
	assert_true(s.committed <= s.allocated + 2 * 4096 + 8192);
	alloc_segfits.fini(st);
}

static void segfits_refuses_bad_options(void **state)
{
	(void)state;
	void *st = NULL;
	char err[256] = "";
	assert_int_not_equal(alloc_segfits.init(&st, "reserve=1K", err, sizeof err), 0);
	assert_non_null(strstr(err, "segfits"));
	assert_int_not_equal(alloc_segfits.init(&st, "fit=best", err, sizeof err), 0);
	assert_non_null(strstr(err, "reserve"));
	/* a small reservation: requests beyond it are refused, not crashed on */
	st = open_alloc(&alloc_segfits, "reserve=1M");
	assert_null(alloc_segfits.alloc(st, 2u << 20));
	void *p = alloc_segfits.alloc(st, 1000);
	assert_non_null(p);
	alloc_segfits.free(st, p, 1000);
	alloc_segfits.fini(st);
}

static void bump_reset_keeps_the_largest_chunk(void **state)
{
	(void)state;
	void *st = open_alloc(&alloc_bump, "chunk=64K");
	struct alloc_stats empty = stats_of(&alloc_bump, st);
	for (int i = 0; i < 20000; i++)
		assert_non_null(alloc_bump.alloc(st, 100));
	struct alloc_stats full = stats_of(&alloc_bump, st);
	assert_int_equal(full.allocated, 20000u * 112);
	alloc_bump.reset(st);
	struct alloc_stats after = stats_of(&alloc_bump, st);
	assert_int_equal(after.allocated, 0);
	assert_true(after.footprint > empty.footprint && after.footprint < full.footprint);
	uint64_t room = after.largest_free;
	for (uint64_t used = 0; used + 112 <= room; used += 112)
		assert_non_null(alloc_bump.alloc(st, 100));
	assert_int_equal(stats_of(&alloc_bump, st).footprint, after.footprint);
	assert_int_equal(stats_of(&alloc_bump, st).peak_allocated, full.allocated);
	alloc_bump.fini(st);
}

/* The block at the top of the arena grows in place, even past the other
 * blocks' copies; a block below it moves. */
static void bump_grows_the_top_block_in_place(void **state)
{
	(void)state;
	void *st = open_alloc(&alloc_bump, "");
	void *keep = alloc_bump.alloc(st, 40);
	char *p = alloc_bump.alloc(st, 16);
	size_t n = 16;
	for (size_t want = 32; want <= 500000; want += 1000) {
		char *q = alloc_bump.realloc(st, p, n, want);
		assert_ptr_equal(q, p);
		n = want;
	}
	struct alloc_stats s = stats_of(&alloc_bump, st);
	assert_int_equal(s.allocated, 48 + ((n + 15) & ~(size_t)15));
	/* not the top block: it moves */
	char *q = alloc_bump.realloc(st, keep, 40, 4000);
	assert_ptr_not_equal(q, keep);
	alloc_bump.free(st, p, n);
	alloc_bump.free(st, q, 4000);
	/* no block live: the arena rewinds and hands out its first block again */
	s = stats_of(&alloc_bump, st);
	assert_int_equal(s.allocated, 0);
	assert_ptr_equal(alloc_bump.alloc(st, 40), keep);
	alloc_bump.fini(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(freelist_coalesces_at_once),
		cmocka_unit_test(freelist_places_by_policy),
		cmocka_unit_test(freelist_refuses_bad_options),
		cmocka_unit_test(freelist_bad_policy_at_the_cli),
		cmocka_unit_test(buddy_merges_back_to_whole_blocks),
		cmocka_unit_test(simpleseg_returns_empty_slabs),
		cmocka_unit_test(simpleseg_reuses_freed_large_mappings),
		cmocka_unit_test(segfits_coalesces_back_to_one_block),
		cmocka_unit_test(segfits_splits_and_places_by_class),
		cmocka_unit_test(segfits_grows_the_top_block_in_place),
		cmocka_unit_test(segfits_refuses_bad_options),
		cmocka_unit_test(bump_reset_keeps_the_largest_chunk),
		cmocka_unit_test(bump_grows_the_top_block_in_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
