/* signif.c — the Mann-Whitney U test and the median (signif.h).
 *
 * Ranks are averaged over ties.  The exact distribution of U under the
 * null is the Gaussian binomial coefficient [m+n choose m]_q, built one
 * factor at a time; its counts stay below 2^53 up to SIGNIF_EXACT_MAX
 * values in all, so they are exact in doubles.
 */
#include "signif.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

double signif_median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct tagged {
	double v;
	int side; /* 0: a, 1: b */
};

static int cmp_tagged(const void *x, const void *y)
{
	return cmp_double(&((const struct tagged *)x)->v, &((const struct tagged *)y)->v);
}

/* P(U <= u) under the null, exactly, for samples of m and n without ties:
 * the Gaussian binomial's coefficients up to u over their sum. */
static int exact_cdf(size_t m, size_t n, double u, double *out)
{
	size_t top = m * n;
	double *c = calloc(top + 1, sizeof *c);
	if (c == NULL)
		return -1;
	c[0] = 1;
	/* [n+i choose i] = [n+i-1 choose i-1] * (1 - q^(n+i)) / (1 - q^i) */
	for (size_t i = 1; i <= m; i++) {
		size_t deg = (i - 1) * n, shift = n + i;
		for (size_t k = deg + shift < top ? deg + shift : top; k >= shift; k--)
			c[k] -= c[k - shift];
		for (size_t k = i; k <= top; k++)
			c[k] += c[k - i];
	}
	double below = 0, all = 0;
	for (size_t k = 0; k <= top; k++) {
		all += c[k];
		if ((double)k <= u + 1e-9)
			below += c[k];
	}
	free(c);
	*out = below / all;
	return 0;
}

int signif_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
			struct signif *r)
{
	r->enough = na >= SIGNIF_MIN_N && nb >= SIGNIF_MIN_N;
	r->exact = false;
	r->u = 0;
	r->p = 1;
	size_t n = na + nb;
	if (na == 0 || nb == 0)
		return 0;
	struct tagged *t = malloc(n * sizeof *t);
	if (t == NULL) {
		r->enough = false;
		return -1;
	}
	for (size_t i = 0; i < na; i++)
		t[i] = (struct tagged){ a[i], 0 };
	for (size_t i = 0; i < nb; i++)
		t[na + i] = (struct tagged){ b[i], 1 };
	qsort(t, n, sizeof *t, cmp_tagged);
	double rank_a = 0, ties = 0; /* sum of t^3 - t over groups of ties */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && t[j].v == t[i].v)
			j++;
		double avg = (double)(i + 1 + j) / 2, g = (double)(j - i);
		for (size_t k = i; k < j; k++)
			if (t[k].side == 0)
				rank_a += avg;
		ties += g * g * g - g;
		i = j;
	}
	free(t);
	double m1 = (double)na, m2 = (double)nb;
	r->u = rank_a - m1 * (m1 + 1) / 2;
	double mean = m1 * m2 / 2;
	if (ties == 0 && n <= SIGNIF_EXACT_MAX) {
		double lo, hi;
		/* P(U <= u) and P(U >= u) = P(U <= m1 m2 - u), by symmetry */
		if (exact_cdf(na, nb, r->u, &lo) != 0 || exact_cdf(na, nb, m1 * m2 - r->u, &hi) != 0) {
			r->enough = false;
			return -1;
		}
		double p = 2 * (lo < hi ? lo : hi);
		r->p = p > 1 ? 1 : p;
		r->exact = true;
		return 0;
	}
	double nn = (double)n;
	double var = m1 * m2 / 12 * ((nn + 1) - ties / (nn * (nn - 1)));
	if (var <= 0) {
		r->p = 1; /* every value the same */
		return 0;
	}
	double z = (fabs(r->u - mean) - 0.5) / sqrt(var);
	if (z < 0)
		z = 0;
	double p = erfc(z / sqrt(2.0));
	r->p = p > 1 ? 1 : p;
	return 0;
}

bool signif_differs(const struct signif *r)
{
	return r->enough && r->p < SIGNIF_ALPHA;
}
