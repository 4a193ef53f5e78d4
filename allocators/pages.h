/* pages.h — memory straight from the OS, for the teaching allocators.
 *
 * The only place mmap is called: every mapping is a whole number of pages,
 * optionally aligned to a power of two and hinted to use huge pages.  A
 * reservation is address space only (no access, no swap charged) until
 * parts of it are committed.
 * Error contract: NULL on failure (errno from mmap), nothing printed.
 */
#ifndef ALLOC_PAGES_H
#define ALLOC_PAGES_H

#include <stddef.h>

enum {
	PAGES_HUGE = 1u << 0,     /* ask for transparent huge pages */
	PAGES_POPULATE = 1u << 1, /* fault every page in now, in one call */
};

/* The OS page size. */
size_t pages_size(void);

/* bytes rounded up to whole pages; 0 when that would overflow. */
size_t pages_round(size_t bytes);

/* Map `bytes` (whole pages) at an address aligned to `align` (a power of
 * two; 0 or anything up to the page size means page-aligned). */
void *pages_map(size_t bytes, size_t align, unsigned flags);

/* Reserve `bytes` (whole pages) of address space, aligned as pages_map
 * aligns: no page may be touched until committed. */
void *pages_reserve(size_t bytes, size_t align);

/* Make whole pages of a reservation readable and writable (0), or -1. */
int pages_commit(void *p, size_t bytes);

/* Give committed pages' memory back and make them inaccessible again; the
 * address space stays reserved. */
void pages_decommit(void *p, size_t bytes);

/* Give a mapping (or a whole-page piece of one) back to the OS. */
void pages_unmap(void *p, size_t bytes);

/* Grow or shrink a page-aligned mapping, moving it if need be; NULL on
 * failure, when the old mapping is left as it was. */
void *pages_remap(void *p, size_t old_bytes, size_t new_bytes);

#endif
