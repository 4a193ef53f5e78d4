/* timeline.c — adding a sample, merging points when the run outgrows them. */
#include "timeline.h"

#include <string.h>

void tl_init(struct timeline *tl, uint64_t t0_ns, uint64_t interval_ns)
{
	memset(tl, 0, sizeof *tl);
	tl->t0 = t0_ns;
	tl->interval = interval_ns ? interval_ns : 1;
}

static void merge_into(struct tl_point *dst, const struct tl_point *src)
{
	for (unsigned f = 0; f < PROBE_HEAP_NFIELDS; f++) {
		if (!(src->known & (1u << f)))
			continue;
		if (!(dst->known & (1u << f)) || src->v[f] > dst->v[f])
			dst->v[f] = src->v[f];
		dst->known |= 1u << f;
	}
}

/* Halve the resolution: points 2i and 2i+1 become point i. */
static void halve(struct timeline *tl)
{
	for (uint32_t i = 0; i < TL_POINTS / 2; i++) {
		struct tl_point p = tl->pt[2 * i];
		merge_into(&p, &tl->pt[2 * i + 1]);
		tl->pt[i] = p;
	}
	memset(&tl->pt[TL_POINTS / 2], 0, sizeof tl->pt[0] * (TL_POINTS / 2));
	tl->n = (tl->n + 1) / 2;
	tl->interval *= 2;
}

void tl_add(struct timeline *tl, const struct probe_heap *s)
{
	uint64_t t = s->t_ns > tl->t0 ? s->t_ns - tl->t0 : 0;
	while (t / tl->interval >= TL_POINTS)
		halve(tl);
	uint32_t k = (uint32_t)(t / tl->interval);
	struct tl_point p = { .known = s->known };
	memcpy(p.v, s->v, sizeof p.v);
	merge_into(&tl->pt[k], &p);
	if (k + 1 > tl->n)
		tl->n = k + 1;
	tl->samples++;
}
