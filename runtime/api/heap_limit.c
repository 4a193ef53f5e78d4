/* heap_limit.c — the limiting wrapper table (heap_limit.h).
 *
 * It never allocates for itself and never prints; a refused request is a
 * NULL for the model to report.  init and fini are the context's business
 * (the inner allocator's), so they are empty here.
 */
#include "heap_limit.h"

#include <stddef.h>

void heap_limit_start(struct heap_limit *h, const struct alloc_ops *inner, void *inner_state,
		      uint64_t limit, bool check_footprint)
{
	*h = (struct heap_limit){ .inner = inner, .inner_state = inner_state, .limit = limit,
				  .check_footprint = check_footprint };
}

static bool over_footprint(struct heap_limit *h, size_t size)
{
	h->since_check += size;
	if (!h->check_footprint || h->since_check < HEAP_LIMIT_CHECK)
		return false;
	h->since_check = 0;
	struct alloc_stats s = { 0 };
	h->inner->stats(h->inner_state, &s);
	return (s.known & ALLOC_KNOW_FOOTPRINT) && s.footprint > h->limit;
}

static void *lim_alloc(void *st, size_t size)
{
	struct heap_limit *h = st;
	if (size > h->limit - h->held || over_footprint(h, size))
		return NULL;
	void *p = h->inner->alloc(h->inner_state, size);
	if (p != NULL)
		h->held += size;
	return p;
}

static void lim_free(void *st, void *p, size_t size)
{
	struct heap_limit *h = st;
	h->held -= size;
	h->inner->free(h->inner_state, p, size);
}

static void *lim_realloc(void *st, void *p, size_t old_size, size_t new_size)
{
	struct heap_limit *h = st;
	if (new_size > old_size && new_size - old_size > h->limit - h->held)
		return NULL;
	void *q = h->inner->realloc(h->inner_state, p, old_size, new_size);
	if (q != NULL)
		h->held = h->held - old_size + new_size;
	return q;
}

static void lim_reset(void *st)
{
	struct heap_limit *h = st;
	h->held = 0;
	if (h->inner->reset != NULL)
		h->inner->reset(h->inner_state);
}

static void lim_stats(void *st, struct alloc_stats *out)
{
	struct heap_limit *h = st;
	h->inner->stats(h->inner_state, out);
}

static int lim_init(void **state, const char *options, char *err, size_t errlen)
{
	(void)state, (void)options, (void)err, (void)errlen;
	return 0;
}

static void lim_fini(void *st)
{
	(void)st;
}

const struct alloc_ops heap_limit_ops = {
	.abi = ALLOC_ABI_CURRENT,
	.name = "limited",
	.summary = "refuses requests past --heap-limit, for the allocator it wraps",
	.init = lim_init,
	.alloc = lim_alloc,
	.free = lim_free,
	.realloc = lim_realloc,
	.reset = lim_reset,
	.stats = lim_stats,
	.fini = lim_fini,
};
