/* test_timeline.c — the memory timeline stays bounded and keeps its peaks.
 *
 * A million samples fit TL_POINTS points at the interval that just fits; a
 * spike survives every merge; unknown figures stay unknown; the sampler's
 * timer loses no expiration however busy the machine (ticks + overruns
 * cover the CPU time spent), and every tick answered is one sample; a real
 * run's timeline has its first and last points, with every figure the
 * model knows.  Nothing here depends on how many ticks a wall-clock
 * interval happened to get. */
#include <time.h>

#include "runtime/probes/clock.h"
#include "runtime/probes/sampler.h"
#include "runtime/probes/timeline.h"
#include "runtime/session/session.h"
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

static unsigned heap_samples;

static void count_heap(void *st, const struct probe_heap *h)
{
	(void)st, (void)h;
	heap_samples++;
}

static void no_figures(void *arg, struct alloc_stats *out)
{
	(void)arg;
	*out = (struct alloc_stats){ 0 };
}

static void every_expiration_is_counted_and_answered(void **state)
{
	(void)state;
	static _Atomic bool due, divert;
	static const uint64_t live = 42;
	struct probe_listener counter = probe_null;
	counter.heap = count_heap;
	const struct sampler_target target = {
		.due = &due, .divert = &divert, .heap = no_figures,
		.probe = &counter, .live_known = true, .live = &live,
	};
	const uint64_t period = 1000000; /* 1 ms */
	static struct sampler s;
	heap_samples = 0;
	uint64_t cpu0 = clock_cpu_ns();
	assert_int_equal(sampler_start(&s, &target, clock_now_ns(), period, false), 0);
	unsigned polls = 0;
	uint64_t spin = 0;
	while (clock_cpu_ns() - cpu0 < 30 * period) { /* 30 ms of CPU */
		spin++;
		if (atomic_load(&due)) {
			atomic_store(&due, false);
			sampler_take(&s, false);
			polls++;
		}
	}
	sampler_stop(&s);
	uint64_t cpu = clock_cpu_ns() - cpu0;
	uint64_t ticks = atomic_load(&s.ticks), over = atomic_load(&s.overruns);
	print_message("spins %llu, cpu %.1f ms, ticks %llu, overruns %llu, polls %u\n",
		      (unsigned long long)spin, cpu / 1e6, (unsigned long long)ticks,
		      (unsigned long long)over, polls);
	/* the process ran for cpu ns, so at least that much time passed on
	 * the timer's clock: every expiration in it is a tick or an overrun */
	assert_true(ticks + over >= cpu / period - 1);
	/* a tick raises the flag; several before a poll make one sample */
	assert_true(polls >= 1);
	assert_true(polls <= ticks);
	assert_int_equal(heap_samples, polls);
}

static void a_run_has_its_first_and_last_points(void **state)
{
	(void)state;
	const struct wl_desc *w = wl_find("binary-trees");
	int64_t depth[1] = { 14 };
	struct mm_job job = { .params = depth, .seed = 1 };
	struct session s = {
		.model = MM_MODEL_manual,
		.entry = w->impl[MM_MODEL_manual]->entry,
		.job = &job,
		.probes = PROBE_ON,
	};
	static struct stats st;
	char err[256];
	assert_int_equal(session_run(&s, &st, err, sizeof err), SESSION_OK);
	const struct stats_timeline *tl = &st.timeline;
	double wall = st.results.wall_s;
	assert_true(tl->samples >= 2); /* the run's start and end, forced */
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
		cmocka_unit_test(every_expiration_is_counted_and_answered),
		cmocka_unit_test(a_run_has_its_first_and_last_points),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
