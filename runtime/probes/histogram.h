/* histogram.h — a log-linear histogram of durations in nanoseconds.
 *
 * Above 256 ns every power of two is cut into 128 buckets, so a percentile
 * reported as the middle of its bucket is within 0.4% of the exact one.
 * Invariant: count, total, min and max are exact (min once count > 0), count
 * is the buckets plus over, and all-zero memory is an empty histogram. */
#ifndef MM_HISTOGRAM_H
#define MM_HISTOGRAM_H

#include <stdint.h>

/* Values below 2 * HIST_SUB have a bucket each.  Values from HIST_LIMIT
 * (2^37 ns, 137 s) up are counted in `over`, not bucketed: a percentile that
 * lands among them is reported as the max. */
#define HIST_SUB_BITS 7
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_TOP_EXP 37
#define HIST_LIMIT ((uint64_t)1 << HIST_TOP_EXP)
#define HIST_BUCKETS (HIST_SUB + (HIST_TOP_EXP - HIST_SUB_BITS) * HIST_SUB)

struct hist {
	uint64_t count;
	uint64_t total;
	uint64_t min; /* meaningful once count > 0 */
	uint64_t max;
	uint64_t over; /* values >= HIST_LIMIT */
	uint64_t bins[HIST_BUCKETS];
};

void hist_init(struct hist *h);

static inline unsigned hist_index(uint64_t v)
{
	unsigned shift = v < HIST_SUB ? 0 : (unsigned)(63 - __builtin_clzll(v)) - HIST_SUB_BITS;
	return shift * HIST_SUB + (unsigned)(v >> shift);
}

static inline void hist_add(struct hist *h, uint64_t v)
{
	if (v < h->min || h->count == 0)
		h->min = v;
	h->count++;
	h->total += v;
	if (v > h->max)
		h->max = v;
	if (v < HIST_LIMIT)
		h->bins[hist_index(v)]++;
	else
		h->over++;
}

/* The smallest value of bucket i, and the bucket's width. */
uint64_t hist_bucket_low(unsigned i);
uint64_t hist_bucket_width(unsigned i);

/* The nearest-rank quantile: the value of rank ceil(count * ppm / 1e6)
 * (ppm in parts per million: 990000 is p99), as the middle of its bucket
 * clamped to [min, max]; ranks 1 and count are min and max exactly.
 * 0 for an empty histogram. */
uint64_t hist_quantile(const struct hist *h, uint32_t ppm);

/* The rank a quantile names in n values (1..n); 0 when n is 0. */
uint64_t hist_rank(uint64_t n, uint32_t ppm);

/* dst += src. */
void hist_merge(struct hist *dst, const struct hist *src);

#endif
