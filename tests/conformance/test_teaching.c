/* test_teaching.c — what each teaching allocator adds to the contract.
 *
 * Read through the stats: freelist coalesces at once and places by its
 * policy; buddy merges back to whole blocks; segfit returns empty slabs to
 * its pool; bump's reset keeps its largest chunk and serves from it again.
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
	assert_int_equal(s.largest_free, 2u << 20);
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

static void segfit_returns_empty_slabs(void **state)
{
	(void)state;
	void *st = open_alloc(&alloc_segfit, "");
	churn(&alloc_segfit, st, 9, 8000);
	struct alloc_stats s = stats_of(&alloc_segfit, st);
	assert_int_equal(s.allocated, 0);
	/* every slab is back in the pool but one per class used (32 at most) */
	uint64_t slabs = raw(&s, "segments") * 64;
	assert_true(raw(&s, "free_slabs") + 32 >= slabs);
	/* a 24-byte request takes a 32-byte block */
	void *p = alloc_segfit.alloc(st, 24);
	s = stats_of(&alloc_segfit, st);
	assert_int_equal(s.allocated, 32);
	assert_int_equal(s.requested, 24);
	alloc_segfit.free(st, p, 24);
	alloc_segfit.fini(st);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(freelist_coalesces_at_once),
		cmocka_unit_test(freelist_places_by_policy),
		cmocka_unit_test(freelist_refuses_bad_options),
		cmocka_unit_test(freelist_bad_policy_at_the_cli),
		cmocka_unit_test(buddy_merges_back_to_whole_blocks),
		cmocka_unit_test(segfit_returns_empty_slabs),
		cmocka_unit_test(bump_reset_keeps_the_largest_chunk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
