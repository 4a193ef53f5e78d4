/* wl_zipf.h — Zipf-distributed ranks for the workloads: P(rank k) is
 * proportional to 1 / (k+1)^s over n ranks, drawn from the workloads'
 * seeded PRNG by rejection-inversion (Hörmann and Derflinger, 1996): O(1)
 * time and space per draw, whatever n, so the sampler neither grows with
 * the workload's size nor touches memory of its own.  Deterministic: the
 * same seed draws the same ranks under every model.
 */
#ifndef WL_ZIPF_H
#define WL_ZIPF_H

#include <math.h>
#include <stdint.h>

#include "workload.h"

struct wl_zipf {
	double s, n;
	double hx1, hn, sdiv; /* H(1.5) - 1, H(n + 0.5), the squeeze bound */
};

/* log1p(x)/x and expm1(x)/x, with their limits near 0. */
static inline double wl_zipf_h1(double x)
{
	return fabs(x) > 1e-8 ? log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
}

static inline double wl_zipf_h2(double x)
{
	return fabs(x) > 1e-8 ? expm1(x) / x : 1 + x * 0.5 * (1 + x * (1.0 / 3) * (1 + 0.25 * x));
}

/* The hat function, its integral H and H's inverse. */
static inline double wl_zipf_hat(const struct wl_zipf *z, double x)
{
	return exp(-z->s * log(x));
}

static inline double wl_zipf_H(const struct wl_zipf *z, double x)
{
	double lx = log(x);
	return wl_zipf_h2((1 - z->s) * lx) * lx;
}

static inline double wl_zipf_Hinv(const struct wl_zipf *z, double x)
{
	double t = x * (1 - z->s);
	if (t < -1)
		t = -1;
	return exp(wl_zipf_h1(t) * x);
}

static inline void wl_zipf_init(struct wl_zipf *z, uint64_t n, double s)
{
	z->s = s;
	z->n = (double)n;
	z->hx1 = wl_zipf_H(z, 1.5) - 1;
	z->hn = wl_zipf_H(z, z->n + 0.5);
	z->sdiv = 2 - wl_zipf_Hinv(z, wl_zipf_H(z, 2.5) - wl_zipf_hat(z, 2));
}

/* A rank in [0, n). */
static inline uint64_t wl_zipf_draw(const struct wl_zipf *z, uint64_t *rng)
{
	for (;;) {
		double u01 = (double)(wl_rand(rng) >> 11) * 0x1p-53;
		double u = z->hn + u01 * (z->hx1 - z->hn);
		double x = wl_zipf_Hinv(z, u);
		double k = floor(x + 0.5);
		if (k < 1)
			k = 1;
		else if (k > z->n)
			k = z->n;
		if (k - x <= z->sdiv || u >= wl_zipf_H(z, k + 0.5) - wl_zipf_hat(z, k))
			return (uint64_t)k - 1;
	}
}

#endif
