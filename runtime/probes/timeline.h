/* timeline.h — heap samples over a run, in at most TL_POINTS points.
 *
 * Point k covers [k * interval, (k + 1) * interval) and keeps, per figure,
 * the largest value sampled in it; past the last point neighbours merge in
 * pairs and the interval doubles, so downsampling never loses a peak.
 * Invariant: a point with known == 0 holds no sample. */
#ifndef MM_TIMELINE_H
#define MM_TIMELINE_H

#include <stdint.h>

#include "probe.h"

#define TL_POINTS 512

struct tl_point {
	uint64_t v[PROBE_HEAP_NFIELDS];
	unsigned known;
};

struct timeline {
	uint64_t t0;       /* clock time of the run's start */
	uint64_t interval; /* ns per point */
	uint32_t n;        /* points in use: the last sampled one + 1 */
	uint64_t samples;  /* samples taken */
	struct tl_point pt[TL_POINTS];
};

void tl_init(struct timeline *tl, uint64_t t0_ns, uint64_t interval_ns);
void tl_add(struct timeline *tl, const struct probe_heap *sample);

#endif
