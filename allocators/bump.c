/* bump.c — the arena: an allocation moves a pointer, a free does nothing.
 *
 * Blocks (16-byte rounded) are cut in address order from chunks mapped from
 * the OS, each twice the last up to 64 MiB.  Invariant: every byte below
 * cur, and every byte handed out from an older chunk, was handed out once
 * since the last reset and will not be again before the next one.
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

/* The head of every chunk, in the chunk's first bytes. */
struct bump_chunk {
	struct bump_chunk *next; /* older chunks */
	size_t size;             /* bytes mapped, this head included */
};

struct bump {
	char *cur, *end;    /* hot: the current chunk's free tail */
	uint64_t requested; /* live requests */
	char *base;         /* the current chunk's first block */
	uint64_t sealed;    /* bytes handed out from older chunks since reset */
	struct bump_chunk *chunks; /* every mapping, newest first */
	size_t next_size;
	unsigned map_flags;
	struct book book;   /* footprint and the peaks */
};

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
	book_map(&b->book, len);
	if (b->chunks != NULL)
		b->sealed = bump_allocated(b);
	k->next = b->chunks;
	k->size = len;
	b->chunks = k;
	b->base = (char *)(k + 1);
	b->cur = b->base + n;
	b->end = (char *)k + len;
	b->requested += size;
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
		return p;
	}
	return bump_grow(b, size);
}

/* Nothing is reused before a reset; only the books hear of it. */
static void bump_free(void *state, void *ptr, size_t size)
{
	struct bump *b = state;
	if (ptr != NULL)
		b->requested -= size;
}

static void *bump_realloc(void *state, void *ptr, size_t old_size, size_t new_size)
{
	struct bump *b = state;
	if (ptr == NULL)
		return bump_alloc(b, new_size);
	if (new_size > BOOK_MAX_REQUEST)
		return NULL;
	size_t old_n = bump_round(old_size), new_n = bump_round(new_size);
	char *p = ptr;
	/* The newest block grows or shrinks in place while the chunk has room. */
	if (p + old_n == b->cur && new_n <= old_n + (size_t)(b->end - b->cur)) {
		if (new_n < old_n) { /* allocated falls: keep its peak first */
			b->book.allocated = bump_allocated(b);
			book_note_peak(&b->book);
		}
		b->cur = p + new_n;
		b->requested += new_size - old_size;
		return p;
	}
	if (new_n <= old_n) {
		b->requested -= old_size - new_size;
		return p;
	}
	char *q = bump_alloc(b, new_size);
	if (q == NULL)
		return NULL;
	memcpy(q, p, old_size);
	b->requested -= old_size;
	return q;
}

/* Keep the largest chunk (the one a program that resets every round will
 * fill again), return the others to the OS. */
static void bump_reset(void *state)
{
	struct bump *b = state;
	b->book.allocated = bump_allocated(b);
	book_note_peak(&b->book);
	struct bump_chunk *keep = NULL;
	for (struct bump_chunk *k = b->chunks; k != NULL; k = k->next)
		if (keep == NULL || k->size > keep->size)
			keep = k;
	for (struct bump_chunk *k = b->chunks, *next; k != NULL; k = next) {
		next = k->next;
		if (k != keep) {
			book_unmap(&b->book, k->size);
			pages_unmap(k, k->size);
		}
	}
	b->chunks = keep;
	b->sealed = 0;
	b->requested = 0;
	b->base = b->cur = b->end = NULL;
	if (keep != NULL) {
		keep->next = NULL;
		b->base = b->cur = (char *)(keep + 1);
		b->end = (char *)keep + keep->size;
	}
}

static void bump_stats(void *state, struct alloc_stats *out)
{
	struct bump *b = state;
	b->book.requested = b->requested;
	b->book.allocated = bump_allocated(b);
	book_fill(&b->book, out, "bump", (uint64_t)(b->end - b->cur));
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
