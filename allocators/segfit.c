/* segfit.c — segregated fit: size classes on slabs, large blocks mapped.
 *
 * Up to 8 KiB a request takes a block of the least of 32 classes that fits,
 * from 64 KiB slabs (own free list, live count) cut from 4 MiB segments;
 * larger ones a mapping each.  Invariants: a slab holds one class; a slab
 * with room is on its class's list; an empty one, unless its class's only
 * one, is in the pool. */
#include "builtin.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "alloc_opt.h"
#include "book.h"
#include "large.h"
#include "pages.h"

#define SEG_SEGMENT ((size_t)4 << 20)
#define SEG_SLAB_SHIFT 16
#define SEG_SLAB ((size_t)1 << SEG_SLAB_SHIFT)
#define SEG_SLABS ((unsigned)(SEG_SEGMENT / SEG_SLAB))
#define SEG_SMALL_MAX 8192u
#define SEG_CLASSES 33u /* class 0 serves zero-byte requests: one less test */

/* Block size of each class; seg_class is its inverse. */
static const uint32_t seg_sizes[SEG_CLASSES] = {
	16,   16,   32,   48,   64,   80,   96,   112,  128,  160,  192,
	224,  256,  320,  384,  448,  512,  640,  768,  896,  1024, 1280,
	1536, 1792, 2048, 2560, 3072, 3584, 4096, 5120, 6144, 7168, 8192,
};

struct seg_slab {
	void *free;        /* free blocks, linked through their first word */
	char *bump, *end;  /* never-used blocks: [bump, end) */
	uint32_t used;     /* live blocks */
	uint32_t size;     /* block size; 0 while the slab is in the pool */
	struct seg_slab *next, *prev; /* the class's list, or the pool */
	uint8_t listed;    /* on its class's list */
	uint8_t cls;
	uint8_t pad[14];   /* 64 bytes: finding a block's slab is a shift */
};

_Static_assert(sizeof(struct seg_slab) == 64, "a slab descriptor is 64 bytes");

/* The first bytes of a segment: one descriptor per slab.  Slab 0 starts
 * after them, so it holds fewer blocks. */
struct seg_segment {
	struct seg_segment *next, *prev;
	unsigned free_slabs;
	struct seg_slab slab[SEG_SLABS];
};

#define SEG_HEAD_BYTES ((sizeof(struct seg_segment) + 63) & ~(size_t)63)

struct seg {
	struct seg_slab *avail[SEG_CLASSES]; /* hot: list heads; &none when empty */
	struct book book;
	struct seg_slab none;     /* no free block, no room: sends allocation slow */
	struct seg_slab *pool;    /* slabs of no class */
	struct seg_segment *segments;
	struct large_list large;
	unsigned map_flags;
};

static inline unsigned seg_class(size_t size)
{
	if (size <= 128)
		return (unsigned)((size + 15) >> 4);
	unsigned b = 63u - (unsigned)__builtin_clzll((unsigned long long)size - 1);
	return 9u + (b - 7u) * 4u + (unsigned)(((size - 1) >> (b - 2u)) & 3u);
}

/* One address computation (gcc otherwise redoes the indexing after each
 * store into the block). */
static inline struct seg_slab *seg_slab_of(void *p)
{
	uintptr_t a = (uintptr_t)p;
	uintptr_t g = a & ~(uintptr_t)(SEG_SEGMENT - 1);
	uintptr_t i = (a >> SEG_SLAB_SHIFT) & (SEG_SLABS - 1);
	return (struct seg_slab *)(g + offsetof(struct seg_segment, slab) +
				   i * sizeof(struct seg_slab));
}

static inline struct seg_segment *seg_segment_of(struct seg_slab *sl)
{
	return (struct seg_segment *)((uintptr_t)sl & ~(uintptr_t)(SEG_SEGMENT - 1));
}

/* The bytes a slab's blocks may use: slab 0 starts after the descriptors. */
static char *seg_slab_bytes(struct seg_slab *sl, char **limit)
{
	struct seg_segment *g = seg_segment_of(sl);
	size_t i = (size_t)(sl - g->slab);
	*limit = (char *)g + (i + 1) * SEG_SLAB;
	return (char *)g + (i == 0 ? SEG_HEAD_BYTES : i * SEG_SLAB);
}

/* Doubly-linked lists ending in NULL, headed by *head (&s->none counts
 * as empty for class lists). */
static void seg_push(struct seg_slab **head, struct seg_slab *sl, struct seg_slab *none)
{
	struct seg_slab *first = *head == none ? NULL : *head;
	sl->prev = NULL;
	sl->next = first;
	if (first != NULL)
		first->prev = sl;
	*head = sl;
}

static void seg_cut(struct seg_slab **head, struct seg_slab *sl, struct seg_slab *none)
{
	if (sl->prev != NULL)
		sl->prev->next = sl->next;
	else
		*head = sl->next != NULL ? sl->next : none;
	if (sl->next != NULL)
		sl->next->prev = sl->prev;
	sl->next = sl->prev = NULL;
}

static bool seg_other_empty_segment(const struct seg *s, const struct seg_segment *g)
{
	for (const struct seg_segment *o = s->segments; o != NULL; o = o->next)
		if (o != g && o->free_slabs == SEG_SLABS)
			return true;
	return false;
}

/* Return an empty slab to the pool; an empty segment goes back to the OS
 * when another empty one is kept already. */
static void seg_slab_give(struct seg *s, struct seg_slab *sl)
{
	sl->size = 0;
	sl->listed = 0;
	seg_push(&s->pool, sl, NULL);
	struct seg_segment *g = seg_segment_of(sl);
	if (++g->free_slabs < SEG_SLABS || !seg_other_empty_segment(s, g))
		return;
	for (unsigned i = 0; i < SEG_SLABS; i++)
		seg_cut(&s->pool, &g->slab[i], NULL);
	if (g->prev != NULL)
		g->prev->next = g->next;
	else
		s->segments = g->next;
	if (g->next != NULL)
		g->next->prev = g->prev;
	book_unmap(&s->book, SEG_SEGMENT);
	pages_unmap(g, SEG_SEGMENT);
}

static bool seg_segment_new(struct seg *s)
{
	struct seg_segment *g = pages_map(SEG_SEGMENT, SEG_SEGMENT, s->map_flags);
	if (g == NULL)
		return false;
	book_map(&s->book, SEG_SEGMENT);
	g->prev = NULL;
	g->next = s->segments;
	if (s->segments != NULL)
		s->segments->prev = g;
	s->segments = g;
	g->free_slabs = SEG_SLABS;
	for (unsigned i = SEG_SLABS; i-- > 0;)
		seg_push(&s->pool, &g->slab[i], NULL);
	return true;
}

/* A slab from the pool (or a new segment) for class c, at the head of
 * the class's list. */
static struct seg_slab *seg_slab_take(struct seg *s, unsigned c)
{
	if (s->pool == NULL && !seg_segment_new(s))
		return NULL;
	struct seg_slab *sl = s->pool;
	seg_cut(&s->pool, sl, NULL);
	seg_segment_of(sl)->free_slabs--;
	char *limit, *start = seg_slab_bytes(sl, &limit);
	size_t n = (size_t)(limit - start) / seg_sizes[c];
	sl->free = NULL;
	sl->bump = start;
	sl->end = start + n * seg_sizes[c];
	sl->used = 0;
	sl->size = seg_sizes[c];
	sl->cls = (uint8_t)c;
	sl->listed = 1;
	seg_push(&s->avail[c], sl, &s->none);
	return sl;
}

static __attribute__((noinline)) void *seg_alloc_slow(struct seg *s, unsigned c, size_t size)
{
	struct seg_slab *sl = s->avail[c];
	/* Full slabs met at the head leave the list until a block comes back. */
	while (sl != &s->none && sl->free == NULL && sl->bump == sl->end) {
		seg_cut(&s->avail[c], sl, &s->none);
		sl->listed = 0;
		sl = s->avail[c];
	}
	if (sl == &s->none && (sl = seg_slab_take(s, c)) == NULL)
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

static void *seg_alloc(void *state, size_t size)
{
	struct seg *s = state;
	if (__builtin_expect(size <= SEG_SMALL_MAX, 1)) {
		unsigned c = seg_class(size);
		struct seg_slab *sl = s->avail[c];
		void **p = sl->free;
		if (__builtin_expect(p != NULL, 1)) {
			sl->free = *p;
		} else if (__builtin_expect(sl->bump != sl->end, 1)) {
			/* a slab fresh from the pool: no free list to build first */
			p = (void **)(void *)sl->bump;
			sl->bump += sl->size;
		} else {
			return seg_alloc_slow(s, c, size);
		}
		sl->used++;
		book_give(&s->book, size, sl->size);
		return p;
	}
	return large_alloc(&s->large, &s->book, size);
}

/* A block came back to a slab that was full or is now empty. */
static __attribute__((noinline)) void seg_free_slow(struct seg *s, struct seg_slab *sl)
{
	if (!sl->listed) {
		seg_push(&s->avail[sl->cls], sl, &s->none);
		sl->listed = 1;
	}
	if (sl->used == 0 && (sl->prev != NULL || sl->next != NULL)) {
		seg_cut(&s->avail[sl->cls], sl, &s->none);
		seg_slab_give(s, sl);
	}
}

static void seg_free(void *state, void *ptr, size_t size)
{
	struct seg *s = state;
	if (ptr == NULL)
		return;
	if (__builtin_expect(size <= SEG_SMALL_MAX, 1)) {
		struct seg_slab *sl = seg_slab_of(ptr);
		*(void **)ptr = sl->free;
		sl->free = ptr;
		book_take(&s->book, size, sl->size);
		if (__builtin_expect(--sl->used == 0 || !sl->listed, 0))
			seg_free_slow(s, sl);
		return;
	}
	large_free(&s->large, &s->book, ptr, size);
}

static void *seg_realloc(void *state, void *ptr, size_t old_size, size_t new_size)
{
	struct seg *s = state;
	if (ptr == NULL)
		return seg_alloc(s, new_size);
	if (new_size > BOOK_MAX_REQUEST)
		return NULL;
	bool old_small = old_size <= SEG_SMALL_MAX, new_small = new_size <= SEG_SMALL_MAX;
	if (old_small && new_small && seg_class(old_size) == seg_class(new_size)) {
		s->book.requested += new_size - old_size;
		return ptr;
	}
	if (!old_small && !new_small)
		return large_realloc(&s->large, &s->book, ptr, old_size, new_size);
	void *q = seg_alloc(s, new_size);
	if (q == NULL)
		return NULL;
	memcpy(q, ptr, old_size < new_size ? old_size : new_size);
	seg_free(s, ptr, old_size);
	return q;
}

static void seg_unmap_all(struct seg *s)
{
	for (struct seg_segment *g = s->segments, *next; g != NULL; g = next) {
		next = g->next;
		pages_unmap(g, SEG_SEGMENT);
	}
	large_release_all(&s->large);
	s->segments = NULL;
	s->pool = NULL;
	for (unsigned c = 0; c < SEG_CLASSES; c++)
		s->avail[c] = &s->none;
}

/* Every block at once: segments and large blocks go back to the OS. */
static void seg_reset(void *state)
{
	struct seg *s = state;
	book_note_peak(&s->book);
	seg_unmap_all(s);
	s->book.requested = 0;
	s->book.allocated = 0;
	s->book.footprint = pages_round(sizeof *s);
}

static void seg_stats(void *state, struct alloc_stats *out)
{
	struct seg *s = state;
	uint64_t largest = 0, segments = 0, free_slabs = 0;
	for (struct seg_slab *sl = s->pool; sl != NULL; sl = sl->next)
		free_slabs++;
	if (free_slabs > 0)
		largest = SEG_SMALL_MAX;
	for (unsigned c = SEG_CLASSES; c-- > 0 && largest == 0;)
		for (struct seg_slab *sl = s->avail[c]; sl != &s->none && sl != NULL; sl = sl->next)
			if (sl->free != NULL || sl->bump < sl->end) {
				largest = seg_sizes[c];
				break;
			}
	for (struct seg_segment *g = s->segments; g != NULL; g = g->next)
		segments++;
	book_fill(&s->book, out, "segfit", largest);
	alloc_stats_raw(out, "segments", segments);
	alloc_stats_raw(out, "free_slabs", free_slabs);
	alloc_stats_raw(out, "large_blocks", s->large.count);
}

static int seg_init(void **state, const char *options, char *err, size_t errlen)
{
	static const char *const onoff[] = { "on", "off" };
	unsigned huge = 0;
	struct alloc_opt o;
	int r;
	while ((r = alloc_opt_next(&options, &o, "segfit", err, errlen)) > 0) {
		if (strcmp(o.key, "huge") == 0)
			r = alloc_opt_word(&o, onoff, 2, &huge, "segfit", err, errlen);
		else
			r = alloc_opt_unknown(&o, "huge", "segfit", err, errlen);
		if (r != 0)
			return -1;
	}
	if (r < 0)
		return -1;
	size_t self = pages_round(sizeof(struct seg));
	struct seg *s = pages_map(self, 0, 0);
	if (s == NULL) {
		snprintf(err, errlen, "segfit: cannot map %zu bytes for its state", self);
		return -1;
	}
	for (unsigned c = 0; c < SEG_CLASSES; c++)
		s->avail[c] = &s->none;
	s->map_flags = huge == 0 ? PAGES_HUGE : 0;
	book_map(&s->book, self);
	*state = s;
	return 0;
}

static void seg_fini(void *state)
{
	struct seg *s = state;
	seg_unmap_all(s);
	pages_unmap(s, pages_round(sizeof *s));
}

const struct alloc_ops alloc_segfit = {
	.abi = ALLOC_ABI_CURRENT,
	.name = "segfit",
	.summary = SEGFIT_SUMMARY,
	.init = seg_init,
	.alloc = seg_alloc,
	.free = seg_free,
	.realloc = seg_realloc,
	.reset = seg_reset,
	.stats = seg_stats,
	.fini = seg_fini,
};
