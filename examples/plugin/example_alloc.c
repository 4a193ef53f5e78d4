/* example_alloc.c — a plug-in allocator for mmlab to copy and change.
 *
 * Quick fit: requests up to 1 KiB round up to a multiple of 16, each size
 * with a LIFO list of free blocks cut from 64 KiB chunks; bigger ones get a
 * mapping each.  Sized frees mean no block needs a header.  Invariant:
 * every block on list i is i * 16 bytes, and the books are exact.
 */
#define _DEFAULT_SOURCE 1 /* mmap and MAP_ANONYMOUS under -std=c11 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "allocators/allocator.h"

#define EX_STEP 16u
#define EX_SMALL_MAX 1024u
#define EX_LISTS (EX_SMALL_MAX / EX_STEP + 1)
#define EX_CHUNK ((size_t)64 << 10)
#define EX_PAGE ((size_t)4096)
/* No mapping this big can succeed; refusing it early keeps rounding safe. */
#define EX_MAX_REQUEST ((size_t)1 << 46)

/* The first bytes of every mapping, so fini can give them all back. */
struct ex_map {
	struct ex_map *next, *prev;
	size_t bytes;
	size_t spare; /* keeps the block after a large head 16-aligned */
};

struct ex {
	void *lists[EX_LISTS]; /* free blocks, linked through their first word */
	char *cur, *end;       /* the current chunk's uncut tail */
	struct ex_map *maps;   /* chunks and large blocks */
	uint64_t requested, allocated, footprint;
	uint64_t peak_allocated, peak_footprint;
};

static void *ex_map(struct ex *x, size_t bytes)
{
	struct ex_map *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	m->bytes = bytes;
	m->prev = NULL;
	m->next = x->maps;
	if (x->maps != NULL)
		x->maps->prev = m;
	x->maps = m;
	x->footprint += bytes;
	if (x->footprint > x->peak_footprint)
		x->peak_footprint = x->footprint;
	return m;
}

static void ex_unmap(struct ex *x, struct ex_map *m)
{
	if (m->prev != NULL)
		m->prev->next = m->next;
	else
		x->maps = m->next;
	if (m->next != NULL)
		m->next->prev = m->prev;
	x->footprint -= m->bytes;
	munmap(m, m->bytes);
}

/* Bytes one request takes: a list's size, or a whole large mapping. */
static size_t ex_block(size_t size)
{
	if (size <= EX_SMALL_MAX)
		return size == 0 ? EX_STEP : (size + EX_STEP - 1) & ~(size_t)(EX_STEP - 1);
	return (size + sizeof(struct ex_map) + EX_PAGE - 1) & ~(EX_PAGE - 1);
}

static int ex_init(void **state, const char *options, char *err, size_t errlen)
{
	if (options != NULL && *options != '\0') {
		snprintf(err, errlen, "example: takes no options (got '%s')", options);
		return -1;
	}
	struct ex *x = mmap(NULL, sizeof *x, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x == MAP_FAILED) {
		snprintf(err, errlen, "example: cannot map its state");
		return -1;
	}
	/* mmap gives zeroed memory: every list empty, no chunk.  The state's
	 * page is held from the OS too, so it counts in the footprint. */
	x->footprint = x->peak_footprint = (sizeof *x + EX_PAGE - 1) & ~(EX_PAGE - 1);
	*state = x;
	return 0;
}

static void *ex_alloc(void *state, size_t size)
{
	struct ex *x = state;
	if (size > EX_MAX_REQUEST)
		return NULL;
	size_t n = ex_block(size);
	void *p;
	if (size > EX_SMALL_MAX) {
		struct ex_map *m = ex_map(x, n);
		if (m == NULL)
			return NULL;
		p = m + 1;
	} else if (x->lists[n / EX_STEP] != NULL) {
		p = x->lists[n / EX_STEP];
		x->lists[n / EX_STEP] = *(void **)p;
	} else {
		if ((size_t)(x->end - x->cur) < n) {
			/* The old tail is lost until a reset: a quick-fit trade-off. */
			struct ex_map *m = ex_map(x, EX_CHUNK);
			if (m == NULL)
				return NULL;
			x->cur = (char *)(m + 1);
			x->end = (char *)m + EX_CHUNK;
		}
		p = x->cur;
		x->cur += n;
	}
	x->requested += size;
	x->allocated += n;
	return p;
}

static void ex_free(void *state, void *ptr, size_t size)
{
	struct ex *x = state;
	if (ptr == NULL)
		return;
	size_t n = ex_block(size);
	if (x->allocated > x->peak_allocated) /* allocated falls only here */
		x->peak_allocated = x->allocated;
	x->requested -= size;
	x->allocated -= n;
	if (size > EX_SMALL_MAX) {
		ex_unmap(x, (struct ex_map *)ptr - 1);
	} else {
		*(void **)ptr = x->lists[n / EX_STEP];
		x->lists[n / EX_STEP] = ptr;
	}
}

static void *ex_realloc(void *state, void *ptr, size_t old_size, size_t new_size)
{
	struct ex *x = state;
	if (ptr == NULL)
		return ex_alloc(x, new_size);
	if (new_size > EX_MAX_REQUEST)
		return NULL; /* the old block stays as it was */
	if (old_size <= EX_SMALL_MAX && new_size <= EX_SMALL_MAX &&
	    ex_block(old_size) == ex_block(new_size)) {
		x->requested += new_size - old_size;
		return ptr;
	}
	void *q = ex_alloc(x, new_size);
	if (q == NULL)
		return NULL;
	memcpy(q, ptr, old_size < new_size ? old_size : new_size);
	ex_free(x, ptr, old_size);
	return q;
}

static void ex_reset(void *state)
{
	struct ex *x = state;
	if (x->allocated > x->peak_allocated)
		x->peak_allocated = x->allocated;
	while (x->maps != NULL)
		ex_unmap(x, x->maps);
	memset(x->lists, 0, sizeof x->lists);
	x->cur = x->end = NULL;
	x->requested = x->allocated = 0;
}

static void ex_stats(void *state, struct alloc_stats *out)
{
	struct ex *x = state;
	if (x->allocated > x->peak_allocated)
		x->peak_allocated = x->allocated;
	/* The largest request served without a new mapping: the biggest size
	 * with a free block, or a cut from the chunk's tail (small sizes only). */
	uint64_t tail = (uint64_t)(x->end - x->cur), largest = 0;
	for (size_t i = EX_LISTS; i-- > 1 && largest == 0;)
		if (x->lists[i] != NULL)
			largest = i * EX_STEP;
	if (tail > EX_SMALL_MAX)
		tail = EX_SMALL_MAX;
	if (tail > largest)
		largest = tail;
	*out = (struct alloc_stats){ .backend = "example" };
	out->requested = x->requested;
	out->allocated = x->allocated;
	out->footprint = x->footprint;
	out->free_bytes = x->footprint - x->allocated;
	out->largest_free = largest;
	out->peak_allocated = x->peak_allocated;
	out->peak_footprint = x->peak_footprint;
	out->known = ALLOC_KNOW_REQUESTED | ALLOC_KNOW_ALLOCATED | ALLOC_KNOW_FOOTPRINT |
		     ALLOC_KNOW_FREE | ALLOC_KNOW_LARGEST_FREE | ALLOC_KNOW_PEAK_ALLOCATED |
		     ALLOC_KNOW_PEAK_FOOTPRINT;
}

static void ex_fini(void *state)
{
	struct ex *x = state;
	ex_reset(x);
	munmap(x, sizeof *x);
}

/* The one symbol mmlab looks for. */
const struct alloc_ops mmlab_allocator = {
	.abi = ALLOC_ABI_CURRENT,
	.name = "example",
	.summary = "quick fit: 64 exact-size free lists on 64 KiB chunks",
	.init = ex_init,
	.alloc = ex_alloc,
	.free = ex_free,
	.realloc = ex_realloc,
	.reset = ex_reset,
	.stats = ex_stats,
	.fini = ex_fini,
};
