/* segfits.c — segregated fits (Wilson et al. 1995; CS:APP 9.9.14): an array
 * of size-class free lists over one heap, with splitting and boundary-tag
 * coalescing.  The malloc lab's reference solution.
 *
 * The heap is one reservation holding this state and then the blocks; its
 * end (brk) grows by what a request lacks, as the lab's mem_sbrk, and pages
 * are committed as brk reaches them.  A block is a header word (size |
 * SF_USED | SF_PREV_USED); a free one also holds two links and a footer.
 * Invariants: no two free blocks are adjacent; every free block is on its
 * size class's list exactly once; a class's bit is set iff its list is not
 * empty; [base, brk) is the blocks and the epilogue word; brk <= commit_end.
 */
#include "builtin.h"

#include <stdio.h>
#include <string.h>

#include "alloc_opt.h"
#include "book.h"
#include "large.h"
#include "pages.h"

#define SF_USED ((size_t)1)
#define SF_PREV_USED ((size_t)2)
#define SF_FLAGS ((size_t)15)
#define SF_HEAD 8u  /* the header word before a payload */
#define SF_MIN 32u  /* header, two links, footer */
#define SF_EXACT_MAX 1024u /* classes of one size each: 32, 48, ... 1024 */
#define SF_EXACT 63u       /* their number; then 8 classes per doubling */
#define SF_CLASSES (SF_EXACT + (47u - 10u) * 8u)
#define SF_WORDS ((SF_CLASSES + 63u) / 64u)
/* In a class of many sizes, the best fit among this many fitting blocks. */
#define SF_LOOK 8u
/* Above this a request gets a mapping of its own (large.c), so one huge
 * block neither splits the heap nor stays committed after its free. */
#define SF_LARGE ((size_t)4 << 20)
#define SF_RESERVE_DEFAULT ((size_t)8 << 30)
/* What a reset keeps committed, so a program that resets every round does
 * not fault its heap in again each time. */
#define SF_KEEP ((size_t)1 << 20)

struct sf_block {
	size_t head;
	struct sf_block *next, *prev; /* while free */
};

/* At the start of the reservation, so its page serves the first blocks too. */
struct sf {
	uint64_t nonempty[SF_WORDS];       /* bit c: lists[c] is not empty */
	struct sf_block *lists[SF_CLASSES]; /* LIFO, NULL-terminated */
	char *base, *brk;                  /* the blocks: [base, brk) */
	char *commit_end, *limit;          /* committed [this, commit_end), reserved to limit */
	struct large_list large;
	struct book book;
};

static inline size_t sf_size(const struct sf_block *b)
{
	return b->head & ~SF_FLAGS;
}

static inline struct sf_block *sf_at(void *p, size_t offset)
{
	return (struct sf_block *)(void *)((char *)p + offset);
}

static inline struct sf_block *sf_before(void *p, size_t back)
{
	return (struct sf_block *)(void *)((char *)p - back);
}

static inline void sf_footer(struct sf_block *b, size_t size)
{
	*(size_t *)(void *)((char *)b + size - sizeof(size_t)) = size;
}

/* The block a request needs: header included, 16-rounded, at least SF_MIN. */
static inline size_t sf_need(size_t size)
{
	size_t n = (size + SF_HEAD + 15) & ~(size_t)15;
	return n < SF_MIN ? SF_MIN : n;
}

static inline unsigned sf_class(size_t size)
{
	if (size <= SF_EXACT_MAX)
		return (unsigned)(size >> 4) - 2u;
	unsigned b = 63u - (unsigned)__builtin_clzll((unsigned long long)size);
	return SF_EXACT + (b - 10u) * 8u + (unsigned)((size >> (b - 3u)) & 7u);
}

static inline void sf_push(struct sf *s, struct sf_block *b)
{
	unsigned c = sf_class(sf_size(b));
	struct sf_block *first = s->lists[c];
	b->prev = NULL;
	b->next = first;
	if (first != NULL)
		first->prev = b;
	s->lists[c] = b;
	s->nonempty[c / 64] |= (uint64_t)1 << (c % 64);
}

static inline void sf_unlink(struct sf *s, struct sf_block *b)
{
	if (b->prev != NULL) {
		b->prev->next = b->next;
	} else {
		unsigned c = sf_class(sf_size(b));
		s->lists[c] = b->next;
		if (b->next == NULL)
			s->nonempty[c / 64] &= ~((uint64_t)1 << (c % 64));
	}
	if (b->next != NULL)
		b->next->prev = b->prev;
}

/* A free block of at least `need` bytes: the head of an exact class, a
 * bounded best fit in a class of many sizes, else the head of the next
 * class with a block (any of which fits). */
static struct sf_block *sf_find(struct sf *s, size_t need)
{
	unsigned c = sf_class(need);
	if (c < SF_EXACT) {
		if (s->lists[c] != NULL)
			return s->lists[c];
	} else { /* the best of the first SF_LOOK that fit (an exact fit ends it) */
		struct sf_block *best = NULL;
		unsigned seen = 0;
		for (struct sf_block *b = s->lists[c]; b != NULL && seen < SF_LOOK; b = b->next)
			if (sf_size(b) >= need) {
				if (best == NULL || sf_size(b) < sf_size(best))
					best = b;
				if (sf_size(b) == need)
					break;
				seen++;
			}
		if (best != NULL)
			return best;
	}
	c++;
	unsigned w = c / 64;
	uint64_t m = s->nonempty[w] & (~(uint64_t)0 << (c % 64));
	while (m == 0) {
		if (++w == SF_WORDS)
			return NULL;
		m = s->nonempty[w];
	}
	return s->lists[w * 64 + (unsigned)__builtin_ctzll(m)];
}

/* b (header's SF_PREV_USED right, not on a list) becomes free: merge it
 * with free neighbours, list the result and return it. */
static struct sf_block *sf_release(struct sf *s, struct sf_block *b)
{
	size_t size = sf_size(b);
	struct sf_block *next = sf_at(b, size);
	if (!(next->head & SF_USED)) {
		sf_unlink(s, next);
		size += sf_size(next);
	}
	if (!(b->head & SF_PREV_USED)) {
		size_t prev_size = *(size_t *)(void *)((char *)b - sizeof(size_t));
		b = sf_before(b, prev_size);
		sf_unlink(s, b);
		size += prev_size;
	}
	b->head = size | SF_PREV_USED;
	sf_footer(b, size);
	sf_at(b, size)->head &= ~SF_PREV_USED;
	sf_push(s, b);
	return b;
}

/* Grow the heap by `more` bytes (16-rounded), committing the pages it
 * reaches; the new bytes become a free block (merged with a free last
 * block), which is returned. */
static struct sf_block *sf_extend(struct sf *s, size_t more)
{
	size_t n = (more + 15) & ~(size_t)15;
	if (n < SF_MIN) /* it is a free block, if only for a moment */
		n = SF_MIN;
	if (n > (size_t)(s->limit - s->brk))
		return NULL;
	if (s->brk + n > s->commit_end) {
		size_t c = pages_round((size_t)(s->brk + n - s->commit_end));
		if (c > (size_t)(s->limit - s->commit_end) || pages_commit(s->commit_end, c) != 0)
			return NULL;
		s->commit_end += c;
		book_commit(&s->book, c);
	}
	struct sf_block *b;
	size_t size;
	if (s->brk == s->base) { /* the first block: payloads 16-aligned */
		b = sf_at(s->base, SF_HEAD);
		size = n - 2 * SF_HEAD;
		b->head = size | SF_PREV_USED | SF_USED; /* freed just below */
	} else { /* the old epilogue becomes the new block's header */
		b = sf_before(s->brk, SF_HEAD);
		size = n;
		b->head = size | (b->head & SF_PREV_USED) | SF_USED;
	}
	s->brk += n;
	sf_at(b, size)->head = SF_USED; /* the epilogue; PREV_USED cleared below */
	return sf_release(s, b);
}

/* Hand out `need` bytes of free block b (on its list), splitting off the
 * rest when it can stand as a block of its own. */
static void sf_place(struct sf *s, struct sf_block *b, size_t need)
{
	size_t size = sf_size(b);
	sf_unlink(s, b);
	if (size - need >= SF_MIN) {
		b->head = need | SF_USED | SF_PREV_USED;
		struct sf_block *rest = sf_at(b, need);
		rest->head = (size - need) | SF_PREV_USED;
		sf_footer(rest, size - need);
		sf_push(s, rest);
	} else {
		b->head |= SF_USED;
		sf_at(b, size)->head |= SF_PREV_USED;
	}
}

/* The last block, when it is free (the epilogue's PREV_USED bit says). */
static struct sf_block *sf_free_tail(struct sf *s)
{
	if (s->brk == s->base)
		return NULL;
	struct sf_block *epi = sf_before(s->brk, SF_HEAD);
	if (epi->head & SF_PREV_USED)
		return NULL;
	size_t size = *(size_t *)(void *)((char *)epi - sizeof(size_t));
	return sf_before(epi, size);
}

static void *sf_alloc(void *state, size_t size)
{
	struct sf *s = state;
	if (size > SF_LARGE)
		return large_alloc(&s->large, &s->book, size);
	size_t need = sf_need(size);
	struct sf_block *b = sf_find(s, need);
	if (b == NULL) {
		struct sf_block *tail = sf_free_tail(s);
		b = sf_extend(s, need - (tail != NULL ? sf_size(tail) : 0) +
					 (s->brk == s->base ? 2 * SF_HEAD : 0));
		if (b == NULL)
			return NULL;
	}
	sf_place(s, b, need);
	book_give(&s->book, size, sf_size(b));
	return (char *)b + SF_HEAD;
}

static void sf_free(void *state, void *ptr, size_t size)
{
	struct sf *s = state;
	if (ptr == NULL)
		return;
	if (size > SF_LARGE) {
		large_free(&s->large, &s->book, ptr, size);
		return;
	}
	struct sf_block *b = sf_before(ptr, SF_HEAD);
	book_take(&s->book, size, sf_size(b));
	b->head &= ~SF_USED;
	sf_release(s, b);
}

/* Cut used block b down to `need`, freeing the tail when it can be a
 * block; returns the bytes freed. */
static size_t sf_shrink(struct sf *s, struct sf_block *b, size_t need)
{
	size_t size = sf_size(b);
	if (size - need < SF_MIN)
		return 0;
	b->head = need | (b->head & SF_FLAGS);
	struct sf_block *rest = sf_at(b, need);
	rest->head = (size - need) | SF_PREV_USED;
	sf_release(s, rest);
	return size - need;
}

/* Grow used block b in place to at least `need`, taking a free successor
 * and committing past the heap's end when b is the last block; false when
 * it cannot. */
static bool sf_grow_in_place(struct sf *s, struct sf_block *b, size_t need)
{
	size_t size = sf_size(b);
	struct sf_block *next = sf_at(b, size);
	size_t avail = size + (next->head & SF_USED ? 0 : sf_size(next));
	if (avail < need) {
		/* the top block, or the one before a free tail: extend the heap */
		char *end = (char *)b + avail;
		if (end != s->brk - SF_HEAD || sf_extend(s, need - avail) == NULL)
			return false;
		next = sf_at(b, size); /* the extension merged into it, or is it */
		avail = size + sf_size(next);
	}
	if (avail > size) {
		sf_unlink(s, next);
		b->head = avail | (b->head & SF_FLAGS);
		sf_at(b, avail)->head |= SF_PREV_USED;
	}
	return true;
}

static void *sf_realloc(void *state, void *ptr, size_t old_size, size_t new_size)
{
	struct sf *s = state;
	if (ptr == NULL)
		return sf_alloc(s, new_size);
	if (new_size > BOOK_MAX_REQUEST)
		return NULL;
	bool old_heap = old_size <= SF_LARGE, new_heap = new_size <= SF_LARGE;
	if (!old_heap && !new_heap)
		return large_realloc(&s->large, &s->book, ptr, old_size, new_size);
	if (old_heap && new_heap) {
		struct sf_block *b = sf_before(ptr, SF_HEAD);
		size_t need = sf_need(new_size), size = sf_size(b);
		if (need <= size) {
			book_take(&s->book, 0, sf_shrink(s, b, need));
			book_resize(&s->book, old_size, new_size);
			return ptr;
		}
		if (sf_grow_in_place(s, b, need)) {
			/* booked once, as it ends: a peak must not see the moment between */
			size_t total = sf_size(b), freed = sf_shrink(s, b, need);
			book_give(&s->book, new_size - old_size, total - size - freed);
			return ptr;
		}
	}
	void *q = sf_alloc(s, new_size);
	if (q == NULL)
		return NULL;
	memcpy(q, ptr, old_size < new_size ? old_size : new_size);
	sf_free(s, ptr, old_size);
	return q;
}

/* Every block at once: large blocks are unmapped, the heap is empty again,
 * and all but its first SF_KEEP committed bytes are decommitted. */
static void sf_reset(void *state)
{
	struct sf *s = state;
	book_note_peak(&s->book);
	large_release_all(&s->large);
	memset(s->nonempty, 0, sizeof s->nonempty);
	memset(s->lists, 0, sizeof s->lists);
	char *keep = (char *)s + SF_KEEP;
	if (s->commit_end > keep) {
		pages_decommit(keep, (size_t)(s->commit_end - keep));
		s->commit_end = keep;
	}
	s->brk = s->base;
	s->book = (struct book){
		.footprint = (size_t)(s->commit_end - (char *)s),
		.reserved = (size_t)(s->limit - (char *)s),
		.peak_allocated = s->book.peak_allocated,
		.peak_footprint = s->book.peak_footprint,
		.peak_reserved = s->book.peak_reserved,
		.peak_requested = s->book.peak_requested,
		.allocated_at_peak = s->book.allocated_at_peak,
		.footprint_at_peak = s->book.footprint_at_peak,
	};
}

static void sf_stats(void *state, struct alloc_stats *out)
{
	struct sf *s = state;
	uint64_t largest = 0, blocks = 0;
	int top = -1;
	for (unsigned c = 0; c < SF_CLASSES; c++)
		for (struct sf_block *b = s->lists[c]; b != NULL; b = b->next) {
			blocks++;
			top = (int)c;
		}
	if (top >= 0)
		for (struct sf_block *b = s->lists[top]; b != NULL; b = b->next)
			if (sf_size(b) - SF_HEAD > largest)
				largest = sf_size(b) - SF_HEAD;
	book_fill(&s->book, out, "segfits", largest);
	alloc_stats_raw(out, "free_blocks", blocks);
	alloc_stats_raw(out, "heap_bytes", (uint64_t)(s->brk - s->base));
	alloc_stats_raw(out, "large_blocks", s->large.count);
	alloc_stats_raw(out, "large_cached", s->large.cached);
}

static int sf_init(void **state, const char *options, char *err, size_t errlen)
{
	size_t reserve = SF_RESERVE_DEFAULT;
	struct alloc_opt o;
	int r;
	while ((r = alloc_opt_next(&options, &o, "segfits", err, errlen)) > 0) {
		if (strcmp(o.key, "reserve") == 0)
			r = alloc_opt_size(&o, (size_t)1 << 20, (size_t)1 << 40, &reserve, "segfits",
					   err, errlen);
		else
			r = alloc_opt_unknown(&o, "reserve", "segfits", err, errlen);
		if (r != 0)
			return -1;
	}
	if (r < 0)
		return -1;
	reserve = pages_round(reserve);
	size_t self = pages_round(sizeof(struct sf));
	struct sf *s = pages_reserve(reserve, 0);
	if (s == NULL || pages_commit(s, self) != 0) {
		if (s != NULL)
			pages_unmap(s, reserve);
		snprintf(err, errlen, "segfits: cannot reserve %zu bytes of address space", reserve);
		return -1;
	}
	s->base = s->brk = (char *)s + ((sizeof *s + 15) & ~(size_t)15);
	s->commit_end = (char *)s + self;
	s->limit = (char *)s + reserve;
	book_reserve(&s->book, reserve);
	book_commit(&s->book, self);
	*state = s;
	return 0;
}

static void sf_fini(void *state)
{
	struct sf *s = state;
	large_release_all(&s->large);
	pages_unmap(s, (size_t)(s->limit - (char *)s));
}

const struct alloc_ops alloc_segfits = {
	.abi = ALLOC_ABI_CURRENT,
	.name = "segfits",
	.summary = SEGFITS_SUMMARY,
	.init = sf_init,
	.alloc = sf_alloc,
	.free = sf_free,
	.realloc = sf_realloc,
	.reset = sf_reset,
	.stats = sf_stats,
	.fini = sf_fini,
};
