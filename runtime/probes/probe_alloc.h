/* probe_alloc.h — the allocation-time probe (`--probes full` only).
 *
 * An ops table that times every alloc and realloc of the allocator it wraps
 * and forwards the rest; the clock reads' own share is measured once and
 * taken off.  Frees are not timed again: they happen inside timed pauses. */
#ifndef MM_PROBE_ALLOC_H
#define MM_PROBE_ALLOC_H

#include <stdint.h>

#include "runtime/api/mm_ctx.h"

struct probe_alloc {
	const struct alloc_ops *inner;
	void *inner_state;
	uint64_t calls;
	uint64_t ns;       /* clock time around the calls */
	uint64_t pair_ns;  /* what one back-to-back pair of clock reads measures */
};

extern const struct alloc_ops probe_alloc_ops;

/* Route c's allocations through pa (c must not be a gc context). */
void probe_alloc_wrap(struct probe_alloc *pa, struct mm_ctx *c);
/* Give c its own allocator back. */
void probe_alloc_unwrap(struct probe_alloc *pa, struct mm_ctx *c);
/* Time inside the allocator, clock overhead taken off (never below 0). */
uint64_t probe_alloc_ns(const struct probe_alloc *pa);

#endif
