/* large.h — blocks too big for an allocator's own scheme, each mapped on
 * its own (segfit and buddy use them above their largest class).
 *
 * A 32-byte head before the block links it into its allocator's list, so a
 * reset or fini can give every mapping back.  Invariant: each live large
 * block is on exactly one list and is pages_round(size + 32) bytes mapped.
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
	struct large_head *first;
	size_t count;
};

/* The bytes mapped for a block of `size`; 0 when that would overflow. */
size_t large_span(size_t size);

/* A block of `size` bytes (16-aligned), booked; NULL on failure. */
void *large_alloc(struct large_list *l, struct book *b, size_t size);
void large_free(struct large_list *l, struct book *b, void *p, size_t size);
/* Resize with mremap; NULL on failure, the old block left as it was. */
void *large_realloc(struct large_list *l, struct book *b, void *p, size_t old_size,
		    size_t new_size);
/* Unmap every block on the list (reset and fini); the books are the
 * caller's to clear. */
void large_release_all(struct large_list *l);

#endif
