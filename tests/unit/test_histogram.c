/* test_histogram.c — the log-linear histogram against exact answers.
 *
 * Percentiles of seeded random data (100 ns to 100 s, and a narrow cluster)
 * within 1% of the exact nearest-rank ones; small values exact; count, total,
 * min and max exact; merging equals adding; buckets tile the range. */
#include <math.h>
#include <stdlib.h>

#include "runtime/probes/histogram.h"
#include "tests/support/test.h"

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Uniform in [0, 1). */
static double unit(void)
{
	return (double)(next() >> 11) / 9007199254740992.0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static const uint32_t quantiles[] = { 1, 10000, 250000, 500000, 900000, 990000, 999000, 1000000 };

/* Every quantile of h within rel of the exact one of the n values v. */
static void check_quantiles(const struct hist *h, uint64_t *v, size_t n, double rel)
{
	qsort(v, n, sizeof v[0], cmp_u64);
	for (size_t i = 0; i < sizeof quantiles / sizeof quantiles[0]; i++) {
		uint64_t exact = v[hist_rank(n, quantiles[i]) - 1];
		uint64_t got = hist_quantile(h, quantiles[i]);
		double err = fabs((double)got - (double)exact) / (double)exact;
		if (err > rel)
			fail_msg("quantile %u ppm: got %llu, exact %llu (error %.4f%%)", quantiles[i],
				 (unsigned long long)got, (unsigned long long)exact, err * 100);
	}
}

static void percentiles_within_one_percent(void **state)
{
	(void)state;
	enum { N = 200000 };
	static uint64_t v[N];
	static struct hist h;
	hist_init(&h);
	for (size_t i = 0; i < N; i++) {
		/* log-uniform from 1e2 to 1e11 ns: 100 ns to 100 s */
		v[i] = (uint64_t)exp(log(1e2) + unit() * (log(1e11) - log(1e2)));
		hist_add(&h, v[i]);
	}
	check_quantiles(&h, v, N, 0.01);

	/* a narrow cluster: many values share buckets */
	hist_init(&h);
	for (size_t i = 0; i < N; i++) {
		v[i] = 1000000 + next() % 50000;
		hist_add(&h, v[i]);
	}
	check_quantiles(&h, v, N, 0.01);
}

static void small_values_are_exact(void **state)
{
	(void)state;
	enum { N = 5000 };
	static uint64_t v[N];
	static struct hist h;
	hist_init(&h);
	for (size_t i = 0; i < N; i++) {
		v[i] = next() % 256;
		hist_add(&h, v[i]);
	}
	check_quantiles(&h, v, N, 0.0);
}

static void totals_are_exact(void **state)
{
	(void)state;
	static struct hist a, b, all;
	hist_init(&a);
	hist_init(&b);
	hist_init(&all);
	assert_int_equal(hist_quantile(&a, 500000), 0);
	uint64_t total = 0, min = UINT64_MAX, max = 0;
	for (unsigned i = 0; i < 10000; i++) {
		uint64_t x = next() % 3000000000u;
		hist_add(i % 3 ? &a : &b, x);
		hist_add(&all, x);
		total += x;
		min = x < min ? x : min;
		max = x > max ? x : max;
	}
	hist_merge(&a, &b);
	assert_int_equal(a.count, 10000);
	assert_int_equal(a.total, total);
	assert_int_equal(a.min, min);
	assert_int_equal(a.max, max);
	assert_memory_equal(a.bins, all.bins, sizeof a.bins);
	assert_int_equal(hist_quantile(&a, 1000000), max);
	assert_int_equal(hist_quantile(&a, 1), min);
}

static void buckets_tile_the_range(void **state)
{
	(void)state;
	for (unsigned i = 0; i + 1 < HIST_BUCKETS; i++) {
		assert_int_equal(hist_bucket_low(i) + hist_bucket_width(i), hist_bucket_low(i + 1));
		assert_int_equal(hist_index(hist_bucket_low(i)), i);
		assert_int_equal(hist_index(hist_bucket_low(i) + hist_bucket_width(i) - 1), i);
		if (hist_bucket_low(i) >= 2 * HIST_SUB)
			assert_true(hist_bucket_width(i) * HIST_SUB <= hist_bucket_low(i));
	}
	uint64_t top = hist_bucket_low(HIST_BUCKETS - 1) + hist_bucket_width(HIST_BUCKETS - 1);
	assert_int_equal(top, HIST_LIMIT);
	assert_true(HIST_LIMIT > 100000000000ull); /* 100 s fits */
}

static void huge_values_report_the_max(void **state)
{
	(void)state;
	static struct hist h;
	hist_init(&h);
	hist_add(&h, 1000);
	hist_add(&h, HIST_LIMIT + 5);
	hist_add(&h, HIST_LIMIT * 3);
	assert_int_equal(h.over, 2);
	assert_int_equal(hist_quantile(&h, 1000000), HIST_LIMIT * 3);
	assert_int_equal(hist_quantile(&h, 1), 1000);
}

static void ranks_are_nearest_rank(void **state)
{
	(void)state;
	assert_int_equal(hist_rank(0, 500000), 0);
	assert_int_equal(hist_rank(10, 900000), 9);
	assert_int_equal(hist_rank(10, 910000), 10);
	assert_int_equal(hist_rank(1000, 999000), 999);
	assert_int_equal(hist_rank(1001, 999000), 1000);
	assert_int_equal(hist_rank(3, 1), 1);
	assert_int_equal(hist_rank(3, 1000000), 3);
	assert_int_equal(hist_rank(UINT64_MAX, 1000000), UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(percentiles_within_one_percent),
		cmocka_unit_test(small_values_are_exact),
		cmocka_unit_test(totals_are_exact),
		cmocka_unit_test(buckets_tile_the_range),
		cmocka_unit_test(huge_values_report_the_max),
		cmocka_unit_test(ranks_are_nearest_rank),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
