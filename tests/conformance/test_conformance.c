/* test_conformance.c — one suite, run against every allocator.
 *
 * $MMLAB_ALLOC names it as `-a` does (NAME[:OPTIONS]); module.mk runs this
 * once per allocator.  $MMLAB_EXPECT_EXACT=1 demands every exact figure,
 * $MMLAB_STRESS_OPS sets the stress length (default 1M), $MMLAB is the CLI.
 * Every check reads the contract in allocators/allocator.h.  For jemalloc,
 * mimalloc and tcmalloc the suite re-executes itself with the library in
 * LD_PRELOAD, as mmlab does, and checks that it serves malloc.
 */
#define MM_MODEL manual
#define MM_MODEL_HEADER "runtime/models/manual.h" /* mm_new below is the manual model's */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allocators/builtin.h"
#include "allocators/sys_backend.h"
#include "runtime/api/mm.h"
#include "runtime/models/model.h"
#include "runtime/session/session.h"
#include "tests/support/test.h"
#include "workloads/workload.h"

/* The allocator under test, from the environment, once. */
static struct {
	const char *spec; /* NAME[:OPTIONS] as given */
	const struct alloc_ops *ops;
	const char *options;
	bool exact;
	bool preloaded; /* a malloc library preloaded in place of glibc's */
	unsigned long stress_ops;
} conf;

static const unsigned exact_bits =
	ALLOC_KNOW_REQUESTED | ALLOC_KNOW_ALLOCATED | ALLOC_KNOW_FOOTPRINT | ALLOC_KNOW_FREE |
	ALLOC_KNOW_LARGEST_FREE | ALLOC_KNOW_PEAK_ALLOCATED | ALLOC_KNOW_PEAK_FOOTPRINT;

struct fixture {
	void *st;
};

static int setup(void **state)
{
	static struct fixture f;
	char err[256] = "";
	if (conf.ops->init(&f.st, conf.options, err, sizeof err) != 0) {
		fprintf(stderr, "conformance: %s: init failed: %s\n", conf.spec, err);
		return -1;
	}
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	conf.ops->fini(f->st);
	return 0;
}

static void *xalloc(void *st, size_t size)
{
	void *p = conf.ops->alloc(st, size);
	if (p == NULL)
		fail_msg("%s: alloc(%zu) returned NULL", conf.spec, size);
	return p;
}

static struct alloc_stats stats_of(void *st)
{
	struct alloc_stats s;
	memset(&s, 0xff, sizeof s);
	conf.ops->stats(st, &s);
	return s;
}

/* The pattern of block `seed`: word i is a mix of both, so a copy from the
 * wrong place or a neighbour's write shows. */
static inline uint64_t pat_word(uint64_t seed, size_t i)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15u + (uint64_t)i * 0xbf58476d1ce4e5b9u;
	return x ^ (x >> 29);
}

static void pat_fill(void *p, size_t size, uint64_t seed)
{
	unsigned char *b = p;
	size_t words = size / 8;
	for (size_t i = 0; i < words; i++) {
		uint64_t w = pat_word(seed, i);
		memcpy(b + i * 8, &w, 8);
	}
	uint64_t w = pat_word(seed, words);
	memcpy(b + words * 8, &w, size % 8);
}

/* Index of the first byte of [p, p+size) that is not the pattern, or size. */
static size_t pat_check(const void *p, size_t size, uint64_t seed)
{
	const unsigned char *b = p;
	size_t words = size / 8;
	for (size_t i = 0; i < words; i++) {
		uint64_t w = pat_word(seed, i), got;
		memcpy(&got, b + i * 8, 8);
		if (got != w)
			return i * 8;
	}
	uint64_t w = pat_word(seed, words);
	if (memcmp(b + words * 8, &w, size % 8) != 0)
		return words * 8;
	return size;
}

static void pat_expect(const void *p, size_t size, uint64_t seed, const char *what)
{
	size_t bad = pat_check(p, size, seed);
	if (bad != size)
		fail_msg("%s: %s: block %p of %zu bytes changed at byte %zu", conf.spec, what, p,
			 size, bad);
}

static size_t pow2_floor(size_t n)
{
	return (size_t)1 << (63 - __builtin_clzll((unsigned long long)n));
}

static void expect_aligned(const void *p, size_t size)
{
	size_t want = size >= ALLOC_ALIGN ? ALLOC_ALIGN : size ? pow2_floor(size) : 1;
	if ((uintptr_t)p % want != 0)
		fail_msg("%s: a block of %zu bytes at %p is not %zu-aligned", conf.spec, size, p,
			 want);
}

/* Figures that hold for every allocator, for what it knows; exact ones
 * (requested) are compared with what the test handed out. */
static void expect_consistent(const struct alloc_stats *s, uint64_t live_requested)
{
	unsigned k = s->known;
	if (conf.exact && (k & exact_bits) != exact_bits)
		fail_msg("%s: known bits 0x%x lack some of 0x%x", conf.spec, k, exact_bits);
	if (k & ALLOC_KNOW_REQUESTED)
		assert_int_equal(s->requested, live_requested);
	if ((k & ALLOC_KNOW_REQUESTED) && (k & ALLOC_KNOW_ALLOCATED))
		assert_true(s->allocated >= s->requested);
	if ((k & ALLOC_KNOW_ALLOCATED) && (k & ALLOC_KNOW_FOOTPRINT))
		assert_true(s->footprint >= s->allocated);
	if ((k & ALLOC_KNOW_FREE) && (k & ALLOC_KNOW_FOOTPRINT))
		assert_true(s->free_bytes <= s->footprint);
	if ((k & ALLOC_KNOW_FREE) && (k & ALLOC_KNOW_ALLOCATED) && (k & ALLOC_KNOW_FOOTPRINT))
		assert_true(s->free_bytes + s->allocated <= s->footprint);
	if ((k & ALLOC_KNOW_LARGEST_FREE) && (k & ALLOC_KNOW_FREE))
		assert_true(s->largest_free <= s->free_bytes);
	if ((k & ALLOC_KNOW_PEAK_ALLOCATED) && (k & ALLOC_KNOW_ALLOCATED))
		assert_true(s->peak_allocated >= s->allocated);
	if ((k & ALLOC_KNOW_PEAK_FOOTPRINT) && (k & ALLOC_KNOW_FOOTPRINT))
		assert_true(s->peak_footprint >= s->footprint);
}

/* The books did not move (a refused or empty call). */
/* Across a refused call: the live requests are the same, and exact books
 * did not move (a live system backend's own figures may, e.g. mimalloc's
 * page counts, without breaking the contract). */
static void expect_same_books(const struct alloc_stats *a, const struct alloc_stats *b)
{
	if (a->known & ALLOC_KNOW_REQUESTED)
		assert_int_equal(a->requested, b->requested);
	if (!conf.exact)
		return;
	if (a->known & ALLOC_KNOW_ALLOCATED)
		assert_int_equal(a->allocated, b->allocated);
	if (a->known & ALLOC_KNOW_FOOTPRINT)
		assert_int_equal(a->footprint, b->footprint);
}

/* A deterministic size mix: mostly small, some medium, a few past every
 * allocator's large threshold. */
static size_t mixed_size(uint64_t *rng)
{
	*rng ^= *rng << 13;
	*rng ^= *rng >> 7;
	*rng ^= *rng << 17;
	uint64_t r = *rng;
	unsigned pick = (unsigned)(r % 1000);
	r >>= 10;
	if (pick < 700)
		return (size_t)(r % 129);
	if (pick < 960)
		return 129 + (size_t)(r % 4000);
	if (pick < 995)
		return 4129 + (size_t)(r % 60000);
	return 65536 + (size_t)(r % (3u << 20));
}

static uint64_t rng_next(uint64_t *rng)
{
	*rng ^= *rng << 13;
	*rng ^= *rng >> 7;
	*rng ^= *rng << 17;
	return *rng;
}

static void alignment_for_every_size(void **state)
{
	struct fixture *f = *state;
	enum { N = 4200 };
	static void *blocks[N + 8];
	static const size_t big[] = { 8191, 8192, 8193, 65536, 1u << 20, (2u << 20) + 1,
				      5u << 20, 3000000 };
	for (size_t size = 0; size < N; size++) {
		blocks[size] = xalloc(f->st, size);
		expect_aligned(blocks[size], size);
		if (size > 0) {
			((char *)blocks[size])[0] = 1;
			((char *)blocks[size])[size - 1] = 2;
		}
	}
	for (size_t i = 0; i < 8; i++) {
		blocks[N + i] = xalloc(f->st, big[i]);
		expect_aligned(blocks[N + i], big[i]);
		memset(blocks[N + i], 3, big[i]);
	}
	for (size_t size = 0; size < N; size++)
		conf.ops->free(f->st, blocks[size], size);
	for (size_t i = 0; i < 8; i++)
		conf.ops->free(f->st, blocks[N + i], big[i]);
	struct alloc_stats s = stats_of(f->st);
	expect_consistent(&s, 0);
}

static void zero_size_blocks_are_distinct(void **state)
{
	struct fixture *f = *state;
	struct alloc_stats before = stats_of(f->st);
	void *p = xalloc(f->st, 0), *q = xalloc(f->st, 0);
	assert_ptr_not_equal(p, q);
	struct alloc_stats mid = stats_of(f->st);
	expect_consistent(&mid, 0);
	if (mid.known & ALLOC_KNOW_REQUESTED)
		assert_int_equal(mid.requested, before.requested);
	conf.ops->free(f->st, p, 0);
	conf.ops->free(f->st, q, 0);
	struct alloc_stats after = stats_of(f->st);
	expect_consistent(&after, 0);
}

static void free_null_does_nothing(void **state)
{
	struct fixture *f = *state;
	void *keep = xalloc(f->st, 40);
	struct alloc_stats before = stats_of(f->st);
	conf.ops->free(f->st, NULL, 0);
	conf.ops->free(f->st, NULL, 64);
	conf.ops->free(f->st, NULL, 1u << 20);
	struct alloc_stats after = stats_of(f->st);
	expect_same_books(&before, &after);
	expect_consistent(&after, 40);
	conf.ops->free(f->st, keep, 40);
}

struct span {
	uintptr_t at;
	size_t size;
};

static int by_address(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return (x->at > y->at) - (x->at < y->at);
}

/* Live blocks never share a byte: by their addresses, and by patterns
 * written into all of them and read back after more allocation. */
static void blocks_do_not_overlap(void **state)
{
	struct fixture *f = *state;
	enum { N = 3000 };
	static void *p[N];
	static size_t size[N];
	static struct span spans[N];
	uint64_t rng = 0x1234567, live = 0;
	for (unsigned i = 0; i < N; i++) {
		size[i] = mixed_size(&rng);
		p[i] = xalloc(f->st, size[i]);
		pat_fill(p[i], size[i], i);
		live += size[i];
	}
	for (unsigned i = 0; i < N; i += 2) {
		pat_expect(p[i], size[i], i, "before a free");
		conf.ops->free(f->st, p[i], size[i]);
		live -= size[i];
		size[i] = mixed_size(&rng);
		p[i] = xalloc(f->st, size[i]);
		pat_fill(p[i], size[i], i + N);
		live += size[i];
	}
	unsigned n = 0;
	for (unsigned i = 0; i < N; i++) {
		pat_expect(p[i], size[i], i % 2 ? i : i + N, "after refilling");
		spans[n++] = (struct span){ (uintptr_t)p[i], size[i] ? size[i] : 1 };
	}
	qsort(spans, n, sizeof spans[0], by_address);
	for (unsigned i = 1; i < n; i++)
		if (spans[i - 1].at + spans[i - 1].size > spans[i].at)
			fail_msg("%s: blocks at %#" PRIxPTR " (%zu bytes) and %#" PRIxPTR " overlap",
				 conf.spec, spans[i - 1].at, spans[i - 1].size, spans[i].at);
	struct alloc_stats s = stats_of(f->st);
	expect_consistent(&s, live);
	for (unsigned i = 0; i < N; i++)
		conf.ops->free(f->st, p[i], size[i]);
	s = stats_of(f->st);
	expect_consistent(&s, 0);
}

static void realloc_keeps_the_prefix(void **state)
{
	struct fixture *f = *state;
	static const size_t chain[] = { 1,    17,   100,  24,	  4000,	  9000,	    70000,
					3u << 20, 100, 8192, 8193, 2u << 20, (2u << 20) + 1,
					5u << 20, 33,  1 };
	size_t old = 40;
	void *p = conf.ops->realloc(f->st, NULL, 0, old);
	assert_non_null(p);
	pat_fill(p, old, 0);
	for (unsigned i = 0; i < sizeof chain / sizeof chain[0]; i++) {
		size_t want = chain[i];
		void *q = conf.ops->realloc(f->st, p, old, want);
		if (q == NULL)
			fail_msg("%s: realloc(%zu -> %zu) failed", conf.spec, old, want);
		expect_aligned(q, want);
		pat_expect(q, old < want ? old : want, i, "realloc");
		pat_fill(q, want, i + 1);
		struct alloc_stats s = stats_of(f->st);
		expect_consistent(&s, want);
		p = q;
		old = want;
	}
	conf.ops->free(f->st, p, old);
}

/* How many of a list of refused sizes apply: the last, 2^45 bytes, is
 * more than this machine's memory and swap, and only allocators that map
 * what they hand out refuse it; jemalloc and mimalloc reserve address
 * space lazily and, as overcommit lets them, serve it.  Sizes above
 * PTRDIFF_MAX no C allocator serves. */
static unsigned huge_sizes(unsigned n)
{
	return conf.preloaded ? n - 1 : n;
}

static void failed_realloc_keeps_the_block(void **state)
{
	struct fixture *f = *state;
	static const size_t sizes[] = { 100, 9000, 3u << 20 };
	static const size_t huge[] = { SIZE_MAX, SIZE_MAX / 2 + 1, (size_t)1 << 45 };
	for (unsigned i = 0; i < 3; i++) {
		void *p = xalloc(f->st, sizes[i]);
		pat_fill(p, sizes[i], 7 + i);
		for (unsigned h = 0; h < huge_sizes(3); h++) {
			struct alloc_stats before = stats_of(f->st);
			void *q = conf.ops->realloc(f->st, p, sizes[i], huge[h]);
			if (q != NULL)
				fail_msg("%s: realloc(%zu -> %zu) did not fail", conf.spec,
					 sizes[i], huge[h]);
			pat_expect(p, sizes[i], 7 + i, "failed realloc");
			struct alloc_stats after = stats_of(f->st);
			expect_same_books(&before, &after);
		}
		conf.ops->free(f->st, p, sizes[i]);
	}
}

static void overflowing_sizes_return_null(void **state)
{
	struct fixture *f = *state;
	static const size_t huge[] = { SIZE_MAX,	 SIZE_MAX - 1,	       SIZE_MAX - 15,
				       SIZE_MAX - 4095, SIZE_MAX / 2 + 1, (size_t)1 << 45 };
	struct alloc_stats before = stats_of(f->st);
	for (unsigned i = 0; i < huge_sizes(sizeof huge / sizeof huge[0]); i++)
		if (conf.ops->alloc(f->st, huge[i]) != NULL)
			fail_msg("%s: alloc(%zu) did not fail", conf.spec, huge[i]);
	struct alloc_stats after = stats_of(f->st);
	expect_same_books(&before, &after);
	void *p = xalloc(f->st, 64); /* still works */
	conf.ops->free(f->st, p, 64);
}

static bool can_reset(void *st)
{
	if (conf.ops->reset == NULL)
		return false;
	return conf.ops != &alloc_plugin || alloc_plugin_resets(st);
}

static void reset_then_reuse(void **state)
{
	struct fixture *f = *state;
	if (!can_reset(f->st))
		skip();
	uint64_t rng = 99;
	for (int round = 0; round < 3; round++) {
		enum { N = 500 };
		void *p[N];
		size_t size[N];
		for (unsigned i = 0; i < N; i++) {
			size[i] = mixed_size(&rng);
			p[i] = xalloc(f->st, size[i]);
			pat_fill(p[i], size[i], i);
		}
		for (unsigned i = 0; i < N; i++)
			pat_expect(p[i], size[i], i, "before reset");
		conf.ops->reset(f->st);
		struct alloc_stats s = stats_of(f->st);
		expect_consistent(&s, 0);
		if (s.known & ALLOC_KNOW_ALLOCATED)
			assert_int_equal(s.allocated, 0);
	}
	void *p = xalloc(f->st, 100);
	pat_fill(p, 100, 1);
	pat_expect(p, 100, 1, "after reset");
	conf.ops->free(f->st, p, 100);
}

/* Stats after every alloc, realloc or free: the requested bytes are exact,
 * the peaks the largest values ever seen (exact allocators keep them so). */
static void stats_are_exact_at_every_step(void **state)
{
	struct fixture *f = *state;
	enum { N = 64, STEPS = 3000 };
	void *p[N] = { 0 };
	size_t size[N] = { 0 };
	uint64_t rng = 7, live = 0, max_alloc = 0, max_foot = 0;
	/* a block grown and shrunk back between two readings: allocated was at
	 * least its big size in between, so the peak must say so */
	void *g = conf.ops->realloc(f->st, xalloc(f->st, 16), 16, 1u << 20);
	assert_non_null(g);
	g = conf.ops->realloc(f->st, g, 1u << 20, 16);
	assert_non_null(g);
	struct alloc_stats s = stats_of(f->st);
	if (s.known & ALLOC_KNOW_PEAK_ALLOCATED)
		assert_true(s.peak_allocated >= 1u << 20);
	conf.ops->free(f->st, g, 16);
	s = stats_of(f->st);
	expect_consistent(&s, 0);
	max_alloc = s.peak_allocated;
	max_foot = s.peak_footprint;
	for (unsigned step = 0; step < STEPS; step++) {
		unsigned i = (unsigned)(rng_next(&rng) % N);
		if (p[i] == NULL) {
			size[i] = mixed_size(&rng);
			p[i] = xalloc(f->st, size[i]);
			live += size[i];
		} else if (rng_next(&rng) % 3 == 0) {
			size_t want = mixed_size(&rng) + 1;
			void *q = conf.ops->realloc(f->st, p[i], size[i], want);
			assert_non_null(q);
			live += want - size[i];
			p[i] = q;
			size[i] = want;
		} else {
			conf.ops->free(f->st, p[i], size[i]);
			live -= size[i];
			p[i] = NULL;
		}
		s = stats_of(f->st);
		expect_consistent(&s, live);
		if (s.allocated > max_alloc)
			max_alloc = s.allocated;
		if (s.footprint > max_foot)
			max_foot = s.footprint;
	}
	if ((s.known & ALLOC_KNOW_PEAK_ALLOCATED) && (s.known & ALLOC_KNOW_ALLOCATED))
		assert_int_equal(s.peak_allocated, max_alloc);
	if ((s.known & ALLOC_KNOW_PEAK_FOOTPRINT) && (s.known & ALLOC_KNOW_FOOTPRINT))
		assert_int_equal(s.peak_footprint, max_foot);
	for (unsigned i = 0; i < N; i++)
		if (p[i] != NULL)
			conf.ops->free(f->st, p[i], size[i]);
}

/* The largest free block is real: one request of that size is served
 * without mapping anything new. */
static void largest_free_block_is_free(void **state)
{
	struct fixture *f = *state;
	unsigned want = ALLOC_KNOW_LARGEST_FREE | ALLOC_KNOW_FOOTPRINT;
	if ((stats_of(f->st).known & want) != want)
		skip();
	void *keep[3];
	static const size_t sizes[] = { 24, 3000, 100 };
	for (unsigned i = 0; i < 3; i++)
		keep[i] = xalloc(f->st, sizes[i]);
	conf.ops->free(f->st, keep[1], sizes[1]);
	struct alloc_stats s = stats_of(f->st);
	assert_true(s.largest_free > 0);
	void *p = xalloc(f->st, s.largest_free);
	struct alloc_stats t = stats_of(f->st);
	if (t.footprint != s.footprint)
		fail_msg("%s: a request of largest_free (%" PRIu64 " bytes) grew the footprint"
			 " from %" PRIu64 " to %" PRIu64,
			 conf.spec, s.largest_free, s.footprint, t.footprint);
	conf.ops->free(f->st, p, s.largest_free);
	conf.ops->free(f->st, keep[0], sizes[0]);
	conf.ops->free(f->st, keep[2], sizes[2]);
}

static struct stats run_binary_trees(enum mm_model model, const struct alloc_ops *ops,
				     const char *options)
{
	const struct wl_desc *w = wl_find("binary-trees");
	assert_non_null(w);
	int64_t params[1] = { 9 };
	struct mm_job job = { .params = params, .seed = 1 };
	struct session s = {
		.model = model,
		.alloc = ops,
		.alloc_options = options,
		.entry = w->impl[model]->entry,
		.job = &job,
	};
	static struct stats st;
	char err[256] = "";
	memset(&st, 0, sizeof st);
	if (session_run(&s, &st, err, sizeof err) != SESSION_OK)
		fail_msg("%s under %s: %s", conf.spec, mm_model_name(model), err);
	return st;
}

/* The project's invariant on this allocator: manual, rc and own see the
 * checksum glibc gives, and free every byte. */
static void models_keep_the_checksum(void **state)
{
	(void)state;
	uint64_t want = run_binary_trees(MM_MODEL_manual, &alloc_system, "").results.checksum;
	static const enum mm_model models[] = { MM_MODEL_manual, MM_MODEL_rc, MM_MODEL_own };
	for (unsigned i = 0; i < 3; i++) {
		struct stats st = run_binary_trees(models[i], conf.ops, conf.options);
		if (st.results.checksum != want)
			fail_msg("%s under %s: checksum %#" PRIx64 ", glibc gives %#" PRIx64,
				 conf.spec, mm_model_name(models[i]), st.results.checksum, want);
		assert_int_equal(st.results.leaked_bytes, 0);
		assert_true(st.results.allocs > 0);
	}
}

enum { Z_NODE };
static const struct mm_type z_types[] = {
	[Z_NODE] = { .name = "z", .id = Z_NODE, .nslots = 2, .payload = 40 },
};

/* No zeroing entry point exists (mm_new zeroes what it allocates), so the
 * calloc check is the model's: recycled memory comes back zeroed. */
static void new_objects_are_zeroed_on_recycled_memory(void **state)
{
	(void)state;
	struct mm_ctx c;
	char err[256] = "";
	if (mm_ctx_init(&c, mm_model_get(MM_MODEL_manual), conf.ops, conf.options, err, sizeof err) != 0)
		fail_msg("%s: %s", conf.spec, err);
	assert_int_equal(mm_ctx_bind_types(&c, z_types, 1, NULL), 0);
	for (int round = 0; round < 200; round++) {
		mm_own o = mm_new(&c, &z_types[Z_NODE]);
		mm_mut m = mm_borrow_mut(&c, o);
		unsigned char *d = mm_data_mut(&c, m, &z_types[Z_NODE]);
		for (int i = 0; i < 40; i++)
			assert_int_equal(d[i], 0);
		assert_true(mm_is_null(mm_get_mut(&c, m, 0)));
		assert_true(mm_is_null(mm_get_mut(&c, m, 1)));
		memset(d, 0xa5, 40);
		mm_end_mut(&c, m);
		mm_drop(&c, o);
	}
	assert_int_equal(c.live_bytes, 0);
	mm_ctx_fini(&c);
}

#define CLI(...) ((const char *const[]){ mmlab_path(), __VA_ARGS__, NULL })

/* As a user types it: runs work, a bad option is one line and status 2. */
static void cli_runs_it_and_refuses_bad_options(void **state)
{
	(void)state;
	if (getenv("MMLAB") == NULL)
		skip();
	struct cmd_result r = cmd_run(CLI("run", "-q", "-m", "own", "-a", conf.spec, "-p",
					  "depth=6", "--probes", "off"));
	if (r.status != 0)
		fail_msg("mmlab run -a %s: status %d: %s", conf.spec, r.status, r.err);
	cmd_free(&r);
	r = cmd_run(CLI("matrix", "-a", conf.spec, "-p", "depth=6"));
	if (r.status != 0 || strstr(r.out, "the same under every model") == NULL)
		fail_msg("mmlab matrix -a %s: status %d: %s%s", conf.spec, r.status, r.out, r.err);
	cmd_free(&r);

	char bad[4200];
	bool plug = conf.ops == &alloc_plugin;
	snprintf(bad, sizeof bad, "%s%s%s", conf.spec,
		 plug ? ":" : strchr(conf.spec, ':') ? "," : ":", "nosuch=1");
	r = cmd_run(CLI("run", "-a", bad, "-p", "depth=6"));
	if (r.status != 2 || count_lines(r.err) != 1 || strncmp(r.err, "mmlab: ", 7) != 0 ||
	    r.out[0] != '\0')
		fail_msg("mmlab run -a %s: status %d, stdout \"%s\", stderr \"%s\"", bad, r.status,
			 r.out, r.err);
	cmd_free(&r);
}

/* The shadow: every live block's size and pattern seed. */
struct shadow {
	void *p;
	size_t size;
	uint64_t seed;
};

static size_t stress_size(uint64_t *rng)
{
	uint64_t r = rng_next(rng);
	unsigned pick = (unsigned)(r % 1000);
	r >>= 10;
	if (pick < 800)
		return (size_t)(r % 129);
	if (pick < 980)
		return 129 + (size_t)(r % 2000);
	if (pick < 997)
		return 2129 + (size_t)(r % 14000);
	return 16384 + (size_t)(r % 300000);
}

/* Random allocs, frees and reallocs against a shadow of what must be in
 * every live block.  Allocators that reset are reset every 2^16 steps
 * (which empties the shadow): bump reuses nothing before a reset, so its
 * footprint may only grow in between. */
static void stress_against_a_shadow(void **state)
{
	struct fixture *f = *state;
	enum { SLOTS = 1024 };
	static struct shadow sh[SLOTS];
	memset(sh, 0, sizeof sh);
	uint64_t rng = 0x9e3779b97f4a7c15u, live = 0, seed = 1;
	const char *env_seed = getenv("MMLAB_STRESS_SEED");
	if (env_seed != NULL)
		rng ^= strtoull(env_seed, NULL, 10) * 0xbf58476d1ce4e5b9u;
	bool resets = can_reset(f->st);
	uint64_t last_foot = 0;
	for (unsigned long op = 1; op <= conf.stress_ops; op++) {
		struct shadow *s = &sh[rng_next(&rng) % SLOTS];
		unsigned what = (unsigned)(rng_next(&rng) % 8);
		if (s->p == NULL) {
			s->size = stress_size(&rng);
			s->seed = seed++;
			s->p = xalloc(f->st, s->size);
			expect_aligned(s->p, s->size);
			pat_fill(s->p, s->size, s->seed);
			live += s->size;
		} else if (what < 5) {
			pat_expect(s->p, s->size, s->seed, "stress free");
			conf.ops->free(f->st, s->p, s->size);
			live -= s->size;
			s->p = NULL;
		} else {
			pat_expect(s->p, s->size, s->seed, "stress realloc");
			/* realloc to 0 is left to each allocator (glibc frees) */
			size_t want = stress_size(&rng);
			want += want == 0;
			void *q = conf.ops->realloc(f->st, s->p, s->size, want);
			if (q == NULL)
				fail_msg("%s: realloc(%zu -> %zu) failed", conf.spec, s->size, want);
			pat_expect(q, s->size < want ? s->size : want, s->seed, "stress realloc copy");
			live += want - s->size;
			s->p = q;
			s->size = want;
			s->seed = seed++;
			pat_fill(q, want, s->seed);
		}
		if (op % 4096 == 0) {
			struct alloc_stats st = stats_of(f->st);
			expect_consistent(&st, live);
			last_foot = st.footprint;
		}
		if (resets && op % 65536 == 0) {
			for (unsigned i = 0; i < SLOTS; i++)
				if (sh[i].p != NULL)
					pat_expect(sh[i].p, sh[i].size, sh[i].seed, "before reset");
			conf.ops->reset(f->st);
			memset(sh, 0, sizeof sh);
			live = 0;
			struct alloc_stats st = stats_of(f->st);
			expect_consistent(&st, 0);
			if (st.known & ALLOC_KNOW_FOOTPRINT)
				assert_true(st.footprint <= last_foot || last_foot == 0);
		}
	}
	for (unsigned i = 0; i < SLOTS; i++)
		if (sh[i].p != NULL) {
			pat_expect(sh[i].p, sh[i].size, sh[i].seed, "at the end");
			conf.ops->free(f->st, sh[i].p, sh[i].size);
		}
	struct alloc_stats st = stats_of(f->st);
	expect_consistent(&st, 0);
}

/* Run again with the library preloaded, once; returns only on failure. */
static void reexec_preloaded(const char *lib, char **argv)
{
	if (getenv("MMLAB_CONF_REEXEC") != NULL)
		return;
	setenv("MMLAB_CONF_REEXEC", "1", 1);
	setenv("LD_PRELOAD", lib, 1);
	execv("/proc/self/exe", argv);
}

static int configure(char **argv)
{
	const char *spec = getenv("MMLAB_ALLOC");
	if (spec == NULL || *spec == '\0') {
		fprintf(stderr, "conformance: set MMLAB_ALLOC to an allocator, e.g. segfit or "
				"freelist:policy=best\n");
		return -1;
	}
	char name[64];
	const char *colon = strchr(spec, ':');
	snprintf(name, sizeof name, "%.*s", (int)(colon ? (size_t)(colon - spec) : strlen(spec)),
		 spec);
	const struct alloc_entry *e = alloc_find(name);
	if (e == NULL || e->ops == NULL) {
		fprintf(stderr, "conformance: '%s' is not an allocator the models can use\n", name);
		return -1;
	}
	conf.preloaded = e->preload != NULL;
	if (conf.preloaded) {
		char lib[512] = "";
		const struct sys_backend *b = sys_serving(lib, sizeof lib);
		if (b == NULL || strcmp(b->name, name) != 0) {
			reexec_preloaded(e->preload, argv);
			b = sys_serving(lib, sizeof lib);
		}
		if (b == NULL || strcmp(b->name, name) != 0) {
			fprintf(stderr,
				"conformance: malloc is served by %s, not %s from %s "
				"(is its package installed?)\n",
				*lib ? lib : "an unknown library", name, e->preload);
			return -1;
		}
	}
	conf.spec = spec;
	conf.ops = e->ops;
	conf.options = colon ? colon + 1 : "";
	const char *exact = getenv("MMLAB_EXPECT_EXACT");
	conf.exact = exact != NULL && strcmp(exact, "1") == 0;
	const char *ops = getenv("MMLAB_STRESS_OPS");
	conf.stress_ops = ops ? strtoul(ops, NULL, 10) : 1000000ul;
	return 0;
}

int main(int argc, char **argv)
{
	(void)argc;
	if (configure(argv) != 0)
		return 2;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(alignment_for_every_size, setup, teardown),
		cmocka_unit_test_setup_teardown(zero_size_blocks_are_distinct, setup, teardown),
		cmocka_unit_test_setup_teardown(free_null_does_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(blocks_do_not_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(realloc_keeps_the_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_realloc_keeps_the_block, setup, teardown),
		cmocka_unit_test_setup_teardown(overflowing_sizes_return_null, setup, teardown),
		cmocka_unit_test_setup_teardown(reset_then_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(stats_are_exact_at_every_step, setup, teardown),
		cmocka_unit_test_setup_teardown(largest_free_block_is_free, setup, teardown),
		cmocka_unit_test(models_keep_the_checksum),
		cmocka_unit_test(new_objects_are_zeroed_on_recycled_memory),
		cmocka_unit_test(cli_runs_it_and_refuses_bad_options),
		cmocka_unit_test_setup_teardown(stress_against_a_shadow, setup, teardown),
	};
	char group[128];
	snprintf(group, sizeof group, "conformance %s", conf.spec);
	return cmocka_run_group_tests_name(group, tests, NULL, NULL);
}
