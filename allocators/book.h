/* book.h — the exact books every teaching allocator keeps.
 *
 * requested: the live requests' sum; allocated: the blocks handed out for
 * them, rounding included; footprint: the bytes committed (put to use:
 * handed to blocks, classes or metadata, so touched or about to be) and not
 * given back; reserved: the address space mapped, committed or not.  The
 * falling figures fall only in book_take, book_decommit and book_unreserve,
 * so their peaks are kept there (and when read), never on the allocation path.
 */
#ifndef ALLOC_BOOK_H
#define ALLOC_BOOK_H

#include <stddef.h>
#include <stdint.h>

#include "allocator.h"
#include "stat_count.h"

/* No request above this can be mapped in a 47-bit address space; refusing
 * it up front also keeps every rounding below free of overflow. */
#define BOOK_MAX_REQUEST ((size_t)1 << 46)

struct book {
	uint64_t requested;
	uint64_t allocated;
	uint64_t footprint; /* committed */
	uint64_t peak_allocated;
	uint64_t peak_footprint;
	uint64_t reserved;
	uint64_t peak_reserved;
	/* the moment requested peaked: its value, and allocated and footprint
	 * then (so fragmentation at the peak is exact, docs/metrics.md) */
	uint64_t peak_requested;
	uint64_t allocated_at_peak;
	uint64_t footprint_at_peak;
};

static inline void book_give(struct book *b, size_t requested, size_t allocated)
{
	b->requested += requested;
	b->allocated += allocated;
}

/* Before anything the books hold falls (and before they are read): the
 * lazy peaks, and the snapshot at requested's peak. */
static inline void book_note_peak(struct book *b)
{
	stat_max(&b->peak_allocated, b->allocated);
	if (stat_max(&b->peak_requested, b->requested)) {
		b->allocated_at_peak = b->allocated;
		b->footprint_at_peak = b->footprint;
	}
}

static inline void book_take(struct book *b, size_t requested, size_t allocated)
{
	book_note_peak(b);
	b->requested -= requested;
	b->allocated -= allocated;
}

/* A block resized in place from old to new requested bytes. */
static inline void book_resize(struct book *b, size_t old_size, size_t new_size)
{
	if (new_size < old_size)
		book_note_peak(b);
	b->requested += new_size - old_size;
}

/* Address space mapped, not yet put to use (and its return). */
static inline void book_reserve(struct book *b, size_t bytes)
{
	b->reserved += bytes;
	stat_max(&b->peak_reserved, b->reserved);
}

static inline void book_unreserve(struct book *b, size_t bytes)
{
	b->reserved -= bytes;
}

/* Bytes of the reservation put to use (and given back). */
static inline void book_commit(struct book *b, size_t bytes)
{
	b->footprint += bytes;
	stat_max(&b->peak_footprint, b->footprint);
}

static inline void book_decommit(struct book *b, size_t bytes)
{
	book_note_peak(b); /* the snapshot at peak requested keeps its footprint */
	b->footprint -= bytes;
}

/* A mapping put to use whole as it is mapped: reserved and committed. */
static inline void book_map(struct book *b, size_t bytes)
{
	book_reserve(b, bytes);
	book_commit(b, bytes);
}

static inline void book_unmap(struct book *b, size_t bytes)
{
	book_decommit(b, bytes);
	book_unreserve(b, bytes);
}

/* Fill out from the books: every figure but resident is exact; footprint
 * and committed are the same bytes (utilization's denominator, see
 * docs/metrics.md), free bytes are footprint - allocated, largest_free is
 * the allocator's own. */
void book_fill(struct book *b, struct alloc_stats *out, const char *backend,
	       uint64_t largest_free);

#endif
