/* book.h — the exact books every teaching allocator keeps.
 *
 * requested: the live requests' sum; allocated: the blocks handed out for
 * them, rounding included; footprint: the bytes mapped from the OS.  The
 * two last fall only in book_take and book_unmap, so their peaks are kept
 * there (and when read), never on the allocation path.
 */
#ifndef ALLOC_BOOK_H
#define ALLOC_BOOK_H

#include <stddef.h>
#include <stdint.h>

#include "allocator.h"

/* No request above this can be mapped in a 47-bit address space; refusing
 * it up front also keeps every rounding below free of overflow. */
#define BOOK_MAX_REQUEST ((size_t)1 << 46)

struct book {
	uint64_t requested;
	uint64_t allocated;
	uint64_t footprint;
	uint64_t peak_allocated;
	uint64_t peak_footprint;
};

static inline void book_give(struct book *b, size_t requested, size_t allocated)
{
	b->requested += requested;
	b->allocated += allocated;
}

static inline void book_note_peak(struct book *b)
{
	if (b->allocated > b->peak_allocated)
		b->peak_allocated = b->allocated;
}

static inline void book_take(struct book *b, size_t requested, size_t allocated)
{
	book_note_peak(b);
	b->requested -= requested;
	b->allocated -= allocated;
}

static inline void book_map(struct book *b, size_t bytes)
{
	b->footprint += bytes;
	if (b->footprint > b->peak_footprint)
		b->peak_footprint = b->footprint;
}

static inline void book_unmap(struct book *b, size_t bytes)
{
	b->footprint -= bytes;
}

/* Fill out from the books: every figure but resident is exact, free bytes
 * are footprint - allocated, largest_free is the allocator's own. */
void book_fill(struct book *b, struct alloc_stats *out, const char *backend,
	       uint64_t largest_free);

#endif
