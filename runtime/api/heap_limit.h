/* heap_limit.h — --heap-limit for the models whose bytes come from an
 * allocator: a table that wraps the context's allocator and refuses a
 * request that would take the bytes held past the limit.
 *
 * Held bytes are the requested sizes not yet freed (every free is sized);
 * a table allocator's footprint is also checked every HEAP_LIMIT_CHECK
 * bytes allocated, so a teaching allocator's own overhead counts too.
 * A refusal is a NULL, which the models turn into mm_fail_oom; the context
 * reports it as "heap limit reached".  Invariant: held <= limit.
 */
#ifndef MM_HEAP_LIMIT_H
#define MM_HEAP_LIMIT_H

#include <stdint.h>

#include "allocators/allocator.h"

enum { HEAP_LIMIT_CHECK = 1 << 20 };

struct heap_limit {
	const struct alloc_ops *inner;
	void *inner_state;
	uint64_t limit, held;
	uint64_t since_check; /* bytes allocated since the last footprint check */
	bool check_footprint; /* a table allocator: its stats are cheap counters */
};

extern const struct alloc_ops heap_limit_ops;

void heap_limit_start(struct heap_limit *h, const struct alloc_ops *inner, void *inner_state,
		      uint64_t limit, bool check_footprint);

#endif
