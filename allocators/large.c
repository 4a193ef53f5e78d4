/* large.c — one mapping per large block, listed so nothing can leak.
 *
 * The block sits 32 bytes into its mapping (16-aligned, as promised); the
 * books charge the whole mapping as allocated and as footprint, so the
 * page rounding shows as internal fragmentation.
 */
#include "large.h"

#include "pages.h"

size_t large_span(size_t size)
{
	return size > BOOK_MAX_REQUEST ? 0 : pages_round(size + LARGE_HEAD);
}

static void large_link(struct large_list *l, struct large_head *h)
{
	h->prev = NULL;
	h->next = l->first;
	if (l->first != NULL)
		l->first->prev = h;
	l->first = h;
}

static void large_unlink(struct large_list *l, struct large_head *h)
{
	if (h->prev != NULL)
		h->prev->next = h->next;
	else
		l->first = h->next;
	if (h->next != NULL)
		h->next->prev = h->prev;
}

void *large_alloc(struct large_list *l, struct book *b, size_t size)
{
	size_t span = large_span(size);
	if (span == 0)
		return NULL;
	struct large_head *h = pages_map(span, 0, 0);
	if (h == NULL)
		return NULL;
	h->span = span;
	large_link(l, h);
	l->count++;
	book_map(b, span);
	book_give(b, size, span);
	return (char *)h + LARGE_HEAD;
}

void large_free(struct large_list *l, struct book *b, void *p, size_t size)
{
	struct large_head *h = (struct large_head *)(void *)((char *)p - LARGE_HEAD);
	size_t span = large_span(size);
	large_unlink(l, h);
	l->count--;
	book_take(b, size, span);
	book_unmap(b, span);
	pages_unmap(h, span);
}

void *large_realloc(struct large_list *l, struct book *b, void *p, size_t old_size,
		    size_t new_size)
{
	struct large_head *h = (struct large_head *)(void *)((char *)p - LARGE_HEAD);
	size_t old_span = large_span(old_size), new_span = large_span(new_size);
	if (new_span == 0)
		return NULL;
	if (new_span != old_span) {
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
	}
	book_take(b, old_size, old_span);
	book_unmap(b, old_span);
	book_map(b, new_span);
	book_give(b, new_size, new_span);
	return (char *)h + LARGE_HEAD;
}

void large_release_all(struct large_list *l)
{
	for (struct large_head *h = l->first, *next; h != NULL; h = next) {
		next = h->next;
		pages_unmap(h, h->span);
	}
	l->first = NULL;
	l->count = 0;
}
