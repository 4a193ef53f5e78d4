/* test_trace_check.c — the replay's checks catch broken allocators.
 *
 * Every allocator mmlab carries replays a mixed trace valid, with the
 * exact peak payload and (teaching allocators) a utilization in (0, 1];
 * five deliberately broken allocators (overlap, misalignment, a realloc
 * that loses data, a write into a live block, NULL) are each caught with
 * the line of the operation and a sentence naming the fault.
 */
#include <stdlib.h>

#include "allocators/builtin.h"
#include "replay/replay.h"
#include "tests/support/test.h"

/* A trace of n allocations of mixed sizes, every third one reallocated
 * larger, half freed early and the rest at the end. */
static struct trace make_trace(uint32_t n, uint64_t *peak)
{
	struct trace t = { .format = TRACE_MMLAB, .nids = n };
	t.ops = calloc((size_t)n * 3, sizeof *t.ops);
	assert_non_null(t.ops);
	uint64_t live = 0, *size = calloc(n, sizeof *size);
	assert_non_null(size);
	*peak = 0;
	uint32_t line = 1;
	for (uint32_t i = 0; i < n; i++) {
		size[i] = 1 + (i * 37u) % 300 + (i % 50 == 0 ? 20000 : 0);
		t.ops[t.nops++] = (struct trace_op){ size[i], i, ++line, TRACE_ALLOC };
		live += size[i];
		if (i % 3 == 0) {
			live += 40;
			size[i] += 40;
			t.ops[t.nops++] = (struct trace_op){ size[i], i, ++line, TRACE_REALLOC };
		}
		if (live > *peak)
			*peak = live;
		if (i % 2 == 1) {
			t.ops[t.nops++] = (struct trace_op){ 0, i - 1, ++line, TRACE_FREE };
			live -= size[i - 1];
		}
	}
	for (uint32_t i = 1; i < n; i += 2)
		t.ops[t.nops++] = (struct trace_op){ 0, i, ++line, TRACE_FREE };
	free(size);
	return t;
}

static void valid_on(const struct alloc_ops *ops, const char *options, bool exact)
{
	uint64_t peak;
	struct trace t = make_trace(3000, &peak);
	struct replay_result r;
	char err[256] = "";
	if (replay_check(&t, ops, options, &r, err, sizeof err) != 0)
		fail_msg("%s: %s", ops->name, err);
	if (!r.valid)
		fail_msg("%s: %s", ops->name, r.why);
	assert_int_equal(r.ops, t.nops);
	assert_int_equal(r.peak_live, peak);
	/* under ASan the system malloc is the sanitizer's, which glibc's
	 * figures do not see */
	assert_true(r.footprint_known || (!exact && getenv("MMLAB_SANITIZED")));
	assert_int_equal(r.footprint_exact, exact);
	if (exact) /* an exact footprint holds at least the payload */
		assert_true(r.utilization > 0 && r.utilization <= 1);
	assert_int_equal(replay_time(&t, ops, options, 2, 0, &r, err, sizeof err), 0);
	assert_true(r.reps >= 2 && r.secs > 0 && r.ops_per_s > 0);
	free(t.ops);
}

static void every_allocator_replays_valid(void **state)
{
	(void)state;
	valid_on(&alloc_system, "", false);
	valid_on(&alloc_bump, "", true);
	valid_on(&alloc_freelist, "", true);
	valid_on(&alloc_freelist, "policy=best", true);
	valid_on(&alloc_segfit, "", true);
	valid_on(&alloc_buddy, "", true);
}

/* The broken allocators: glibc underneath, one fault each. */
enum fault { OVERLAP, MISALIGN, FORGET, SCRIBBLE, NULLS };

struct broken {
	enum fault fault;
	unsigned calls;
	char *last;
	bool in_realloc;
	bool done;
	unsigned nraw;
	char *raw[4096]; /* everything it took from malloc, freed by fini */
};

static int b_init(void **state, const char *options, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	struct broken *b = calloc(1, sizeof *b);
	b->fault = (enum fault)atoi(options);
	*state = b;
	return 0;
}

static void *b_alloc(void *st, size_t size)
{
	struct broken *b = st;
	b->calls++;
	if (b->fault == NULLS && b->calls == 50)
		return NULL;
	if (b->fault == OVERLAP && b->calls >= 10 && !b->in_realloc && !b->done) {
		b->done = true;
		return b->last; /* the last block handed out, still live */
	}
	char *p = malloc(size + 32);
	assert_non_null(p);
	assert_true(b->nraw < sizeof b->raw / sizeof b->raw[0]);
	b->raw[b->nraw++] = p;
	if (b->fault == SCRIBBLE && b->calls == 20 && b->last != NULL)
		b->last[0] ^= 1;
	b->last = p + 16;
	return b->fault == MISALIGN && size >= 16 && b->calls == 5 ? p + 8 : p + 16;
}

static void b_free(void *st, void *ptr, size_t size)
{
	(void)st, (void)ptr, (void)size; /* fini frees every block at once */
}

static void *b_realloc(void *st, void *ptr, size_t old, size_t size)
{
	struct broken *b = st;
	b->in_realloc = true;
	char *q = b_alloc(st, size);
	b->in_realloc = false;
	if (q != NULL && b->fault != FORGET)
		memcpy(q, ptr, old < size ? old : size);
	return q;
}

static void b_stats(void *st, struct alloc_stats *out)
{
	(void)st;
	memset(out, 0, sizeof *out);
}

static void b_fini(void *st)
{
	struct broken *b = st;
	for (unsigned i = 0; i < b->nraw; i++)
		free(b->raw[i]);
	free(b);
}

static const struct alloc_ops broken = {
	.abi = ALLOC_ABI_CURRENT,
	.name = "broken", .summary = "one fault", .init = b_init, .alloc = b_alloc,
	.free = b_free, .realloc = b_realloc, .stats = b_stats, .fini = b_fini,
};

static void caught(enum fault f, const char *needle)
{
	uint64_t peak;
	struct trace t = make_trace(200, &peak);
	struct replay_result r;
	char err[256], opt[8];
	snprintf(opt, sizeof opt, "%d", (int)f);
	assert_int_equal(replay_check(&t, &broken, opt, &r, err, sizeof err), 0);
	if (r.valid || strncmp(r.why, "line ", 5) != 0 || strstr(r.why, needle) == NULL)
		fail_msg("fault %d: valid %d, why \"%s\" (wanted \"%s\")", (int)f, r.valid, r.why,
			 needle);
	assert_true(r.utilization < 0);
	free(t.ops);
}

static void broken_allocators_are_caught(void **state)
{
	(void)state;
	caught(OVERLAP, "overlaps the live block of id");
	caught(MISALIGN, "is not 16-byte aligned");
	caught(FORGET, "lost its payload at offset 0");
	caught(SCRIBBLE, "changed at offset 0 while it was live");
	caught(NULLS, "returned NULL");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_allocator_replays_valid),
		cmocka_unit_test(broken_allocators_are_caught),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
