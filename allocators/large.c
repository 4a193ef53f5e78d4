/* large.c — one mapping per large block, listed so nothing can leak, and a
 * cache of freed mappings so a program that frees and allocates blocks of
 * similar sizes pays no system call for them.
 *
 * The block sits 32 bytes into its mapping (16-aligned, as promised); the
 * books charge the whole mapping as allocated and as footprint, so the
 * page rounding shows as internal fragmentation.  A cached mapping stays
 * committed (its pages were touched) and is reused for a request that
 * needs at least two thirds of it; the cache holds at most LARGE_CACHE_MAX
 * mappings and 1 MiB plus half the live large bytes, so it never holds more
 * than a fraction of what the program itself keeps.
 */
#include "large.h"

#include "pages.h"

#define LARGE_CACHE_MAX 64u
#define LARGE_CACHE_BASE ((size_t)1 << 20)

size_t large_span(size_t size)
{
	return size > BOOK_MAX_REQUEST ? 0 : pages_round(size + LARGE_HEAD);
}

static inline struct large_head *large_head_of(void *p)
{
	return (struct large_head *)(void *)((char *)p - LARGE_HEAD);
}

size_t large_span_of(void *p)
{
	return large_head_of(p)->span;
}

static void large_link(struct large_head **first, struct large_head *h)
{
	h->prev = NULL;
	h->next = *first;
	if (*first != NULL)
		(*first)->prev = h;
	*first = h;
}

static void large_unlink(struct large_head **first, struct large_head *h)
{
	if (h->prev != NULL)
		h->prev->next = h->next;
	else
		*first = h->next;
	if (h->next != NULL)
		h->next->prev = h->prev;
}

/* The cached mapping that fits `span` best, if one fits closely enough. */
static struct large_head *large_cache_take(struct large_list *l, size_t span)
{
	struct large_head *best = NULL;
	for (struct large_head *h = l->cache; h != NULL; h = h->next)
		if (h->span >= span && (best == NULL || h->span < best->span)) {
			best = h;
			if (h->span == span)
				break;
		}
	if (best == NULL || best->span - span > best->span / 3)
		return NULL;
	large_unlink(&l->cache, best);
	l->cached--;
	l->cached_bytes -= best->span;
	return best;
}

void *large_alloc(struct large_list *l, struct book *b, size_t size)
{
	size_t span = large_span(size);
	if (span == 0)
		return NULL;
	struct large_head *h = large_cache_take(l, span);
	if (h == NULL) {
		h = pages_map(span, 0, 0);
		if (h == NULL)
			return NULL;
		h->span = span;
		book_map(b, span);
	}
	large_link(&l->first, h);
	l->count++;
	l->live_bytes += h->span;
	book_give(b, size, h->span);
	return (char *)h + LARGE_HEAD;
}

static void large_drop_oldest(struct large_list *l, struct book *b)
{
	struct large_head *h = l->cache;
	while (h->next != NULL)
		h = h->next;
	large_unlink(&l->cache, h);
	l->cached--;
	l->cached_bytes -= h->span;
	book_unmap(b, h->span);
	pages_unmap(h, h->span);
}

void large_free(struct large_list *l, struct book *b, void *p, size_t size)
{
	struct large_head *h = large_head_of(p);
	size_t span = h->span;
	large_unlink(&l->first, h);
	l->count--;
	l->live_bytes -= span;
	book_take(b, size, span);
	size_t budget = LARGE_CACHE_BASE + l->live_bytes / 2;
	if (span > budget) {
		book_unmap(b, span);
		pages_unmap(h, span);
		return;
	}
	while (l->cached > 0 && (l->cached >= LARGE_CACHE_MAX || l->cached_bytes + span > budget))
		large_drop_oldest(l, b);
	large_link(&l->cache, h);
	l->cached++;
	l->cached_bytes += span;
}

void *large_realloc(struct large_list *l, struct book *b, void *p, size_t old_size,
		    size_t new_size)
{
	struct large_head *h = large_head_of(p);
	size_t old_span = h->span, new_span = large_span(new_size);
	if (new_span == 0)
		return NULL;
	if (new_span > old_span || new_span < old_span - old_span / 3) {
		struct large_head *prev = h->prev, *next = h->next;
		struct large_head *moved = pages_remap(h, old_span, new_span);
		if (moved == NULL)
			return NULL;
		/* The links inside moved are intact; its neighbours' may be stale. */
		if (prev != NULL)
			prev->next = moved;
		else
			l->first = moved;
		if (next != NULL)
			next->prev = moved;
		h = moved;
		h->span = new_span;
		book_take(b, old_size, old_span);
		book_unmap(b, old_span);
		book_map(b, new_span);
		book_give(b, new_size, new_span);
		l->live_bytes += new_span - old_span;
	} else {
		book_take(b, old_size, 0);
		book_give(b, new_size, 0);
	}
	return (char *)h + LARGE_HEAD;
}

static void large_unmap_list(struct large_head *first)
{
	for (struct large_head *h = first, *next; h != NULL; h = next) {
		next = h->next;
		pages_unmap(h, h->span);
	}
}

void large_release_all(struct large_list *l)
{
	large_unmap_list(l->first);
	large_unmap_list(l->cache);
	*l = (struct large_list){ 0 };
}
