/* book.c — turning a teaching allocator's books into its stats record.
 *
 * Every ALLOC_KNOW_* bit but resident is set: the books are exact, so the
 * fragmentation figures derived from them are too.  footprint is the
 * committed bytes (so is committed); free bytes are the committed bytes not
 * handed out (metadata and unusable tails included).
 */
#include "book.h"

#include <stdio.h>

void book_fill(struct book *b, struct alloc_stats *out, const char *backend,
	       uint64_t largest_free)
{
	book_note_peak(b);
	*out = (struct alloc_stats){ 0 };
	snprintf(out->backend, sizeof out->backend, "%s", backend);
	out->requested = b->requested;
	out->allocated = b->allocated;
	out->footprint = b->footprint;
	out->committed = b->footprint;
	out->reserved = b->reserved;
	out->free_bytes = b->footprint - b->allocated;
	out->largest_free = largest_free;
	out->peak_allocated = b->peak_allocated;
	out->peak_footprint = b->peak_footprint;
	out->peak_reserved = b->peak_reserved;
	out->peak_requested = b->peak_requested;
	out->allocated_at_peak = b->allocated_at_peak;
	out->footprint_at_peak = b->footprint_at_peak;
	out->known = ALLOC_KNOW_REQUESTED | ALLOC_KNOW_ALLOCATED | ALLOC_KNOW_FOOTPRINT |
		     ALLOC_KNOW_FREE | ALLOC_KNOW_LARGEST_FREE | ALLOC_KNOW_PEAK_ALLOCATED |
		     ALLOC_KNOW_PEAK_FOOTPRINT | ALLOC_KNOW_RESERVED | ALLOC_KNOW_COMMITTED |
		     ALLOC_KNOW_PEAK_RESERVED | ALLOC_KNOW_PEAK_REQUESTED |
		     ALLOC_KNOW_ALLOCATED_AT_PEAK | ALLOC_KNOW_FOOTPRINT_AT_PEAK;
}
