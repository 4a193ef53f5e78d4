/* test_signif.c — the Mann-Whitney U test compare's verdicts rest on.
 *
 * Synthetic samples: two draws from one distribution are not told apart;
 * a shifted one is; the exact p-values match the U distribution counted by
 * hand (4 against 4, fully separated: 2/70); ties take the normal
 * approximation; fewer than SIGNIF_MIN_N values give no verdict.
 */
#include <math.h>
#include <stdlib.h>

#include "runtime/stats/signif.h"
#include "tests/support/test.h"

/* A reproducible uniform draw in [0, 1) (a 64-bit LCG, top bits). */
static double draw(uint64_t *state)
{
	*state = *state * 6364136223846793005u + 1442695040888963407u;
	return (double)(*state >> 11) / 9007199254740992.0;
}

static void separated_four_is_exact(void **st)
{
	(void)st;
	double a[] = { 1, 2, 3, 4 }, b[] = { 5, 6, 7, 8 };
	struct signif r;
	assert_int_equal(signif_mann_whitney(a, 4, b, 4, &r), 0);
	assert_true(r.enough);
	assert_true(r.exact);
	assert_true(fabs(r.u - 0) < 1e-12);
	assert_true(fabs(r.p - 2.0 / 70) < 1e-12);
	assert_true(signif_differs(&r));
	/* the other way round: U = 16, the same p */
	assert_int_equal(signif_mann_whitney(b, 4, a, 4, &r), 0);
	assert_true(fabs(r.u - 16) < 1e-12);
	assert_true(fabs(r.p - 2.0 / 70) < 1e-12);
}

static void exact_matches_counting(void **st)
{
	(void)st;
	/* 3 vs 3, U = 1: P(U <= 1) = 2/20, two-sided 0.2 */
	double a[] = { 1, 2, 5 }, b[] = { 3, 4, 6 };
	struct signif r;
	assert_int_equal(signif_mann_whitney(a, 3, b, 3, &r), 0);
	assert_false(r.enough);
	assert_true(fabs(r.u - 2) < 1e-12);
	/* U = 2: P(U <= 2) = 4/20, two-sided 0.4 */
	assert_true(fabs(r.p - 0.4) < 1e-12);
	assert_false(signif_differs(&r)); /* too few, whatever p says */
}

static void same_distribution_is_noise(void **st)
{
	(void)st;
	uint64_t seed = 42;
	int flagged = 0;
	for (int trial = 0; trial < 40; trial++) {
		double a[10], b[10];
		for (int i = 0; i < 10; i++) {
			a[i] = 100 + 10 * draw(&seed);
			b[i] = 100 + 10 * draw(&seed);
		}
		struct signif r;
		assert_int_equal(signif_mann_whitney(a, 10, b, 10, &r), 0);
		assert_true(r.exact);
		assert_true(r.p > 0 && r.p <= 1);
		flagged += signif_differs(&r);
	}
	/* alpha 0.05: about 2 in 40 by chance; 8 would be a broken test */
	assert_true(flagged < 8);
}

static void shifted_distribution_differs(void **st)
{
	(void)st;
	uint64_t seed = 7;
	for (int trial = 0; trial < 20; trial++) {
		double a[10], b[10];
		for (int i = 0; i < 10; i++) {
			a[i] = 100 + 10 * draw(&seed);
			b[i] = 112 + 10 * draw(&seed); /* every b above every a */
		}
		struct signif r;
		assert_int_equal(signif_mann_whitney(a, 10, b, 10, &r), 0);
		assert_true(signif_differs(&r));
		assert_true(r.p < 0.001);
	}
}

static void ties_use_the_normal_approximation(void **st)
{
	(void)st;
	double a[] = { 1, 1, 2, 2, 3, 3 }, b[] = { 4, 4, 5, 5, 6, 6 };
	struct signif r;
	assert_int_equal(signif_mann_whitney(a, 6, b, 6, &r), 0);
	assert_false(r.exact);
	assert_true(signif_differs(&r));
	double same[] = { 5, 5, 5, 5 };
	assert_int_equal(signif_mann_whitney(same, 4, same, 4, &r), 0);
	assert_true(r.enough);
	assert_true(fabs(r.p - 1) < 1e-12);
	assert_false(signif_differs(&r));
}

static void large_samples_use_the_normal_approximation(void **st)
{
	(void)st;
	enum { N = 60 };
	double a[N], b[N];
	for (int i = 0; i < N; i++) {
		a[i] = i;
		b[i] = i + 0.5;
	}
	struct signif r;
	assert_int_equal(signif_mann_whitney(a, N, b, N, &r), 0);
	assert_false(r.exact);
	assert_false(signif_differs(&r));
	for (int i = 0; i < N; i++)
		b[i] = i + 30.5;
	assert_int_equal(signif_mann_whitney(a, N, b, N, &r), 0);
	assert_true(signif_differs(&r));
}

static void median_of_odd_and_even(void **st)
{
	(void)st;
	double odd[] = { 3, 1, 2 }, even[] = { 4, 1, 3, 2 };
	assert_true(signif_median(odd, 3) == 2);
	assert_true(signif_median(even, 4) == 2.5);
	assert_true(isnan(signif_median(odd, 0)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(separated_four_is_exact),
		cmocka_unit_test(exact_matches_counting),
		cmocka_unit_test(same_distribution_is_noise),
		cmocka_unit_test(shifted_distribution_differs),
		cmocka_unit_test(ties_use_the_normal_approximation),
		cmocka_unit_test(large_samples_use_the_normal_approximation),
		cmocka_unit_test(median_of_odd_and_even),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
