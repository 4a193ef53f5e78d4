/* test_frag.c — fragmentation and utilization with answers worked by hand.
 *
 * A fake allocator with predictable figures (blocks rounded to 32 bytes,
 * 4096-byte pages never given back, exact peaks) runs the sequence that
 * docs/metrics.md works through; the pure ratios and their limits too. */
#include <stdlib.h>

#include "runtime/session/session.h"
#include "tests/support/test.h"

struct fake {
	uint64_t allocated, footprint, peak_allocated;
};

static uint64_t rounded(size_t size)
{
	return (size + 31) / 32 * 32;
}

static int fake_init(void **state, const char *options, char *err, size_t errlen)
{
	(void)options, (void)err, (void)errlen;
	*state = calloc(1, sizeof(struct fake));
	return *state ? 0 : -1;
}

static void *fake_alloc(void *st, size_t size)
{
	struct fake *f = st;
	f->allocated += rounded(size);
	if (f->allocated > f->peak_allocated)
		f->peak_allocated = f->allocated;
	while (f->footprint < f->allocated)
		f->footprint += 4096;
	return malloc(size);
}

static void fake_free(void *st, void *p, size_t size)
{
	struct fake *f = st;
	f->allocated -= rounded(size);
	free(p);
}

static void *fake_realloc(void *st, void *p, size_t old_size, size_t new_size)
{
	(void)st, (void)p, (void)old_size, (void)new_size;
	return NULL;
}

static void fake_stats(void *st, struct alloc_stats *out)
{
	struct fake *f = st;
	*out = (struct alloc_stats){ .backend = "fake" };
	out->allocated = f->allocated;
	out->footprint = f->footprint;
	out->peak_allocated = f->peak_allocated;
	out->peak_footprint = f->footprint; /* never shrinks */
	out->known = ALLOC_KNOW_ALLOCATED | ALLOC_KNOW_FOOTPRINT | ALLOC_KNOW_PEAK_ALLOCATED |
		     ALLOC_KNOW_PEAK_FOOTPRINT;
}

static void fake_fini(void *st)
{
	free(st);
}

static const struct alloc_ops fake_ops = {
	.abi = ALLOC_ABI_CURRENT,
	.name = "fake",
	.summary = "predictable figures for the tests",
	.init = fake_init,
	.alloc = fake_alloc,
	.free = fake_free,
	.realloc = fake_realloc,
	.reset = NULL,
	.stats = fake_stats,
	.fini = fake_fini,
};

/* The sequence docs/metrics.md works through: 100 blocks of 24 bytes,
 * the odd half of them freed, then 40 blocks of 40 bytes; the rest is
 * freed after the run is measured.  The heap is fullest at the end, so
 * a tick of the sampler in between cannot change the answer. */
enum { KEPT = 140 };
static void *kept[KEPT];

static int script(struct mm_ctx *c, struct mm_job *job)
{
	for (int i = 0; i < 100; i++)
		kept[i] = mm_bytes_alloc(c, 24);
	mm_note_peak(c);
	for (int i = 1; i < 100; i += 2) {
		mm_bytes_free(c, kept[i], 24);
		kept[i] = NULL;
	}
	for (int i = 100; i < KEPT; i++)
		kept[i] = mm_bytes_alloc(c, 40);
	job->ops = KEPT;
	return 0;
}

static struct stats run_script(enum probe_level probes)
{
	struct mm_job job = { 0 };
	struct session s = {
		.model = MM_MODEL_manual,
		.alloc = &fake_ops,
		.entry = script,
		.job = &job,
		.probes = probes,
	};
	struct stats st;
	char err[256];
	memset(kept, 0, sizeof kept);
	assert_int_equal(session_run(&s, &st, err, sizeof err), SESSION_OK);
	for (int i = 0; i < KEPT; i++)
		free(kept[i]); /* the fake's blocks are malloc's; the context is gone */
	return st;
}

static void scripted_sequence(void **state)
{
	(void)state;
	for (int level = PROBE_ON; level <= PROBE_FULL; level++) {
		struct stats st = run_script((enum probe_level)level);
		const struct stats_results *r = &st.results;
		/* at the end, the fullest point: 50 x 24 + 40 x 40 = 2800 bytes
		 * asked for, in 50 x 32 + 40 x 64 = 4160, on two 4096-byte pages */
		assert_int_equal(r->peak_live_bytes, 2800);
		assert_int_equal(r->peak_allocated_bytes, 4160);
		assert_int_equal(r->peak_footprint_bytes, 8192);
		assert_int_equal(r->sampled_peak_allocated_bytes, 4160);
		/* the fake knows no figures at peak live: fragmentation is the
		 * fullest sample's, and marked so; U's peaks are both exact */
		assert_false(stats_known(r, STATS_F_frag_internal));
		assert_true(stats_known(r, STATS_F_sampled_frag_internal));
		assert_float_equal(r->sampled_frag_internal, 1.0 - 2800.0 / 4160.0, 1e-12);
		assert_float_equal(r->sampled_frag_external, 1.0 - 4160.0 / 8192.0, 1e-12);
		assert_float_equal(r->utilization, 2800.0 / 8192.0, 1e-12);
		assert_false(stats_known(r, STATS_F_sampled_utilization));
		assert_int_equal(r->leaked_bytes, 2800);
	}
	/* without probes there are no heap samples, but the exact peaks stay */
	struct stats st = run_script(PROBE_OFF);
	assert_false(stats_known(&st.results, STATS_F_frag_internal));
	assert_false(stats_known(&st.results, STATS_F_sampled_frag_internal));
	assert_false(stats_known(&st.results, STATS_F_sampled_peak_allocated_bytes));
	assert_float_equal(st.results.utilization, 2800.0 / 8192.0, 1e-12);
}

static void ratios_and_their_limits(void **state)
{
	(void)state;
	struct stats_results r = { 0 };
	stats_fragmentation(&r, false, true, 750, 1000, 4000);
	assert_float_equal(r.frag_internal, 0.25, 1e-15);
	assert_float_equal(r.frag_external, 0.75, 1e-15);
	assert_false(stats_known(&r, STATS_F_sampled_frag_internal));

	memset(&r, 0, sizeof r);
	stats_fragmentation(&r, true, true, 750, 1000, 4000); /* a heap sample */
	assert_false(stats_known(&r, STATS_F_frag_internal));
	assert_float_equal(r.sampled_frag_internal, 0.25, 1e-15);
	assert_float_equal(r.sampled_frag_external, 0.75, 1e-15);

	memset(&r, 0, sizeof r);
	stats_fragmentation(&r, true, false, 0, 1000, 4000); /* gc: no requested bytes */
	assert_false(stats_known(&r, STATS_F_sampled_frag_internal));
	assert_true(stats_known(&r, STATS_F_sampled_frag_external));

	memset(&r, 0, sizeof r);
	stats_fragmentation(&r, false, true, 2000, 1000, 500); /* inconsistent figures */
	assert_false(stats_known(&r, STATS_F_frag_internal));
	assert_false(stats_known(&r, STATS_F_frag_external));

	memset(&r, 0, sizeof r);
	STATS_SET(&r, peak_live_bytes, 300);
	STATS_SET(&r, sampled_peak_footprint_bytes, 1200);
	stats_derive(&r);
	assert_false(stats_known(&r, STATS_F_utilization));
	assert_float_equal(r.sampled_utilization, 0.25, 1e-15); /* marked sampled */
	memset(&r, 0, sizeof r);
	STATS_SET(&r, peak_live_bytes, 300);
	STATS_SET(&r, sampled_peak_footprint_bytes, 1200);
	STATS_SET(&r, peak_footprint_bytes, 600);
	stats_derive(&r);
	assert_float_equal(r.utilization, 0.5, 1e-15); /* both peaks exact */
	assert_false(stats_known(&r, STATS_F_sampled_utilization));
}

static void throughput_and_time_split(void **state)
{
	(void)state;
	struct stats_results r = { 0 };
	STATS_SET(&r, wall_s, 2.0);
	STATS_SET(&r, ops, 1000);
	STATS_SET(&r, allocs, 500);
	STATS_SET(&r, alloc_bytes, 4096);
	STATS_SET(&r, pause_total_s, 0.5);
	stats_derive(&r);
	assert_float_equal(r.ops_per_s, 500, 0);
	assert_float_equal(r.allocs_per_s, 250, 0);
	assert_float_equal(r.alloc_bytes_per_s, 2048, 0);
	assert_float_equal(r.mm_s, 0.5, 0);
	assert_float_equal(r.mutator_s, 1.5, 0);
	STATS_SET(&r, alloc_s, 0.25);
	stats_derive(&r);
	assert_float_equal(r.mm_s, 0.75, 0);
	assert_float_equal(r.mutator_s, 1.25, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scripted_sequence),
		cmocka_unit_test(ratios_and_their_limits),
		cmocka_unit_test(throughput_and_time_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
