/* test_timeline.c — the memory timeline stays bounded and keeps its peaks.
 *
 * A million samples fit TL_POINTS points at the interval that just fits; a
 * spike survives every merge; unknown figures stay unknown; a real run is
 * sampled at least every 10 ms. */
#include "runtime/session/session.h"
#include "runtime/probes/timeline.h"
#include "tests/support/test.h"
#include "workloads/workload.h"

static struct probe_heap sample(uint64_t t, uint64_t live, unsigned known)
{
	struct probe_heap h = { .t_ns = t, .known = known };
	for (unsigned f = 0; f < PROBE_HEAP_NFIELDS; f++)
		h.v[f] = live + f;
	return h;
}

static void bounded_on_a_long_run(void **state)
{
	(void)state;
	static struct timeline tl;
	const uint64_t t0 = 777, ms = 1000000;
	tl_init(&tl, t0, 5 * ms);
	const unsigned all = (1u << PROBE_HEAP_NFIELDS) - 1;
	for (uint64_t i = 0; i < 1000000; i++) {
		uint64_t live = i == 123456 ? 1000000000 : i % 1000;
		struct probe_heap h = sample(t0 + i * ms, live, all);
		tl_add(&tl, &h);
	}
	assert_int_equal(tl.samples, 1000000);
	assert_true(tl.n <= TL_POINTS);
	/* 1000 s in 512 points: 5 ms doubled to 2.56 s, the first that fits */
	assert_int_equal(tl.interval, 5 * ms << 9);
	assert_true(tl.n * tl.interval >= 1000000 * ms);
	assert_true((tl.n - 1) * tl.interval < 1000000 * ms);
	/* the spike at 123.456 s is the max of its point and nowhere else */
	uint32_t k = (uint32_t)(123456 * ms / tl.interval);
	assert_int_equal(tl.pt[k].v[PROBE_HEAP_LIVE], 1000000000);
	assert_int_equal(tl.pt[k].v[PROBE_HEAP_RSS], 1000000000 + PROBE_HEAP_RSS);
	for (uint32_t i = 0; i < tl.n; i++) {
		assert_int_equal(tl.pt[i].known, all);
		if (i != k)
			assert_int_equal(tl.pt[i].v[PROBE_HEAP_LIVE], 999);
	}
}

static void unknown_figures_stay_unknown(void **state)
{
	(void)state;
	static struct timeline tl;
	tl_init(&tl, 0, 10);
	struct probe_heap a = sample(0, 5, 1u << PROBE_HEAP_LIVE);
	struct probe_heap b = sample(3, 2, 1u << PROBE_HEAP_LIVE | 1u << PROBE_HEAP_RSS);
	struct probe_heap c = sample(25, 9, 1u << PROBE_HEAP_ALLOCATED);
	tl_add(&tl, &a);
	tl_add(&tl, &b);
	tl_add(&tl, &c);
	assert_int_equal(tl.n, 3);
	assert_int_equal(tl.pt[0].known, 1u << PROBE_HEAP_LIVE | 1u << PROBE_HEAP_RSS);
	assert_int_equal(tl.pt[0].v[PROBE_HEAP_LIVE], 5); /* the larger of 5 and 2 */
	assert_int_equal(tl.pt[0].v[PROBE_HEAP_RSS], 2 + PROBE_HEAP_RSS);
	assert_int_equal(tl.pt[1].known, 0); /* nothing sampled in [10, 20) */
	assert_int_equal(tl.pt[2].known, 1u << PROBE_HEAP_ALLOCATED);
}

static void a_run_is_sampled_every_few_milliseconds(void **state)
{
	(void)state;
	const struct wl_desc *w = wl_find("binary-trees");
	int64_t depth[1] = { 14 };
	struct mm_job job = { .params = depth, .seed = 1 };
	struct session s = {
		.model = MM_MANUAL,
		.entry = w->impl[MM_MANUAL]->entry,
		.job = &job,
		.probes = PROBE_ON,
	};
	static struct stats st;
	char err[256];
	assert_int_equal(session_run(&s, &st, err, sizeof err), SESSION_OK);
	const struct stats_timeline *tl = &st.timeline;
	double wall = st.results.wall_s;
	/* a tick every 5 ms; a tick may go unanswered when the process is
	 * descheduled, so ask for half of them */
	assert_true(tl->samples >= (uint64_t)(wall / 0.010));
	/* points of 5 ms, doubled only as often as the run needs */
	double iv = 0.005;
	while (wall >= iv * TL_POINTS)
		iv *= 2;
	assert_float_equal(tl->interval_s, iv, 1e-12);
	assert_true(tl->n >= 2);
	assert_true(tl->pt[0].t_s == 0);
	for (unsigned i = 0; i < tl->n; i++) {
		assert_true(tl->pt[i].known & (1u << PROBE_HEAP_LIVE));
		assert_true(tl->pt[i].known & (1u << PROBE_HEAP_RSS));
	}
	/* the first point (the run's start) and the last (its end) read the
	 * allocator whatever the budget */
	assert_true(tl->pt[0].known & (1u << PROBE_HEAP_ALLOCATED));
	assert_true(tl->pt[tl->n - 1].known & (1u << PROBE_HEAP_FOOTPRINT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bounded_on_a_long_run),
		cmocka_unit_test(unknown_figures_stay_unknown),
		cmocka_unit_test(a_run_is_sampled_every_few_milliseconds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
