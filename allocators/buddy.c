/* buddy.c — the binary buddy system: power-of-two blocks, split and merged.
 *
 * Order-k blocks (16 B to 2 MiB) sit at multiples of 2^k in 4 MiB-aligned
 * arenas, so a buddy is one flipped offset bit away; a bitmap per order says
 * which free blocks start where.  Invariants: a block is on its order's list
 * iff its bit is set; two free buddies of one order never coexist.  An
 * arena is reserved whole; a page counts committed from the first time a
 * block covering it is handed out or a free block's links are written in it.
 */
#include "builtin.h"

#include <stdio.h>
#include <string.h>

#include "alloc_opt.h"
#include "book.h"
#include "large.h"
#include "pages.h"

#define BUDDY_MIN 4u                 /* 16 bytes */
#define BUDDY_TOP 21u                /* 2 MiB: the largest block */
#define BUDDY_ARENA_ORDER 22u
#define BUDDY_ARENA ((size_t)1 << BUDDY_ARENA_ORDER)
#define BUDDY_BLOCK_MAX ((size_t)1 << BUDDY_TOP)
#define BUDDY_PAGE_ORDER 12u /* the committed figure's granule: 4 KiB pages */
#define BUDDY_PAGES (BUDDY_ARENA >> BUDDY_PAGE_ORDER)

struct buddy_node {
	struct buddy_node *next, *prev;
};

/* Words of the order-k bitmap: one bit per possible block. */
#define BUDDY_WORDS(k) ((((size_t)1 << (BUDDY_ARENA_ORDER - (k))) + 63) / 64)

struct buddy_arena {
	struct buddy_arena *next, *prev;
	uint64_t used;  /* bytes handed out from this arena */
	uint64_t committed;                  /* bytes of its touched pages */
	uint64_t touched[BUDDY_PAGES / 64];  /* bit p: page p is committed */
	uint64_t bits[]; /* the bitmaps of orders BUDDY_MIN..BUDDY_TOP, in order */
};

struct buddy {
	uint32_t nonempty; /* bit k set iff the order-k list is not empty */
	struct buddy_node lists[BUDDY_TOP + 1]; /* circular, the entry is the sentinel */
	size_t bit_base[BUDDY_TOP + 1]; /* first word of each order's bitmap */
	size_t meta;    /* bytes at the start of every arena holding its bitmaps */
	struct buddy_arena *arenas;
	struct large_list large;
	struct book book;
	unsigned map_flags;
};

static inline unsigned buddy_order(size_t size)
{
	return size <= 16 ? BUDDY_MIN : 64u - (unsigned)__builtin_clzll((unsigned long long)size - 1);
}

static inline struct buddy_arena *buddy_arena_of(void *p)
{
	return (struct buddy_arena *)((uintptr_t)p & ~(uintptr_t)(BUDDY_ARENA - 1));
}

static inline size_t buddy_offset(struct buddy_arena *a, void *p)
{
	return (size_t)((char *)p - (char *)a);
}

static inline uint64_t *buddy_word(struct buddy *d, struct buddy_arena *a, unsigned k,
				   size_t off, uint64_t *mask)
{
	size_t i = off >> k;
	*mask = (uint64_t)1 << (i & 63);
	return &a->bits[d->bit_base[k] + i / 64];
}

static inline bool buddy_is_free(struct buddy *d, struct buddy_arena *a, unsigned k, size_t off)
{
	uint64_t mask;
	const uint64_t *w = buddy_word(d, a, k, off, &mask); /* before mask is read */
	return (*w & mask) != 0;
}

/* Count the pages of [off, off + len) committed, those not yet counted. */
static void buddy_touch(struct buddy *d, struct buddy_arena *a, size_t off, size_t len)
{
	size_t last = (off + len - 1) >> BUDDY_PAGE_ORDER;
	for (size_t p = off >> BUDDY_PAGE_ORDER; p <= last; p++) {
		uint64_t m = (uint64_t)1 << (p & 63);
		if (!(a->touched[p / 64] & m)) {
			a->touched[p / 64] |= m;
			a->committed += (size_t)1 << BUDDY_PAGE_ORDER;
			book_commit(&d->book, (size_t)1 << BUDDY_PAGE_ORDER);
		}
	}
}

static inline void buddy_touch_one(struct buddy *d, struct buddy_arena *a, size_t off)
{
	size_t p = off >> BUDDY_PAGE_ORDER;
	if (__builtin_expect(!(a->touched[p / 64] & ((uint64_t)1 << (p & 63))), 0))
		buddy_touch(d, a, off, 1);
}

/* Put the block at offset off of arena a on order k's list, bit set. */
static inline void buddy_put(struct buddy *d, struct buddy_arena *a, unsigned k, size_t off)
{
	buddy_touch_one(d, a, off); /* its links are written there */
	uint64_t mask;
	uint64_t *w = buddy_word(d, a, k, off, &mask); /* before mask is read */
	*w |= mask;
	struct buddy_node *n = (struct buddy_node *)(void *)((char *)a + off);
	struct buddy_node *head = &d->lists[k];
	n->prev = head;
	n->next = head->next;
	head->next->prev = n;
	head->next = n;
	d->nonempty |= 1u << k;
}

/* Take a block off order k's list, bit cleared. */
static inline void buddy_take(struct buddy *d, struct buddy_arena *a, unsigned k, size_t off)
{
	uint64_t mask;
	uint64_t *w = buddy_word(d, a, k, off, &mask); /* before mask is read */
	*w &= ~mask;
	struct buddy_node *n = (struct buddy_node *)(void *)((char *)a + off);
	n->prev->next = n->next;
	n->next->prev = n->prev;
	if (d->lists[k].next == &d->lists[k])
		d->nonempty &= ~(1u << k);
}

/* The free blocks of an empty arena: [meta, 4 MiB) cut into the largest
 * aligned blocks, which is also what merging leaves when the arena empties. */
static size_t buddy_first_cut(size_t off, unsigned *k)
{
	unsigned order = (unsigned)__builtin_ctzll((unsigned long long)off);
	if (order > BUDDY_TOP)
		order = BUDDY_TOP;
	while (off + ((size_t)1 << order) > BUDDY_ARENA)
		order--;
	*k = order;
	return (size_t)1 << order;
}

static bool buddy_arena_new(struct buddy *d)
{
	struct buddy_arena *a = pages_map(BUDDY_ARENA, BUDDY_ARENA, d->map_flags);
	if (a == NULL)
		return false;
	book_reserve(&d->book, BUDDY_ARENA);
	buddy_touch(d, a, 0, d->meta); /* the head and the bitmaps */
	a->prev = NULL;
	a->next = d->arenas;
	if (d->arenas != NULL)
		d->arenas->prev = a;
	d->arenas = a;
	for (size_t off = d->meta; off < BUDDY_ARENA;) {
		unsigned k;
		size_t len = buddy_first_cut(off, &k);
		buddy_put(d, a, k, off);
		off += len;
	}
	return true;
}

static bool buddy_other_empty(const struct buddy *d, const struct buddy_arena *a)
{
	for (const struct buddy_arena *o = d->arenas; o != NULL; o = o->next)
		if (o != a && o->used == 0)
			return true;
	return false;
}

/* Arena a has just emptied: keep one empty arena as a spare, return any
 * other to the OS (its free blocks are exactly the first cut). */
static void buddy_arena_emptied(struct buddy *d, struct buddy_arena *a)
{
	if (!buddy_other_empty(d, a))
		return;
	for (size_t off = d->meta; off < BUDDY_ARENA;) {
		unsigned k;
		size_t len = buddy_first_cut(off, &k);
		buddy_take(d, a, k, off);
		off += len;
	}
	if (a->prev != NULL)
		a->prev->next = a->next;
	else
		d->arenas = a->next;
	if (a->next != NULL)
		a->next->prev = a->prev;
	book_decommit(&d->book, a->committed);
	book_unreserve(&d->book, BUDDY_ARENA);
	pages_unmap(a, BUDDY_ARENA);
}

static void *buddy_alloc(void *state, size_t size)
{
	struct buddy *d = state;
	if (size > BUDDY_BLOCK_MAX)
		return large_alloc(&d->large, &d->book, size);
	unsigned k = buddy_order(size);
	uint32_t fit = d->nonempty >> k << k;
	if (fit == 0) {
		if (!buddy_arena_new(d))
			return NULL;
		fit = d->nonempty >> k << k;
	}
	unsigned j = (unsigned)__builtin_ctz(fit);
	struct buddy_node *n = d->lists[j].next;
	struct buddy_arena *a = buddy_arena_of(n);
	size_t off = buddy_offset(a, n);
	buddy_take(d, a, j, off);
	while (j > k) { /* split: the upper halves go free */
		j--;
		buddy_put(d, a, j, off + ((size_t)1 << j));
	}
	a->used += (size_t)1 << k;
	if (k >= BUDDY_PAGE_ORDER)
		buddy_touch(d, a, off, (size_t)1 << k);
	else
		buddy_touch_one(d, a, off);
	book_give(&d->book, size, (size_t)1 << k);
	return n;
}

static void buddy_free(void *state, void *ptr, size_t size)
{
	struct buddy *d = state;
	if (ptr == NULL)
		return;
	if (size > BUDDY_BLOCK_MAX) {
		large_free(&d->large, &d->book, ptr, size);
		return;
	}
	unsigned k = buddy_order(size);
	struct buddy_arena *a = buddy_arena_of(ptr);
	size_t off = buddy_offset(a, ptr);
	a->used -= (size_t)1 << k;
	book_take(&d->book, size, (size_t)1 << k);
	while (k < BUDDY_TOP && buddy_is_free(d, a, k, off ^ ((size_t)1 << k))) {
		buddy_take(d, a, k, off ^ ((size_t)1 << k));
		off &= ~((size_t)1 << k);
		k++;
	}
	buddy_put(d, a, k, off);
	if (a->used == 0)
		buddy_arena_emptied(d, a);
}

static void *buddy_realloc(void *state, void *ptr, size_t old_size, size_t new_size)
{
	struct buddy *d = state;
	if (ptr == NULL)
		return buddy_alloc(d, new_size);
	if (new_size > BOOK_MAX_REQUEST)
		return NULL;
	bool old_small = old_size <= BUDDY_BLOCK_MAX, new_small = new_size <= BUDDY_BLOCK_MAX;
	if (!old_small && !new_small)
		return large_realloc(&d->large, &d->book, ptr, old_size, new_size);
	if (old_small && new_small && buddy_order(new_size) <= buddy_order(old_size)) {
		/* Shrink in place: the upper halves go free (their buddies are
		 * the block itself, so they cannot merge). */
		unsigned ko = buddy_order(old_size), kn = buddy_order(new_size);
		struct buddy_arena *a = buddy_arena_of(ptr);
		size_t off = buddy_offset(a, ptr);
		for (unsigned j = ko; j-- > kn;)
			buddy_put(d, a, j, off + ((size_t)1 << j));
		size_t released = ((size_t)1 << ko) - ((size_t)1 << kn);
		a->used -= released;
		book_take(&d->book, 0, released);
		book_resize(&d->book, old_size, new_size);
		return ptr;
	}
	void *q = buddy_alloc(d, new_size);
	if (q == NULL)
		return NULL;
	memcpy(q, ptr, old_size < new_size ? old_size : new_size);
	buddy_free(d, ptr, old_size);
	return q;
}

static void buddy_unmap_all(struct buddy *d)
{
	for (struct buddy_arena *a = d->arenas, *next; a != NULL; a = next) {
		next = a->next;
		pages_unmap(a, BUDDY_ARENA);
	}
	d->arenas = NULL;
	large_release_all(&d->large);
	for (unsigned k = 0; k <= BUDDY_TOP; k++)
		d->lists[k].next = d->lists[k].prev = &d->lists[k];
	d->nonempty = 0;
}

/* Every block at once: arenas and large blocks go back to the OS. */
static void buddy_reset(void *state)
{
	struct buddy *d = state;
	book_note_peak(&d->book);
	buddy_unmap_all(d);
	d->book.requested = 0;
	d->book.allocated = 0;
	d->book.footprint = d->book.reserved = pages_round(sizeof *d);
}

static bool buddy_all_touched(const struct buddy_arena *a, size_t off, size_t len)
{
	for (size_t p = off >> BUDDY_PAGE_ORDER; p <= (off + len - 1) >> BUDDY_PAGE_ORDER; p++)
		if (!(a->touched[p / 64] & ((uint64_t)1 << (p & 63))))
			return false;
	return true;
}

/* The largest 2^k a request gets without committing a page: the block
 * allocation would split for it (the head of the least non-empty order at
 * or above k) must have its first 2^k bytes committed already. */
static uint64_t buddy_largest_free(struct buddy *d)
{
	for (unsigned k = BUDDY_TOP + 1; k-- > BUDDY_MIN;) {
		uint32_t fit = d->nonempty >> k << k;
		if (fit == 0)
			continue;
		struct buddy_node *n = d->lists[__builtin_ctz(fit)].next;
		struct buddy_arena *a = buddy_arena_of(n);
		if (buddy_all_touched(a, buddy_offset(a, n), (size_t)1 << k))
			return (uint64_t)1 << k;
	}
	return 0;
}

static void buddy_stats(void *state, struct alloc_stats *out)
{
	struct buddy *d = state;
	uint64_t arenas = 0;
	for (struct buddy_arena *a = d->arenas; a != NULL; a = a->next)
		arenas++;
	uint64_t largest = buddy_largest_free(d);
	book_fill(&d->book, out, "buddy", largest);
	alloc_stats_raw(out, "arenas", arenas);
	/* the largest free block, committed or not */
	alloc_stats_raw(out, "largest_block",
			d->nonempty ? (uint64_t)1 << (31 - __builtin_clz(d->nonempty)) : 0);
	alloc_stats_raw(out, "metadata_per_arena", d->meta);
	alloc_stats_raw(out, "large_blocks", d->large.count);
	alloc_stats_raw(out, "large_cached", d->large.cached);
}

static int buddy_init(void **state, const char *options, char *err, size_t errlen)
{
	static const char *const onoff[] = { "on", "off" };
	unsigned huge = 1;
	struct alloc_opt o;
	int r;
	while ((r = alloc_opt_next(&options, &o, "buddy", err, errlen)) > 0) {
		if (strcmp(o.key, "huge") == 0)
			r = alloc_opt_word(&o, onoff, 2, &huge, "buddy", err, errlen);
		else
			r = alloc_opt_unknown(&o, "huge", "buddy", err, errlen);
		if (r != 0)
			return -1;
	}
	if (r < 0)
		return -1;
	size_t self = pages_round(sizeof(struct buddy));
	struct buddy *d = pages_map(self, 0, 0);
	if (d == NULL) {
		snprintf(err, errlen, "buddy: cannot map %zu bytes for its state", self);
		return -1;
	}
	size_t words = 0;
	for (unsigned k = BUDDY_MIN; k <= BUDDY_TOP; k++) {
		d->bit_base[k] = words;
		words += BUDDY_WORDS(k);
	}
	d->meta = (sizeof(struct buddy_arena) + words * sizeof(uint64_t) + 15) & ~(size_t)15;
	for (unsigned k = 0; k <= BUDDY_TOP; k++)
		d->lists[k].next = d->lists[k].prev = &d->lists[k];
	d->map_flags = huge == 0 ? PAGES_HUGE : 0;
	book_map(&d->book, self);
	*state = d;
	return 0;
}

static void buddy_fini(void *state)
{
	struct buddy *d = state;
	buddy_unmap_all(d);
	pages_unmap(d, pages_round(sizeof *d));
}

const struct alloc_ops alloc_buddy = {
	.abi = ALLOC_ABI_CURRENT,
	.name = "buddy",
	.summary = BUDDY_SUMMARY,
	.init = buddy_init,
	.alloc = buddy_alloc,
	.free = buddy_free,
	.realloc = buddy_realloc,
	.reset = buddy_reset,
	.stats = buddy_stats,
	.fini = buddy_fini,
};
