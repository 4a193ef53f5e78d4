/* test_probe_record.c — events in, stats record out, with known answers.
 *
 * A synthetic second-long run (fifty 1 ms frees, one 20 ms collection, a step
 * every 10 ms, three heap samples) through the recorder: counts and totals
 * exact, percentiles within 1%, MMU as worked by hand, stray events ignored. */
#include "runtime/probes/probe_record.h"
#include "runtime/session/probe_stats.h"
#include "tests/support/test.h"

#define MS 1000000ull

static void near(double got, double want)
{
	if (got < want * 0.99 || got > want * 1.01)
		fail_msg("%.9g is not within 1%% of %.9g", got, want);
}

static void a_synthetic_run(void **state)
{
	(void)state;
	const uint64_t t0 = 5000; /* the clock does not start at 0 */
	struct probe_record *r = probe_record_new(5 * MS);
	assert_non_null(r);
	probe_record_begin(r, t0);
	const struct probe_listener *L = &probe_recorder;

	L->pause_end(r, PROBE_PAUSE_FREE, t0 + 1 * MS); /* no begin: ignored */
	for (uint64_t k = 0; k < 50; k++) {
		L->pause_begin(r, PROBE_PAUSE_FREE, t0 + k * 10 * MS + 2 * MS);
		L->pause_end(r, PROBE_PAUSE_FREE, t0 + k * 10 * MS + 3 * MS);
	}
	L->pause_begin(r, PROBE_PAUSE_GC, t0 + 600 * MS);
	L->pause_end(r, PROBE_PAUSE_GC, t0 + 620 * MS);
	for (uint64_t k = 1; k <= 100; k++)
		L->step(r, t0 + k * 10 * MS);
	const uint64_t heap_at[] = { 0, 7 * MS, 512 * MS };
	for (unsigned i = 0; i < 3; i++) {
		struct probe_heap h = { .t_ns = t0 + heap_at[i], .known = 1u << PROBE_HEAP_LIVE };
		h.v[PROBE_HEAP_LIVE] = 1000 * (i + 1);
		L->heap(r, &h);
	}
	probe_record_finish(r, t0 + 1000 * MS);
	L->pause_begin(r, PROBE_PAUSE_GC, t0 + 1001 * MS); /* after the end */
	L->pause_end(r, PROBE_PAUSE_GC, t0 + 1002 * MS);
	L->step(r, t0 + 1003 * MS);

	static struct stats st;
	memset(&st, 0, sizeof st);
	probe_stats_fill(r, &st);
	const struct stats_results *s = &st.results;
	assert_int_equal(s->pause_count, 51);
	assert_float_equal(s->pause_total_s, 0.070, 1e-12);
	assert_float_equal(s->pause_max_s, 0.020, 1e-12);
	near(s->pause_p50_s, 0.001);
	near(s->pause_p99_s, 0.020); /* rank 51 of 51 */
	/* the worst 100 ms window holds the collection and no free; the
	 * whole second holds 70 ms of pauses */
	assert_true(s->mmu_1ms == 0 && s->mmu_10ms == 0);
	assert_float_equal(s->mmu_100ms, 0.8, 1e-12);
	assert_float_equal(s->mmu_1s, 0.93, 1e-12);
	assert_int_equal(s->step_count, 100);
	assert_float_equal(s->step_total_s, 1.0, 1e-12);
	near(s->step_p50_s, 0.010);
	assert_true(stats_known(s, STATS_F_probe_bytes) && s->probe_bytes > sizeof *r);

	assert_int_equal(st.kinds[PROBE_PAUSE_FREE].count, 50);
	assert_float_equal(st.kinds[PROBE_PAUSE_FREE].total_s, 0.050, 1e-12);
	assert_int_equal(st.kinds[PROBE_PAUSE_GC].count, 1);
	assert_float_equal(st.kinds[PROBE_PAUSE_GC].max_s, 0.020, 1e-12);
	assert_int_equal(st.kinds[PROBE_PAUSE_DROP].count, 0);

	/* the curve ends with the whole run */
	assert_true(st.mmu.n >= 2);
	assert_float_equal(st.mmu.window_s[st.mmu.n - 1], 1.0, 1e-12);
	assert_float_equal(st.mmu.mmu[st.mmu.n - 1], 0.93, 1e-12);

	/* 5 ms points: the samples at 0, 7 and 512 ms fall in those of 0, 5 and 510 ms */
	assert_int_equal(st.timeline.n, 3);
	assert_int_equal(st.timeline.samples, 3);
	assert_float_equal(st.timeline.pt[1].t_s, 0.005, 1e-12);
	assert_int_equal(st.timeline.pt[1].v[PROBE_HEAP_LIVE], 2000);
	assert_float_equal(st.timeline.pt[2].t_s, 0.510, 1e-12);
	assert_int_equal(r->heap_peak[PROBE_HEAP_LIVE], 3000);
	probe_record_delete(r);
}

static void an_empty_run(void **state)
{
	(void)state;
	struct probe_record *r = probe_record_new(5 * MS);
	assert_non_null(r);
	probe_record_begin(r, 100);
	probe_record_finish(r, 100 + 3 * MS);
	static struct stats st;
	memset(&st, 0, sizeof st);
	probe_stats_fill(r, &st);
	assert_int_equal(st.results.pause_count, 0);
	assert_true(stats_known(&st.results, STATS_F_pause_total_s));
	assert_false(stats_known(&st.results, STATS_F_pause_p50_s)); /* no pauses, no median */
	assert_false(stats_known(&st.results, STATS_F_pause_max_s));
	assert_true(st.results.mmu_1ms == 1.0);
	assert_false(stats_known(&st.results, STATS_F_mmu_10ms)); /* longer than the run */
	probe_record_delete(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_synthetic_run),
		cmocka_unit_test(an_empty_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
