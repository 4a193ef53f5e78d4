/* simpleseg.c — simple segregated storage (Wilson et al. 1995): size
 * classes on slabs, no splitting, no coalescing; large blocks mapped.
 *
 * Up to 8 KiB a request takes a block of the least of 32 classes that fits,
 * from 64 KiB slabs (own free list, live count) cut from 4 MiB segments
 * (reserved whole, committed a slab at a time); larger ones a mapping each.
 * Invariants: a slab holds one class; a slab with room is on its class's
 * list; an empty one, unless its class's only one, is in the pool. */
#include "builtin.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "alloc_opt.h"
#include "book.h"
#include "large.h"
#include "pages.h"

#define SS_SEGMENT ((size_t)4 << 20)
#define SS_SLAB_SHIFT 16
#define SS_SLAB ((size_t)1 << SS_SLAB_SHIFT)
#define SS_SLABS ((unsigned)(SS_SEGMENT / SS_SLAB))
#define SS_SMALL_MAX 8192u
#define SS_CLASSES 33u /* class 0 serves zero-byte requests: one less test */

/* Block size of each class; ss_class is its inverse. */
static const uint32_t ss_sizes[SS_CLASSES] = {
	16,   16,   32,   48,   64,   80,   96,   112,  128,  160,  192,
	224,  256,  320,  384,  448,  512,  640,  768,  896,  1024, 1280,
	1536, 1792, 2048, 2560, 3072, 3584, 4096, 5120, 6144, 7168, 8192,
};

struct ss_slab {
	void *free;        /* free blocks, linked through their first word */
	char *bump, *end;  /* never-used blocks: [bump, end) */
	uint32_t used;     /* live blocks */
	uint32_t size;     /* block size; 0 while the slab is in the pool */
	struct ss_slab *next, *prev; /* the class's list, or the pool */
	uint8_t listed;    /* on its class's list */
	uint8_t cls;
	uint8_t committed; /* once handed to a class: counted committed */
	uint8_t pad[13];   /* 64 bytes: finding a block's slab is a shift */
};

_Static_assert(sizeof(struct ss_slab) == 64, "a slab descriptor is 64 bytes");

/* The first bytes of a segment: one descriptor per slab.  Slab 0 starts
 * after them, so it holds fewer blocks. */
struct ss_segment {
	struct ss_segment *next, *prev;
	unsigned free_slabs;
	size_t committed; /* bytes of it counted committed */
	struct ss_slab slab[SS_SLABS];
};

#define SS_HEAD_BYTES ((sizeof(struct ss_segment) + 63) & ~(size_t)63)
/* The head's pages are committed with the segment; slab 0 shares them. */
#define SS_HEAD_PAGES ((SS_HEAD_BYTES + 4095) & ~(size_t)4095)

struct ss {
	struct ss_slab *avail[SS_CLASSES]; /* hot: list heads; &none when empty */
	struct book book;
	struct ss_slab none;     /* no free block, no room: sends allocation slow */
	struct ss_slab *pool;    /* slabs of no class */
	struct ss_segment *segments;
	struct large_list large;
	unsigned map_flags;
};

static inline unsigned ss_class(size_t size)
{
	if (size <= 128)
		return (unsigned)((size + 15) >> 4);
	unsigned b = 63u - (unsigned)__builtin_clzll((unsigned long long)size - 1);
	return 9u + (b - 7u) * 4u + (unsigned)(((size - 1) >> (b - 2u)) & 3u);
}

/* One address computation (gcc otherwise redoes the indexing after each
 * store into the block). */
static inline struct ss_slab *ss_slab_of(void *p)
{
	uintptr_t a = (uintptr_t)p;
	uintptr_t g = a & ~(uintptr_t)(SS_SEGMENT - 1);
	uintptr_t i = (a >> SS_SLAB_SHIFT) & (SS_SLABS - 1);
	return (struct ss_slab *)(g + offsetof(struct ss_segment, slab) +
				   i * sizeof(struct ss_slab));
}

static inline struct ss_segment *ss_segment_of(struct ss_slab *sl)
{
	return (struct ss_segment *)((uintptr_t)sl & ~(uintptr_t)(SS_SEGMENT - 1));
}

/* The bytes a slab's blocks may use: slab 0 starts after the descriptors. */
static char *ss_slab_bytes(struct ss_slab *sl, char **limit)
{
	struct ss_segment *g = ss_segment_of(sl);
	size_t i = (size_t)(sl - g->slab);
	*limit = (char *)g + (i + 1) * SS_SLAB;
	return (char *)g + (i == 0 ? SS_HEAD_BYTES : i * SS_SLAB);
}

/* Doubly-linked lists ending in NULL, headed by *head (&s->none counts
 * as empty for class lists). */
static void ss_push(struct ss_slab **head, struct ss_slab *sl, struct ss_slab *none)
{
	struct ss_slab *first = *head == none ? NULL : *head;
	sl->prev = NULL;
	sl->next = first;
	if (first != NULL)
		first->prev = sl;
	*head = sl;
}

static void ss_cut(struct ss_slab **head, struct ss_slab *sl, struct ss_slab *none)
{
	if (sl->prev != NULL)
		sl->prev->next = sl->next;
	else
		*head = sl->next != NULL ? sl->next : none;
	if (sl->next != NULL)
		sl->next->prev = sl->prev;
	sl->next = sl->prev = NULL;
}

static bool ss_other_empty_segment(const struct ss *s, const struct ss_segment *g)
{
	for (const struct ss_segment *o = s->segments; o != NULL; o = o->next)
		if (o != g && o->free_slabs == SS_SLABS)
			return true;
	return false;
}

/* Return an empty slab to the pool; an empty segment goes back to the OS
 * when another empty one is kept already. */
static void ss_slab_give(struct ss *s, struct ss_slab *sl)
{
	sl->size = 0;
	sl->listed = 0;
	ss_push(&s->pool, sl, NULL);
	struct ss_segment *g = ss_segment_of(sl);
	if (++g->free_slabs < SS_SLABS || !ss_other_empty_segment(s, g))
		return;
	for (unsigned i = 0; i < SS_SLABS; i++)
		ss_cut(&s->pool, &g->slab[i], NULL);
	if (g->prev != NULL)
		g->prev->next = g->next;
	else
		s->segments = g->next;
	if (g->next != NULL)
		g->next->prev = g->prev;
	book_decommit(&s->book, g->committed);
	book_unreserve(&s->book, SS_SEGMENT);
	pages_unmap(g, SS_SEGMENT);
}

static bool ss_segment_new(struct ss *s)
{
	struct ss_segment *g = pages_map(SS_SEGMENT, SS_SEGMENT, s->map_flags);
	if (g == NULL)
		return false;
	book_reserve(&s->book, SS_SEGMENT);
	book_commit(&s->book, SS_HEAD_PAGES);
	g->committed = SS_HEAD_PAGES;
	g->prev = NULL;
	g->next = s->segments;
	if (s->segments != NULL)
		s->segments->prev = g;
	s->segments = g;
	g->free_slabs = SS_SLABS;
	for (unsigned i = SS_SLABS; i-- > 0;)
		ss_push(&s->pool, &g->slab[i], NULL);
	return true;
}

/* A slab from the pool (or a new segment) for class c, at the head of
 * the class's list. */
static struct ss_slab *ss_slab_take(struct ss *s, unsigned c)
{
	if (s->pool == NULL && !ss_segment_new(s))
		return NULL;
	struct ss_slab *sl = s->pool;
	ss_cut(&s->pool, sl, NULL);
	struct ss_segment *g = ss_segment_of(sl);
	g->free_slabs--;
	if (!sl->committed) { /* its first use: the slab's pages count from now */
		size_t bytes = sl == g->slab ? SS_SLAB - SS_HEAD_PAGES : SS_SLAB;
		sl->committed = 1;
		g->committed += bytes;
		book_commit(&s->book, bytes);
	}
	char *limit, *start = ss_slab_bytes(sl, &limit);
	size_t n = (size_t)(limit - start) / ss_sizes[c];
	sl->free = NULL;
	sl->bump = start;
	sl->end = start + n * ss_sizes[c];
	sl->used = 0;
	sl->size = ss_sizes[c];
	sl->cls = (uint8_t)c;
	sl->listed = 1;
	ss_push(&s->avail[c], sl, &s->none);
	return sl;
}

static __attribute__((noinline)) void *ss_alloc_slow(struct ss *s, unsigned c, size_t size)
{
	struct ss_slab *sl = s->avail[c];
	/* Full slabs met at the head leave the list until a block comes back. */
	while (sl != &s->none && sl->free == NULL && sl->bump == sl->end) {
		ss_cut(&s->avail[c], sl, &s->none);
		sl->listed = 0;
		sl = s->avail[c];
	}
	if (sl == &s->none && (sl = ss_slab_take(s, c)) == NULL)
		return NULL;
	void *p = sl->free;
	if (p != NULL) {
		sl->free = *(void **)p;
	} else {
		p = sl->bump;
		sl->bump += sl->size;
	}
	sl->used++;
	book_give(&s->book, size, sl->size);
	return p;
}

static void *ss_alloc(void *state, size_t size)
{
	struct ss *s = state;
	if (__builtin_expect(size <= SS_SMALL_MAX, 1)) {
		unsigned c = ss_class(size);
		struct ss_slab *sl = s->avail[c];
		void **p = sl->free;
		if (__builtin_expect(p != NULL, 1)) {
			sl->free = *p;
		} else if (__builtin_expect(sl->bump != sl->end, 1)) {
			/* a slab fresh from the pool: no free list to build first */
			p = (void **)(void *)sl->bump;
			sl->bump += sl->size;
		} else {
			return ss_alloc_slow(s, c, size);
		}
		sl->used++;
		book_give(&s->book, size, sl->size);
		return p;
	}
	return large_alloc(&s->large, &s->book, size);
}

/* A block came back to a slab that was full or is now empty. */
static __attribute__((noinline)) void ss_free_slow(struct ss *s, struct ss_slab *sl)
{
	if (!sl->listed) {
		ss_push(&s->avail[sl->cls], sl, &s->none);
		sl->listed = 1;
	}
	if (sl->used == 0 && (sl->prev != NULL || sl->next != NULL)) {
		ss_cut(&s->avail[sl->cls], sl, &s->none);
		ss_slab_give(s, sl);
	}
}

static void ss_free(void *state, void *ptr, size_t size)
{
	struct ss *s = state;
	if (ptr == NULL)
		return;
	if (__builtin_expect(size <= SS_SMALL_MAX, 1)) {
		struct ss_slab *sl = ss_slab_of(ptr);
		*(void **)ptr = sl->free;
		sl->free = ptr;
		book_take(&s->book, size, sl->size);
		if (__builtin_expect(--sl->used == 0 || !sl->listed, 0))
			ss_free_slow(s, sl);
		return;
	}
	large_free(&s->large, &s->book, ptr, size);
}

static void *ss_realloc(void *state, void *ptr, size_t old_size, size_t new_size)
{
	struct ss *s = state;
	if (ptr == NULL)
		return ss_alloc(s, new_size);
	if (new_size > BOOK_MAX_REQUEST)
		return NULL;
	bool old_small = old_size <= SS_SMALL_MAX, new_small = new_size <= SS_SMALL_MAX;
	if (old_small && new_small && ss_class(old_size) == ss_class(new_size)) {
		book_resize(&s->book, old_size, new_size);
		return ptr;
	}
	if (!old_small && !new_small)
		return large_realloc(&s->large, &s->book, ptr, old_size, new_size);
	void *q = ss_alloc(s, new_size);
	if (q == NULL)
		return NULL;
	memcpy(q, ptr, old_size < new_size ? old_size : new_size);
	ss_free(s, ptr, old_size);
	return q;
}

static void ss_unmap_all(struct ss *s)
{
	for (struct ss_segment *g = s->segments, *next; g != NULL; g = next) {
		next = g->next;
		pages_unmap(g, SS_SEGMENT);
	}
	large_release_all(&s->large);
	s->segments = NULL;
	s->pool = NULL;
	for (unsigned c = 0; c < SS_CLASSES; c++)
		s->avail[c] = &s->none;
}

/* Every block at once: segments and large blocks go back to the OS. */
static void ss_reset(void *state)
{
	struct ss *s = state;
	book_note_peak(&s->book);
	ss_unmap_all(s);
	s->book.requested = 0;
	s->book.allocated = 0;
	s->book.footprint = s->book.reserved = pages_round(sizeof *s);
}

static void ss_stats(void *state, struct alloc_stats *out)
{
	struct ss *s = state;
	uint64_t largest = 0, segments = 0, free_slabs = 0;
	for (struct ss_slab *sl = s->pool; sl != NULL; sl = sl->next) {
		free_slabs++;
		if (sl->committed) /* a slab not yet committed would grow the footprint */
			largest = SS_SMALL_MAX;
	}
	for (unsigned c = SS_CLASSES; c-- > 0 && largest == 0;)
		for (struct ss_slab *sl = s->avail[c]; sl != &s->none && sl != NULL; sl = sl->next)
			if (sl->free != NULL || sl->bump < sl->end) {
				largest = ss_sizes[c];
				break;
			}
	for (struct ss_segment *g = s->segments; g != NULL; g = g->next)
		segments++;
	book_fill(&s->book, out, "simpleseg", largest);
	alloc_stats_raw(out, "segments", segments);
	alloc_stats_raw(out, "free_slabs", free_slabs);
	alloc_stats_raw(out, "large_blocks", s->large.count);
	alloc_stats_raw(out, "large_cached", s->large.cached);
}

static int ss_init(void **state, const char *options, char *err, size_t errlen)
{
	static const char *const onoff[] = { "on", "off" };
	unsigned huge = 1; /* off: a huge page would make resident exceed committed */
	struct alloc_opt o;
	int r;
	while ((r = alloc_opt_next(&options, &o, "simpleseg", err, errlen)) > 0) {
		if (strcmp(o.key, "huge") == 0)
			r = alloc_opt_word(&o, onoff, 2, &huge, "simpleseg", err, errlen);
		else
			r = alloc_opt_unknown(&o, "huge", "simpleseg", err, errlen);
		if (r != 0)
			return -1;
	}
	if (r < 0)
		return -1;
	size_t self = pages_round(sizeof(struct ss));
	struct ss *s = pages_map(self, 0, 0);
	if (s == NULL) {
		snprintf(err, errlen, "simpleseg: cannot map %zu bytes for its state", self);
		return -1;
	}
	for (unsigned c = 0; c < SS_CLASSES; c++)
		s->avail[c] = &s->none;
	s->map_flags = huge == 0 ? PAGES_HUGE : 0;
	book_map(&s->book, self);
	*state = s;
	return 0;
}

static void ss_fini(void *state)
{
	struct ss *s = state;
	ss_unmap_all(s);
	pages_unmap(s, pages_round(sizeof *s));
}

const struct alloc_ops alloc_simpleseg = {
	.abi = ALLOC_ABI_CURRENT,
	.name = "simpleseg",
	.summary = SIMPLESEG_SUMMARY,
	.init = ss_init,
	.alloc = ss_alloc,
	.free = ss_free,
	.realloc = ss_realloc,
	.reset = ss_reset,
	.stats = ss_stats,
	.fini = ss_fini,
};
