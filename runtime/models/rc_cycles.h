/* rc_cycles.h — rc's synchronous cycle collector: trial deletion (Bacon
 * and Rajan, 2001), on when rc runs with `-m rc:cycles=1`.
 *
 * The header's aux word under rc: bits 0-28 the count, 29-30 the colour
 * (black 0, gray 1, white 2; black whenever no collection runs), bit 31
 * "buffered".  A release that leaves a count above zero makes the object a
 * candidate root: it is buffered once, and a buffered object whose count
 * reaches zero is not freed at once (its aux is not zero) but by the next
 * collection, so the buffer never names a freed object.  A collection runs
 * when the buffer holds cycle_buffer roots, after a top-level release, and
 * once at the end of the run; it is timed as one rc-cycles pause.
 */
#ifndef MM_MODELS_RC_CYCLES_H
#define MM_MODELS_RC_CYCLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/api/mm_ctx.h"

#define RC_COUNT_MASK 0x1fffffffu
#define RC_COLOR_SHIFT 29
#define RC_COLOR_MASK (3u << RC_COLOR_SHIFT)
#define RC_BUFFERED 0x80000000u

struct rc_cycles {
	struct mm_hdr **roots; /* the buffered candidates */
	size_t nroots, cap;
	size_t threshold;
	struct mm_hdr **stack; /* the traversals' work list */
	size_t nstack, scap;
	struct mm_hdr **white; /* garbage found, freed at the end */
	size_t nwhite, wcap;
	uint64_t runs, freed_objects; /* collections run, objects they freed */
};

/* Buffer h (its count just fell and is not zero). */
void rc_cycle_candidate(struct mm_ctx *c, struct mm_hdr *h);
/* Run a collection over the buffered roots. */
void rc_cycle_collect(struct mm_ctx *c);

/* The model's init (parses cycles=, cycle_buffer=), fini and end ops. */
int rc_model_init(struct mm_ctx *c, char *err, size_t errlen);
void rc_model_fini(struct mm_ctx *c);
void rc_model_end(struct mm_ctx *c);

/* After a top-level release: collect when the buffer is full. */
static inline void rc_cycle_poll(struct mm_ctx *c)
{
	struct rc_cycles *r = c->m_cycles;
	if (__builtin_expect(r != NULL, 0) && r->nroots >= r->threshold)
		rc_cycle_collect(c);
}

#endif
