/* bump.c — the arena: an allocation moves a pointer, a free only counts.
 *
 * Blocks (16-byte rounded) are cut in address order from chunks mapped from
 * the OS, each twice the last up to 64 MiB; when the last live block is
 * freed the arena rewinds to its newest chunk's start.  Invariant: every
 * byte below cur, and every byte handed out from an older chunk, was handed
 * out once since the last reset or rewind and will not be again before the
 * next one.  Committed: each chunk's pages up to the highest cursor it saw.
 */
#include "builtin.h"

#include <stdio.h>
#include <string.h>

#include "alloc_opt.h"
#include "book.h"
#include "pages.h"

#define BUMP_ALIGN 16u
#define BUMP_CHUNK_MAX ((size_t)64 << 20)
#define BUMP_BIG_CHUNK ((size_t)4 << 20) /* smaller ones: small pages, faulted lazily */
#define BUMP_HUGE_ALIGN ((size_t)2 << 20)
#define BUMP_ROOMS 64u /* moved blocks whose room is remembered */

/* A block realloc moved, with room to grow: its address and its bytes. */
struct bump_room {
	char *p;
	size_t size;
};

/* The head of every chunk, in the chunk's first bytes. */
struct bump_chunk {
	struct bump_chunk *next; /* older chunks */
	size_t size;             /* bytes mapped, this head included */
	size_t committed;        /* once sealed: its pages up to its last cursor */
	size_t spare;            /* 32 bytes: the first block is 16-aligned */
};

_Static_assert(sizeof(struct bump_chunk) % BUMP_ALIGN == 0, "blocks follow the head aligned");

struct bump {
	char *cur, *end;    /* hot: the current chunk's free tail */
	uint64_t requested; /* live requests */
	uint64_t live;      /* live blocks: at 0 the arena rewinds */
	char *base;         /* the current chunk's first block */
	char *high;         /* the highest cur in the current chunk (committed) */
	uint64_t sealed;    /* bytes handed out from older chunks since reset */
	uint64_t sealed_committed; /* older chunks' committed bytes */
	struct bump_chunk *chunks; /* every mapping, newest first */
	size_t next_size;
	unsigned map_flags;
	struct book book;   /* footprint and the peaks */
	struct bump_room rooms[BUMP_ROOMS]; /* by address hash; cleared at rewind */
};

static inline struct bump_room *bump_room_of(struct bump *b, const char *p)
{
	return &b->rooms[((uintptr_t)p * 0x9e3779b97f4a7c15u) >> 58];
}

/* Requests round to 16 bytes, and a zero-byte request takes 16 too, so
 * every block is distinct.  Sizes within 15 of SIZE_MAX give 0, which
 * never fits, so the slow path refuses them. */
static inline size_t bump_round(size_t size)
{
	return ((size | (size == 0)) + BUMP_ALIGN - 1) & ~(size_t)(BUMP_ALIGN - 1);
}

static uint64_t bump_allocated(const struct bump *b)
{
	return b->sealed + (uint64_t)(b->cur - b->base);
}

/* The current chunk's committed bytes: its pages up to the highest cursor. */
static uint64_t bump_chunk_committed(struct bump *b)
{
	if (b->chunks == NULL)
		return 0;
	if (b->cur > b->high)
		b->high = b->cur;
	return pages_round((size_t)(b->high - (char *)b->chunks));
}

/* Bring the books' allocated and committed figures (kept lazily: the
 * cursor is the truth) up to date, peaks included. */
static void bump_sync(struct bump *b)
{
	b->book.allocated = bump_allocated(b);
	uint64_t committed = pages_round(sizeof *b) + b->sealed_committed + bump_chunk_committed(b);
	/* rises first, so a snapshot at peak requested sees the pages its
	 * blocks stand on; a fall notes the peaks before it */
	if (committed > b->book.footprint)
		book_commit(&b->book, committed - b->book.footprint);
	book_note_peak(&b->book);
	if (committed < b->book.footprint)
		book_decommit(&b->book, b->book.footprint - committed);
}

static int bump_init(void **state, const char *options, char *err, size_t errlen)
{
	size_t first = (size_t)1 << 20;
	unsigned huge = 0, prefault = 1; /* indexes into onoff: huge on, prefault off */
	static const char *const onoff[] = { "on", "off" };
	struct alloc_opt o;
	int r;
	while ((r = alloc_opt_next(&options, &o, "bump", err, errlen)) > 0) {
		if (strcmp(o.key, "chunk") == 0)
			r = alloc_opt_size(&o, 4096, BUMP_CHUNK_MAX, &first, "bump", err, errlen);
		else if (strcmp(o.key, "huge") == 0)
			r = alloc_opt_word(&o, onoff, 2, &huge, "bump", err, errlen);
		else if (strcmp(o.key, "prefault") == 0)
			r = alloc_opt_word(&o, onoff, 2, &prefault, "bump", err, errlen);
		else
			r = alloc_opt_unknown(&o, "chunk, huge, prefault", "bump", err, errlen);
		if (r != 0)
			return -1;
	}
	if (r < 0)
		return -1;
	size_t self = pages_round(sizeof(struct bump));
	struct bump *b = pages_map(self, 0, 0);
	if (b == NULL) {
		snprintf(err, errlen, "bump: cannot map %zu bytes for its state", self);
		return -1;
	}
	b->next_size = pages_round(first);
	b->map_flags = (huge == 0 ? PAGES_HUGE : 0) | (prefault == 0 ? PAGES_POPULATE : 0);
	book_map(&b->book, self);
	*state = b;
	return 0;
}

/* The request does not fit in the current chunk: start a new one.  Kept
 * out of line so the fast path needs no registers saved. */
static __attribute__((noinline)) void *bump_grow(struct bump *b, size_t size)
{
	if (size > BOOK_MAX_REQUEST)
		return NULL;
	size_t n = bump_round(size);
	size_t need = pages_round(n + sizeof(struct bump_chunk));
	size_t len = need > b->next_size ? need : b->next_size;
	/* Every byte of a chunk will be written in order, so a big chunk is
	 * asked for on huge pages (512 times fewer faults), and with prefault=on
	 * faulted in by one call as it is mapped (measured: no faster here, as
	 * zeroing the pages is the cost; docs/allocators.md). */
	unsigned flags = len >= BUMP_BIG_CHUNK ? b->map_flags : 0;
	size_t align = (flags & PAGES_HUGE) ? BUMP_HUGE_ALIGN : 0;
	struct bump_chunk *k = pages_map(len, align, flags);
	if (k == NULL)
		return NULL;
	book_reserve(&b->book, len);
	if (b->chunks != NULL) {
		bump_sync(b);
		b->sealed = bump_allocated(b);
		b->chunks->committed = bump_chunk_committed(b);
		b->sealed_committed += b->chunks->committed;
	}
	k->next = b->chunks;
	k->size = len;
	b->chunks = k;
	b->base = (char *)(k + 1);
	b->cur = b->high = b->base + n;
	b->end = (char *)k + len;
	b->requested += size;
	b->live++;
	if (b->next_size < BUMP_CHUNK_MAX)
		b->next_size *= 2;
	return b->base;
}

static void *bump_alloc(void *state, size_t size)
{
	struct bump *b = state;
	size_t n = bump_round(size);
	if (__builtin_expect(n - 1 < (size_t)(b->end - b->cur), 1)) {
		char *p = b->cur;
		b->cur = p + n;
		b->requested += size;
		b->live++;
		return p;
	}
	return bump_grow(b, size);
}

/* No block is live: start again at the newest chunk's first block (the
 * largest but at 64 MiB, so the one a program that refills its heap needs),
 * and give the older chunks back.  Their pages stay committed until then. */
static __attribute__((noinline)) void bump_rewind(struct bump *b)
{
	bump_sync(b);
	struct bump_chunk *k = b->chunks;
	for (struct bump_chunk *o = k->next, *next; o != NULL; o = next) {
		next = o->next;
		book_unreserve(&b->book, o->size);
		pages_unmap(o, o->size);
	}
	k->next = NULL;
	b->sealed = 0;
	b->sealed_committed = 0;
	b->cur = b->base;
	memset(b->rooms, 0, sizeof b->rooms);
	bump_sync(b);
}

/* requested is about to fall: when it stands at a new peak, the books
 * take their snapshot of that moment first (book_note_peak). */
static void bump_note_requested(struct bump *b)
{
	if (b->requested > b->book.peak_requested) {
		b->book.requested = b->requested;
		bump_sync(b);
	}
}

/* Nothing is reused before the last live block goes; until then only the
 * books hear of a free. */
static void bump_free(void *state, void *ptr, size_t size)
{
	struct bump *b = state;
	if (ptr != NULL) {
		bump_note_requested(b);
		b->requested -= size;
		if (__builtin_expect(--b->live == 0, 0))
			bump_rewind(b);
	}
}

static void *bump_realloc(void *state, void *ptr, size_t old_size, size_t new_size)
{
	struct bump *b = state;
	if (ptr == NULL)
		return bump_alloc(b, new_size);
	if (new_size > BOOK_MAX_REQUEST)
		return NULL;
	size_t new_n = bump_round(new_size);
	char *p = ptr;
	/* the block's bytes: its rounded size, or the room it was moved with */
	struct bump_room *r = bump_room_of(b, p);
	size_t have = r->p == p ? r->size : bump_round(old_size);
	/* The newest block grows or shrinks in place while the chunk has room. */
	if (p + have == b->cur && new_n <= have + (size_t)(b->end - b->cur)) {
		if (new_n < have || new_size < old_size) { /* a fall: peaks first */
			bump_note_requested(b);
			bump_sync(b);
		}
		b->cur = p + new_n;
		b->requested += new_size - old_size;
		if (r->p == p)
			r->size = new_n;
		return p;
	}
	if (new_n <= have) {
		if (new_size < old_size)
			bump_note_requested(b);
		b->requested += new_size - old_size;
		return p;
	}
	/* Move, with as much room again: a block grown step by step is then
	 * copied a logarithmic number of times, not at every step. */
	size_t room = new_n + (new_n < BUMP_CHUNK_MAX ? new_n : BUMP_CHUNK_MAX);
	bump_note_requested(b);
	char *q = bump_alloc(b, room);
	if (q == NULL)
		return NULL;
	memcpy(q, p, old_size);
	/* a fall from a count that held the old block and the new one's
	 * spare room: the peak was noted before the move, not here */
	b->requested -= old_size + (room - new_size);
	b->live--; /* the old block; the new one was counted */
	struct bump_room *qr = bump_room_of(b, q);
	qr->p = q;
	qr->size = room;
	return q;
}

/* Keep the largest chunk (the one a program that resets every round will
 * fill again), return the others to the OS. */
static void bump_reset(void *state)
{
	struct bump *b = state;
	bump_note_requested(b);
	bump_sync(b);
	struct bump_chunk *keep = NULL, *current = b->chunks;
	char *high = b->high;
	for (struct bump_chunk *k = b->chunks; k != NULL; k = k->next)
		if (keep == NULL || k->size > keep->size)
			keep = k;
	for (struct bump_chunk *k = b->chunks, *next; k != NULL; k = next) {
		next = k->next;
		if (k != keep) {
			book_unreserve(&b->book, k->size);
			pages_unmap(k, k->size);
		}
	}
	b->chunks = keep;
	b->sealed = 0;
	b->sealed_committed = 0;
	b->requested = 0;
	b->live = 0;
	memset(b->rooms, 0, sizeof b->rooms);
	b->base = b->cur = b->end = NULL;
	b->high = high;
	if (keep != NULL) {
		keep->next = NULL;
		b->base = b->cur = (char *)(keep + 1);
		b->end = (char *)keep + keep->size;
		/* its pages stay touched: committed as far as they were */
		if (keep != current)
			b->high = (char *)keep + keep->committed;
	}
	bump_sync(b);
}

static void bump_stats(void *state, struct alloc_stats *out)
{
	struct bump *b = state;
	b->book.requested = b->requested;
	bump_sync(b);
	/* the committed part of the tail: beyond it a request commits pages */
	char *committed_end = b->chunks ? (char *)b->chunks + bump_chunk_committed(b) : NULL;
	book_fill(&b->book, out, "bump",
		  committed_end > b->cur ? (uint64_t)(committed_end - b->cur) : 0);
	alloc_stats_raw(out, "chunk_bytes_next", b->next_size);
}

static void bump_fini(void *state)
{
	struct bump *b = state;
	for (struct bump_chunk *k = b->chunks, *next; k != NULL; k = next) {
		next = k->next;
		pages_unmap(k, k->size);
	}
	pages_unmap(b, pages_round(sizeof *b));
}

const struct alloc_ops alloc_bump = {
	.abi = ALLOC_ABI_CURRENT,
	.name = "bump",
	.summary = BUMP_SUMMARY,
	.init = bump_init,
	.alloc = bump_alloc,
	.free = bump_free,
	.realloc = bump_realloc,
	.reset = bump_reset,
	.stats = bump_stats,
	.fini = bump_fini,
};
