/* mmu.c — the exact MMU sweep, pruned by block bounds.
 *
 * P(a), the pause time in [a, a + w), peaks at a pause start or at an end
 * of the range of starts (argued above sweep); blocks of starts whose bound
 * cannot beat the best exact value are skipped (argued above mmu_at). */
#include "mmu.h"

#include <stdbool.h>

#include "probe_mem.h"

/* A reader that knows F at the start of its current pause: pause time
 * before it (f), and the pause itself (s, e), clamped to the run. */
struct cursor {
	struct plog_reader rd;
	uint64_t s, e, f;
	bool done;
};

static void cur_load(struct cursor *c, uint64_t len)
{
	struct plog_entry p;
	if (!plog_next(&c->rd, &p)) {
		c->done = true;
		c->s = c->e = UINT64_MAX;
		return;
	}
	c->s = p.start < len ? p.start : len;
	c->e = p.end < len ? p.end : len;
}

static void cur_step(struct cursor *c, uint64_t len)
{
	c->f += c->e - c->s;
	cur_load(c, len);
}

/* F(x) with x not before the cursor's pause: steps past the pauses that
 * end by x, then adds the part of the one x falls in. */
static uint64_t cur_f(struct cursor *c, uint64_t x, uint64_t len)
{
	while (c->e <= x)
		cur_step(c, len);
	return c->f + (c->s < x ? x - c->s : 0);
}

/* The log's marks cut the starts into blocks: block b holds the starts in
 * [lo_b, lo_b+1), lo_b being the start of pause b * PLOG_BLOCK (lo_0 = 0),
 * and F(lo_b), the pause time before it, is known exactly.  So
 *   max P over block b  <=  F(hi + w) - F(lo_b),   hi = min(lo_b+1, L - w),
 * and F(y) is bounded from the marks alone: all pauses up to the end of y's
 * block, and no more than y - lo of y's block. */
struct blocks {
	const struct plog *log;
	uint64_t n;   /* blocks */
	uint64_t len; /* the run's length */
};

/* lo_b, and F(lo_b); block n is the end of the run. */
static uint64_t lo_of(const struct blocks *k, uint64_t b)
{
	if (b == 0)
		return 0;
	if (b >= k->n)
		return k->len;
	uint64_t s = k->log->mark[b].start;
	return s < k->len ? s : k->len;
}

static uint64_t before_of(const struct blocks *k, uint64_t b)
{
	return b == 0 ? 0 : b >= k->n ? k->log->total : k->log->mark[b].before;
}

/* The end of block b's starts: lo_b+1, or the last start of all. */
static uint64_t hi_of(const struct blocks *k, uint64_t b, uint64_t last)
{
	uint64_t hi = lo_of(k, b + 1);
	return hi < last ? hi : last;
}

/* The block y falls in: the last b < n with lo_b <= y. */
static uint64_t block_of(const struct blocks *k, uint64_t y)
{
	uint64_t lo = 0, hi = k->n - 1;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo + 1) / 2;
		if (lo_of(k, mid) <= y)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* An upper bound of F(y) from the marks; *hint is y's block, advanced
 * monotonically by callers whose y only grow. */
static uint64_t f_bound(const struct blocks *k, uint64_t y, uint64_t *hint)
{
	while (*hint + 1 < k->n && lo_of(k, *hint + 1) <= y)
		++*hint;
	uint64_t b = *hint, whole = before_of(k, b + 1), part = before_of(k, b) + (y - lo_of(k, b));
	return whole < part ? whole : part;
}

static void cur_at(struct cursor *c, const struct blocks *k, uint64_t block)
{
	*c = (struct cursor){ .f = before_of(k, block) };
	plog_reader_at(&c->rd, k->log, block);
	cur_load(c, k->len);
}

/* The exact max of P(a) over a in [lo, hi], lo being lo_b.
 *
 * P has slope f(a + w) - f(a), f being 1 inside a pause, so its maximum is
 * at lo, at hi or at a pause start: if the left edge is inside a pause at
 * the maximum, the slope is <= 0 since that pause began (so its start, or
 * lo, is as good); if it is outside, the slope is >= 0 until the next pause
 * starts (so that start, or hi, is as good).  The right cursor only moves
 * forward: O(pauses in [lo, hi + w]). */
static uint64_t sweep(const struct blocks *k, uint64_t w, uint64_t b, uint64_t lo, uint64_t hi)
{
	const uint64_t len = k->len;
	struct cursor left, right;
	cur_at(&left, k, b);
	cur_at(&right, k, block_of(k, lo + w));
	uint64_t best = cur_f(&right, lo + w, len) - cur_f(&left, lo, len), p;
	while (!left.done && left.s <= hi) {
		if (left.s >= lo) {
			p = cur_f(&right, left.s + w, len) - left.f;
			best = p > best ? p : best;
		}
		if (left.e > hi) /* hi is in this pause: keep it for F(hi) */
			break;
		cur_step(&left, len);
	}
	p = cur_f(&right, hi + w, len) - cur_f(&left, hi, len);
	return p > best ? p : best;
}

struct bound {
	uint64_t u, b;
};

/* A max-heap on u, in place (no malloc: the library must not disturb
 * the allocator it measures, and glibc's qsort allocates). */
static void sift_down(struct bound *h, uint64_t n, uint64_t i)
{
	for (;;) {
		uint64_t l = 2 * i + 1, big = i;
		if (l < n && h[l].u > h[big].u)
			big = l;
		if (l + 1 < n && h[l + 1].u > h[big].u)
			big = l + 1;
		if (big == i)
			return;
		struct bound t = h[i];
		h[i] = h[big];
		h[big] = t;
		i = big;
	}
}

static struct bound heap_pop(struct bound *h, uint64_t *n)
{
	struct bound top = h[0];
	h[0] = h[--*n];
	sift_down(h, *n, 0);
	return top;
}

/* The blocks are swept in order of falling bound, stopping at the first
 * bound that cannot beat the best exact value so far: the answer is exact,
 * and on binary-trees a few percent of the blocks are swept. */
double mmu_at(const struct mmu_run *run, uint64_t w)
{
	const uint64_t len = run->length_ns;
	if (w == 0 || w > len)
		return MMU_UNDEFINED;
	if (run->log->count == 0)
		return 1.0;
	if (w <= run->max_pause_ns)
		return 0.0;

	const struct blocks k = { run->log, (run->log->count + PLOG_BLOCK - 1) / PLOG_BLOCK, len };
	const uint64_t last = len - w;
	/* The block of largest bound first, for a best value to prune with. */
	uint64_t hint = 0, top = 0, top_u = 0;
	for (uint64_t b = 0; b < k.n && lo_of(&k, b) <= last; b++) {
		uint64_t u = f_bound(&k, hi_of(&k, b, last) + w, &hint) - before_of(&k, b);
		if (b == 0 || u > top_u)
			top = b, top_u = u;
	}
	uint64_t best = sweep(&k, w, top, lo_of(&k, top), hi_of(&k, top, last));
	/* Then the blocks that could beat it, largest bound first. */
	size_t bytes = k.n * sizeof(struct bound);
	struct bound *order = probe_mem_map(bytes);
	uint64_t n = 0;
	hint = 0;
	for (uint64_t b = 0; b < k.n && lo_of(&k, b) <= last; b++) {
		uint64_t u = f_bound(&k, hi_of(&k, b, last) + w, &hint) - before_of(&k, b);
		if (u <= best || b == top)
			continue;
		if (order != NULL) {
			order[n++] = (struct bound){ u, b };
		} else { /* no memory to sort: walk in time order */
			uint64_t p = sweep(&k, w, b, lo_of(&k, b), hi_of(&k, b, last));
			if (p > best)
				best = p;
		}
	}
	if (order != NULL) {
		for (uint64_t i = n / 2; i-- > 0;)
			sift_down(order, n, i);
		while (n > 0 && order[0].u > best) {
			uint64_t b = heap_pop(order, &n).b;
			uint64_t p = sweep(&k, w, b, lo_of(&k, b), hi_of(&k, b, last));
			if (p > best)
				best = p;
		}
		probe_mem_unmap(order, bytes);
	}
	return (double)(w - best) / (double)w;
}

unsigned mmu_curve(const struct mmu_run *run, uint64_t *windows, double *mmu, unsigned max)
{
	static const unsigned steps[] = { 1, 2, 5 };
	unsigned n = 0;
	uint64_t decade = MMU_CURVE_FIRST_NS;
	for (;;) {
		for (unsigned i = 0; i < 3; i++) {
			uint64_t w = decade * steps[i];
			if (w >= run->length_ns || n + 1 >= max)
				goto last;
			windows[n] = w;
			mmu[n++] = mmu_at(run, w);
		}
		decade *= 10;
	}
last:
	if (run->length_ns > 0 && n < max) {
		windows[n] = run->length_ns;
		mmu[n++] = mmu_at(run, run->length_ns);
	}
	return n;
}
