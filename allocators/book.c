/* book.c — turning a teaching allocator's books into its stats record.
 *
 * Every ALLOC_KNOW_* bit but resident is set: the books are exact, so the
 * fragmentation figures derived from them are too.  free bytes are the
 * footprint not handed out (metadata and unusable tails included).
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
	out->free_bytes = b->footprint - b->allocated;
	out->largest_free = largest_free;
	out->peak_allocated = b->peak_allocated;
	out->peak_footprint = b->peak_footprint;
	out->known = ALLOC_KNOW_REQUESTED | ALLOC_KNOW_ALLOCATED | ALLOC_KNOW_FOOTPRINT |
		     ALLOC_KNOW_FREE | ALLOC_KNOW_LARGEST_FREE | ALLOC_KNOW_PEAK_ALLOCATED |
		     ALLOC_KNOW_PEAK_FOOTPRINT;
}
