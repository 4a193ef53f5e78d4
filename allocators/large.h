/* large.h — blocks too big for an allocator's own scheme, each on a mapping
 * of its own, and a small cache of freed mappings (simpleseg, buddy and
 * segfits use them above their largest class).
 *
 * A 32-byte head before the block links it into its allocator's list, so a
 * reset or fini can give every mapping back.  Invariants: each live large
 * block is on the live list once, each cached mapping on the cache list
 * once; a head's span is the bytes mapped, at least large_span(size).
 */
#ifndef ALLOC_LARGE_H
#define ALLOC_LARGE_H

#include <stddef.h>

#include "book.h"

#define LARGE_HEAD 32u

struct large_head {
	struct large_head *next, *prev;
	size_t span; /* bytes mapped, this head included */
	size_t spare;
};

struct large_list {
	struct large_head *first; /* live blocks */
	size_t count;
	size_t live_bytes;         /* their spans */
	struct large_head *cache;  /* freed mappings kept for reuse, newest first */
	size_t cached;
	size_t cached_bytes;
};

/* The bytes mapped for a block of `size`; 0 when that would overflow. */
size_t large_span(size_t size);

/* A block of `size` bytes (16-aligned), booked; NULL on failure. */
void *large_alloc(struct large_list *l, struct book *b, size_t size);
void large_free(struct large_list *l, struct book *b, void *p, size_t size);
/* Resize in place when the mapping allows, else with mremap; NULL on
 * failure, the old block left as it was. */
void *large_realloc(struct large_list *l, struct book *b, void *p, size_t old_size,
		    size_t new_size);
/* The bytes a live block's mapping holds (what the books charge it). */
size_t large_span_of(void *p);
/* Unmap every block and cached mapping (reset and fini); the books are the
 * caller's to clear. */
void large_release_all(struct large_list *l);

#endif
