/* freelist.c — boundary tags, immediate coalescing, first/next/best fit.
 *
 * Blocks lie back to back in mapped regions: a header word (size | FL_USED |
 * FL_PREV_USED), and when free a footer and links on one circular list.
 * Invariants: no two free blocks are adjacent; each free block is on the
 * list once; payloads sit 8 bytes past a header, 16-aligned.
 */
#include "builtin.h"

#include <stdio.h>
#include <string.h>

#include "alloc_opt.h"
#include "book.h"
#include "pages.h"

#define FL_USED ((size_t)1)
#define FL_PREV_USED ((size_t)2)
#define FL_END ((size_t)4) /* the epilogue: the word after a region's last block */
#define FL_FLAGS ((size_t)15)
#define FL_HEAD 8u   /* the header word before a payload */
#define FL_MIN 32u   /* header, two links, footer */
#define FL_REGION_HEAD 24u
#define FL_REGION_OVERHEAD (FL_REGION_HEAD + FL_HEAD)

enum fl_policy { FL_FIRST, FL_NEXT, FL_BEST };
static const char *const fl_policies[] = { "first", "next", "best" };

struct fl_block {
	size_t head;
	struct fl_block *next, *prev; /* while free */
};

/* The first bytes of every region; its first block follows at +24, so
 * block headers sit at 8 mod 16 and payloads at 0 mod 16. */
struct fl_region {
	struct fl_region *next, *prev;
	size_t size;
};

struct fl {
	struct fl_block list;   /* sentinel of the free list; its size reads 0 */
	struct fl_block *rover; /* next fit: where the next search starts */
	enum fl_policy policy;
	size_t region_size;
	struct fl_region *regions;
	struct book book;
};

static inline size_t fl_size(const struct fl_block *b)
{
	return b->head & ~FL_FLAGS;
}

static inline struct fl_block *fl_at(void *p, size_t offset)
{
	return (struct fl_block *)(void *)((char *)p + offset);
}

static inline struct fl_block *fl_before(void *p, size_t offset)
{
	return (struct fl_block *)(void *)((char *)p - offset);
}

static inline void fl_footer(struct fl_block *b, size_t size)
{
	*(size_t *)(void *)((char *)b + size - sizeof(size_t)) = size;
}

/* The block a request of `size` bytes needs: header included, 16-rounded. */
static inline size_t fl_need(size_t size)
{
	size_t n = (size + FL_HEAD + 15) & ~(size_t)15;
	return n < FL_MIN ? FL_MIN : n;
}

static void fl_push(struct fl *f, struct fl_block *b)
{
	b->prev = &f->list;
	b->next = f->list.next;
	f->list.next->prev = b;
	f->list.next = b;
}

static void fl_unlink(struct fl *f, struct fl_block *b)
{
	if (f->rover == b)
		f->rover = b->next;
	b->prev->next = b->next;
	b->next->prev = b->prev;
}

/* Put `to` where `from` is on the list (a split keeps the list order). */
static void fl_replace(struct fl *f, struct fl_block *from, struct fl_block *to)
{
	to->next = from->next;
	to->prev = from->prev;
	to->next->prev = to;
	to->prev->next = to;
	if (f->rover == from)
		f->rover = to;
}

static struct fl_block *fl_find_first(struct fl *f, size_t need)
{
	for (struct fl_block *b = f->list.next; b != &f->list; b = b->next)
		if (fl_size(b) >= need)
			return b;
	return NULL;
}

static struct fl_block *fl_find_next(struct fl *f, size_t need)
{
	struct fl_block *start = f->rover == &f->list ? f->list.next : f->rover;
	struct fl_block *b = start;
	if (b == &f->list)
		return NULL;
	do {
		if (fl_size(b) >= need)
			return b;
		b = b->next == &f->list ? f->list.next : b->next;
	} while (b != start);
	return NULL;
}

static struct fl_block *fl_find_best(struct fl *f, size_t need)
{
	struct fl_block *best = NULL;
	for (struct fl_block *b = f->list.next; b != &f->list; b = b->next) {
		size_t s = fl_size(b);
		if (s >= need && (best == NULL || s < fl_size(best))) {
			best = b;
			if (s == need)
				break;
		}
	}
	return best;
}

/* Map a region big enough for `need`; its one free block goes on the list. */
static struct fl_block *fl_grow(struct fl *f, size_t need)
{
	size_t len = pages_round(need + FL_REGION_OVERHEAD);
	if (len < f->region_size)
		len = f->region_size;
	struct fl_region *r = pages_map(len, 0, 0);
	if (r == NULL)
		return NULL;
	book_map(&f->book, len);
	r->size = len;
	r->prev = NULL;
	r->next = f->regions;
	if (f->regions != NULL)
		f->regions->prev = r;
	f->regions = r;
	struct fl_block *b = fl_at(r, FL_REGION_HEAD);
	size_t size = len - FL_REGION_OVERHEAD;
	b->head = size | FL_PREV_USED;
	fl_footer(b, size);
	fl_at(b, size)->head = (size_t)(uintptr_t)r | FL_USED | FL_END;
	fl_push(f, b);
	return b;
}

/* Hand out `need` bytes of free block b, splitting off the rest when it can
 * stand as a block of its own. */
static void fl_place(struct fl *f, struct fl_block *b, size_t need)
{
	size_t size = fl_size(b);
	if (size - need >= FL_MIN) {
		struct fl_block *rest = fl_at(b, need);
		rest->head = (size - need) | FL_PREV_USED;
		fl_footer(rest, size - need);
		fl_replace(f, b, rest);
		b->head = need | FL_USED | FL_PREV_USED;
	} else {
		fl_unlink(f, b);
		b->head |= FL_USED;
		fl_at(b, size)->head |= FL_PREV_USED;
	}
}

static bool fl_region_empty(const struct fl_region *r)
{
	const struct fl_block *b = fl_at((void *)r, FL_REGION_HEAD);
	return !(b->head & FL_USED) && fl_size(b) == r->size - FL_REGION_OVERHEAD;
}

static bool fl_other_empty(const struct fl *f, const struct fl_region *r)
{
	for (const struct fl_region *o = f->regions; o != NULL; o = o->next)
		if (o != r && fl_region_empty(o))
			return true;
	return false;
}

/* Region r has just become one free block b.  Keep one empty region as a
 * spare, so a program that empties and refills the heap does not map and
 * unmap on every round; return any other to the OS. */
static void fl_region_emptied(struct fl *f, struct fl_region *r, struct fl_block *b)
{
	if (!fl_other_empty(f, r))
		return;
	fl_unlink(f, b);
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		f->regions = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	book_unmap(&f->book, r->size);
	pages_unmap(r, r->size);
}

/* b (its header's FL_PREV_USED bit right) becomes free: merge it with free
 * neighbours and put the result on the list. */
static void fl_release(struct fl *f, struct fl_block *b)
{
	size_t size = fl_size(b);
	struct fl_block *next = fl_at(b, size);
	if (!(next->head & FL_USED)) {
		fl_unlink(f, next);
		size += fl_size(next);
	}
	if (!(b->head & FL_PREV_USED)) {
		size_t prev_size = *(size_t *)(void *)((char *)b - sizeof(size_t));
		b = fl_before(b, prev_size); /* already on the list */
		size += prev_size;
	} else {
		fl_push(f, b);
	}
	b->head = size | FL_PREV_USED;
	fl_footer(b, size);
	next = fl_at(b, size);
	next->head &= ~FL_PREV_USED;
	if ((next->head & FL_END) && (char *)b == (char *)(next->head & ~FL_FLAGS) + FL_REGION_HEAD)
		fl_region_emptied(f, (struct fl_region *)(next->head & ~FL_FLAGS), b);
}

static void *fl_alloc(void *state, size_t size)
{
	struct fl *f = state;
	if (size > BOOK_MAX_REQUEST)
		return NULL;
	size_t need = fl_need(size);
	struct fl_block *b;
	switch (f->policy) {
	case FL_NEXT:
		b = fl_find_next(f, need);
		break;
	case FL_BEST:
		b = fl_find_best(f, need);
		break;
	default:
		b = fl_find_first(f, need);
		break;
	}
	if (b == NULL && (b = fl_grow(f, need)) == NULL)
		return NULL;
	if (f->policy == FL_NEXT)
		f->rover = b; /* placing moves it past b: to the rest, or b's successor */
	fl_place(f, b, need);
	book_give(&f->book, size, fl_size(b));
	return (char *)b + FL_HEAD;
}

static void fl_free(void *state, void *ptr, size_t size)
{
	struct fl *f = state;
	if (ptr == NULL)
		return;
	struct fl_block *b = fl_before(ptr, FL_HEAD);
	book_take(&f->book, size, fl_size(b));
	fl_release(f, b);
}

/* Shrink b in place to `need`, freeing the tail when it can be a block;
 * returns the bytes freed, for the caller's books. */
static size_t fl_shrink(struct fl *f, struct fl_block *b, size_t need)
{
	size_t size = fl_size(b);
	if (size - need < FL_MIN)
		return 0;
	b->head = need | (b->head & FL_FLAGS);
	struct fl_block *rest = fl_at(b, need);
	rest->head = (size - need) | FL_USED | FL_PREV_USED;
	fl_release(f, rest);
	return size - need;
}

static void *fl_realloc(void *state, void *ptr, size_t old_size, size_t new_size)
{
	struct fl *f = state;
	if (ptr == NULL)
		return fl_alloc(f, new_size);
	if (new_size > BOOK_MAX_REQUEST)
		return NULL;
	struct fl_block *b = fl_before(ptr, FL_HEAD);
	size_t need = fl_need(new_size), size = fl_size(b);
	if (need <= size) {
		book_take(&f->book, 0, fl_shrink(f, b, need));
		book_resize(&f->book, old_size, new_size);
		return ptr;
	}
	/* Grow into a free next block when the two together are enough. */
	struct fl_block *next = fl_at(b, size);
	if (!(next->head & FL_USED) && size + fl_size(next) >= need) {
		size_t total = size + fl_size(next);
		fl_unlink(f, next);
		b->head = total | (b->head & FL_FLAGS);
		fl_at(b, total)->head |= FL_PREV_USED;
		/* booked once, as it ends: a peak must not see the moment between */
		size_t freed = fl_shrink(f, b, need);
		book_give(&f->book, new_size - old_size, total - size - freed);
		return ptr;
	}
	void *q = fl_alloc(f, new_size);
	if (q == NULL)
		return NULL;
	memcpy(q, ptr, old_size < new_size ? old_size : new_size);
	fl_free(f, ptr, old_size);
	return q;
}

static void fl_unmap_all(struct fl *f)
{
	for (struct fl_region *r = f->regions, *next; r != NULL; r = next) {
		next = r->next;
		book_unmap(&f->book, r->size);
		pages_unmap(r, r->size);
	}
	f->regions = NULL;
	f->list.next = f->list.prev = f->rover = &f->list;
}

/* Every block at once: the regions go back to the OS. */
static void fl_reset(void *state)
{
	struct fl *f = state;
	book_note_peak(&f->book);
	fl_unmap_all(f);
	f->book.requested = 0;
	f->book.allocated = 0;
}

static void fl_stats(void *state, struct alloc_stats *out)
{
	struct fl *f = state;
	size_t largest = 0, blocks = 0;
	for (struct fl_block *b = f->list.next; b != &f->list; b = b->next, blocks++)
		if (fl_size(b) > largest)
			largest = fl_size(b);
	size_t regions = 0;
	for (struct fl_region *r = f->regions; r != NULL; r = r->next)
		regions++;
	book_fill(&f->book, out, "freelist", largest ? largest - FL_HEAD : 0);
	alloc_stats_raw(out, "policy", f->policy);
	alloc_stats_raw(out, "free_blocks", blocks);
	alloc_stats_raw(out, "regions", regions);
}

static int fl_init(void **state, const char *options, char *err, size_t errlen)
{
	unsigned policy = FL_FIRST;
	size_t region = (size_t)1 << 20;
	struct alloc_opt o;
	int r;
	while ((r = alloc_opt_next(&options, &o, "freelist", err, errlen)) > 0) {
		if (strcmp(o.key, "policy") == 0)
			r = alloc_opt_word(&o, fl_policies, 3, &policy, "freelist", err, errlen);
		else if (strcmp(o.key, "region") == 0)
			r = alloc_opt_size(&o, 4096, (size_t)1 << 30, &region, "freelist", err,
					   errlen);
		else
			r = alloc_opt_unknown(&o, "policy, region", "freelist", err, errlen);
		if (r != 0)
			return -1;
	}
	if (r < 0)
		return -1;
	size_t self = pages_round(sizeof(struct fl));
	struct fl *f = pages_map(self, 0, 0);
	if (f == NULL) {
		snprintf(err, errlen, "freelist: cannot map %zu bytes for its state", self);
		return -1;
	}
	f->policy = (enum fl_policy)policy;
	f->region_size = pages_round(region);
	f->list.next = f->list.prev = f->rover = &f->list;
	book_map(&f->book, self);
	*state = f;
	return 0;
}

static void fl_fini(void *state)
{
	struct fl *f = state;
	fl_unmap_all(f);
	pages_unmap(f, pages_round(sizeof *f));
}

const struct alloc_ops alloc_freelist = {
	.abi = ALLOC_ABI_CURRENT,
	.name = "freelist",
	.summary = FREELIST_SUMMARY,
	.init = fl_init,
	.alloc = fl_alloc,
	.free = fl_free,
	.realloc = fl_realloc,
	.reset = fl_reset,
	.stats = fl_stats,
	.fini = fl_fini,
};
