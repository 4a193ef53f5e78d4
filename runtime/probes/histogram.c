/* histogram.c — quantiles and merging for the log-linear histogram. */
#include "histogram.h"

#include <string.h>

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof *h);
}

static unsigned bucket_shift(unsigned i)
{
	return i < 2 * HIST_SUB ? 0 : i / HIST_SUB - 1;
}

uint64_t hist_bucket_low(unsigned i)
{
	unsigned s = bucket_shift(i);
	return (uint64_t)(i - s * HIST_SUB) << s;
}

uint64_t hist_bucket_width(unsigned i)
{
	return (uint64_t)1 << bucket_shift(i);
}

uint64_t hist_rank(uint64_t n, uint32_t ppm)
{
	/* ceil(n * ppm / 1e6) without overflow */
	uint64_t r = (n / 1000000) * ppm + ((n % 1000000) * ppm + 999999) / 1000000;
	if (r < 1)
		r = 1;
	return n == 0 ? 0 : r > n ? n : r;
}

uint64_t hist_quantile(const struct hist *h, uint32_t ppm)
{
	uint64_t rank = hist_rank(h->count, ppm);
	if (rank == 0)
		return 0;
	if (rank == 1) /* the extremes are known exactly */
		return h->min;
	if (rank == h->count)
		return h->max;
	uint64_t seen = 0;
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		seen += h->bins[i];
		if (seen >= rank) {
			uint64_t mid = hist_bucket_low(i) + (hist_bucket_width(i) - 1) / 2;
			return mid < h->min ? h->min : mid > h->max ? h->max : mid;
		}
	}
	return h->max; /* among the values too large to bucket */
}

void hist_merge(struct hist *dst, const struct hist *src)
{
	if (src->count == 0)
		return;
	if (dst->count == 0 || src->min < dst->min)
		dst->min = src->min;
	dst->count += src->count;
	dst->total += src->total;
	dst->over += src->over;
	if (src->max > dst->max)
		dst->max = src->max;
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		dst->bins[i] += src->bins[i];
}
