/* probe_alloc.h — the allocation-time probe (`--probes full` only).
 *
 * An ops table that times every alloc and realloc of the allocator it wraps
 * and forwards the rest; the clock reads' own share is measured once and
 * taken off.  Frees are not timed again: they happen inside timed pauses. */
#ifndef MM_PROBE_ALLOC_H
#define MM_PROBE_ALLOC_H

#include <stdint.h>

#include "allocators/allocator.h"

struct probe_alloc {
	const struct alloc_ops *inner;
	void *inner_state;
	uint64_t calls;
	uint64_t ns;       /* clock time around the calls */
	uint64_t pair_ns;  /* what one back-to-back pair of clock reads measures */
};

extern const struct alloc_ops probe_alloc_ops;

/* Start timing calls to inner: the caller then routes its allocations
 * through probe_alloc_ops with pa as the state, and back to inner after. */
void probe_alloc_start(struct probe_alloc *pa, const struct alloc_ops *inner, void *inner_state);
/* Time inside the allocator, clock overhead taken off (never below 0). */
uint64_t probe_alloc_ns(const struct probe_alloc *pa);

#endif
