/* wl_zipf.h — Zipf-distributed ranks for the workloads: P(rank k) is
 * proportional to 1 / (k+1)^s over n ranks, drawn from the workloads'
 * seeded PRNG by binary search in a precomputed CDF.  Deterministic: the
 * same seed draws the same ranks under every model (plain C memory, never
 * the model's: the table is the workload's own bookkeeping).
 */
#ifndef WL_ZIPF_H
#define WL_ZIPF_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "workload.h"

struct wl_zipf {
	double *cdf;
	uint64_t n;
};

/* 0, or -1 when out of memory. */
static inline int wl_zipf_init(struct wl_zipf *z, uint64_t n, double s)
{
	z->n = n;
	z->cdf = malloc(n * sizeof *z->cdf);
	if (z->cdf == NULL)
		return -1;
	double sum = 0;
	for (uint64_t k = 0; k < n; k++)
		z->cdf[k] = (sum += 1.0 / pow((double)(k + 1), s));
	for (uint64_t k = 0; k < n; k++)
		z->cdf[k] /= sum;
	return 0;
}

static inline uint64_t wl_zipf_draw(const struct wl_zipf *z, uint64_t *rng)
{
	double u = (double)(wl_rand(rng) >> 11) * 0x1p-53;
	uint64_t lo = 0, hi = z->n - 1;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (z->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static inline void wl_zipf_fini(struct wl_zipf *z)
{
	free(z->cdf);
	z->cdf = NULL;
}

#endif
