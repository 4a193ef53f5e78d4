/* replay.c — the malloc lab's checks and figures over an ops table.
 *
 * A block's pattern depends on its id and offset only, so a realloc keeps
 * the pattern of the bytes it must keep.  Footprint: the allocator's exact
 * peak, else (system allocators) its footprint sampled after allocations
 * (sample_due), less the bytes allocated before the first op (mmlab's). */
#include "replay.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blocks.h"

struct pass {
	const struct trace *t;
	const struct alloc_ops *ops;
	void *state;
	void **ptr;     /* per id: the live block, NULL when none */
	uint64_t *size; /* per id: its size */
};

static int pass_begin(struct pass *p, const struct trace *t, const struct alloc_ops *ops,
		      const char *options, char *err, size_t errlen)
{
	*p = (struct pass){ .t = t, .ops = ops };
	p->ptr = calloc((size_t)t->nids + 1, sizeof *p->ptr);
	p->size = calloc((size_t)t->nids + 1, sizeof *p->size);
	if (p->ptr == NULL || p->size == NULL) {
		free(p->ptr);
		free(p->size);
		snprintf(err, errlen, "out of memory for %" PRIu32 " ids", t->nids);
		return -1;
	}
	if (ops->init(&p->state, options, err, errlen) != 0) {
		free(p->ptr);
		free(p->size);
		return -1;
	}
	return 0;
}

/* Free the blocks a pass left live.  The ids are found through the
 * operations, not by scanning every id: the cost follows the trace's
 * length, whatever id count it declares. */
static void free_left(struct pass *p)
{
	for (uint64_t k = 0; k < p->t->nops; k++) {
		uint32_t i = p->t->ops[k].id;
		if (p->ptr[i] != NULL) {
			p->ops->free(p->state, p->ptr[i], p->size[i]);
			p->ptr[i] = NULL;
		}
	}
}

/* Free what the trace left live, unless the heap can no longer be
 * trusted (a failed check): then only fini, which for the teaching
 * allocators gives every mapping back. */
static void pass_end(struct pass *p, bool trusted)
{
	if (trusted)
		free_left(p);
	p->ops->fini(p->state);
	free(p->ptr);
	free(p->size);
}

static uint8_t seed_of(uint32_t id)
{
	return (uint8_t)(id * 131u + 7u);
}

/* ramp[i] = i % 256: a block's bytes are ramp[seed + offset]. */
static void fill(const uint8_t *ramp, uint8_t *b, uint64_t from, uint64_t to, uint8_t seed)
{
	for (uint64_t off = from; off < to;) {
		uint64_t n = to - off < 256 ? to - off : 256;
		memcpy(b + off, ramp + ((seed + off) & 255), n);
		off += n;
	}
}

/* The first offset in [0, n) that lost its pattern, or n. */
static uint64_t intact(const uint8_t *ramp, const uint8_t *b, uint64_t n, uint8_t seed)
{
	for (uint64_t off = 0; off < n;) {
		uint64_t k = n - off < 256 ? n - off : 256;
		const uint8_t *want = ramp + ((seed + off) & 255);
		if (memcmp(b + off, want, k) != 0) {
			while (b[off] == *want)
				off++, want++;
			return off;
		}
		off += k;
	}
	return n;
}

/* allocator.h: 16-byte alignment, or the largest power of two <= size
 * for smaller blocks. */
static uintptr_t alignment(uint64_t size)
{
	if (size >= ALLOC_ALIGN)
		return ALLOC_ALIGN;
	uintptr_t a = 1;
	while (a * 2 <= size)
		a *= 2;
	return a;
}

struct checker {
	struct pass p;
	struct blocks live;
	struct replay_result *out;
	uint64_t live_bytes;
	bool sample;       /* the allocator keeps no exact peak: sample it */
	uint64_t mmlab_bytes; /* allocated before the first operation */
	uint64_t peak_sampled;
	uint64_t stride;      /* sample every stride-th operation ... */
	uint64_t grown_to;    /* ... and when live bytes pass this */
	uint64_t op;          /* the operation being checked */
	uint8_t ramp[512];
};

/* Reading a system allocator's figures costs microseconds (mallinfo2
 * walks the free chunks, jemalloc merges its arenas), so a long trace is
 * sampled after at most REPLAY_SAMPLES evenly spaced operations, and
 * whenever the live payload has grown by 1/64 since the last sample: the
 * peak found is a lower bound of the true one, exact for traces of up to
 * REPLAY_SAMPLES operations. */
#define REPLAY_SAMPLES 4096u

static bool sample_due(const struct checker *c)
{
	return c->op % c->stride == 0 || c->live_bytes >= c->grown_to;
}

__attribute__((format(printf, 3, 4))) static bool bad(struct checker *c,
						       const struct trace_op *op,
						       const char *fmt, ...)
{
	int n = snprintf(c->out->why, sizeof c->out->why, "line %" PRIu32 ": ", op->line);
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof c->out->why)
		vsnprintf(c->out->why + n, sizeof c->out->why - (size_t)n, fmt, ap);
	va_end(ap);
	c->out->valid = false;
	return false;
}

static void sample(struct checker *c)
{
	c->grown_to = c->live_bytes + c->live_bytes / 64 + 1;
	struct alloc_stats s;
	c->p.ops->stats(c->p.state, &s);
	if (!(s.known & ALLOC_KNOW_FOOTPRINT))
		return;
	uint64_t mine = s.footprint > c->mmlab_bytes ? s.footprint - c->mmlab_bytes : 0;
	if (mine > c->peak_sampled)
		c->peak_sampled = mine;
	c->out->footprint_known = true;
}

/* A block the allocator just handed out for op: check and claim it. */
static bool claim(struct checker *c, const struct trace_op *op, uint8_t *b, uint64_t keep)
{
	if (b == NULL) {
		c->out->oom = true;
		return bad(c, op, "out of memory: the allocator returned NULL for %" PRIu64 " bytes",
			   op->size);
	}
	uintptr_t a = alignment(op->size);
	if ((uintptr_t)b % a != 0)
		return bad(c, op, "block %p of %" PRIu64 " bytes is not %" PRIuPTR "-byte aligned",
			   (void *)b, op->size, a);
	uint32_t other;
	uint64_t span = op->size ? op->size : 1;
	if (!blocks_add(&c->live, op->id, (uintptr_t)b, (uintptr_t)b + span, &other))
		return bad(c, op,
			   "block %p of %" PRIu64 " bytes (id %" PRIu32 ") overlaps the live block of id %" PRIu32,
			   (void *)b, op->size, op->id, other);
	uint64_t kept = intact(c->ramp, b, keep, seed_of(op->id));
	if (kept < keep)
		return bad(c, op, "realloc of id %" PRIu32 " lost its payload at offset %" PRIu64,
			   op->id, kept);
	fill(c->ramp, b, keep, op->size, seed_of(op->id));
	c->p.ptr[op->id] = b;
	c->p.size[op->id] = op->size;
	c->live_bytes += op->size;
	if (c->live_bytes > c->out->peak_live)
		c->out->peak_live = c->live_bytes;
	if (c->sample && sample_due(c))
		sample(c);
	return true;
}

/* A block about to go back: its payload must be as we left it. */
static bool release(struct checker *c, const struct trace_op *op)
{
	uint32_t id = op->id;
	uint64_t kept = intact(c->ramp, c->p.ptr[id], c->p.size[id], seed_of(id));
	if (kept < c->p.size[id])
		return bad(c, op,
			   "the payload of id %" PRIu32 " (%" PRIu64 " bytes) changed at offset %" PRIu64
			   " while it was live",
			   id, c->p.size[id], kept);
	blocks_remove(&c->live, id);
	c->live_bytes -= c->p.size[id];
	return true;
}

static bool check_op(struct checker *c, const struct trace_op *op)
{
	struct pass *p = &c->p;
	uint32_t id = op->id;
	switch (op->kind) {
	case TRACE_ALLOC:
		return claim(c, op, p->ops->alloc(p->state, op->size), 0);
	case TRACE_REALLOC: {
		if (p->ptr[id] == NULL)
			return claim(c, op, p->ops->realloc(p->state, NULL, 0, op->size), 0);
		uint64_t old = p->size[id];
		if (!release(c, op))
			return false;
		void *b = p->ops->realloc(p->state, p->ptr[id], old, op->size);
		if (b == NULL) { /* the old block stays live, as realloc promises */
			c->out->oom = true;
			return bad(c, op,
				   "out of memory: the allocator returned NULL for %" PRIu64 " bytes",
				   op->size);
		}
		p->ptr[id] = NULL;
		return claim(c, op, b, old < op->size ? old : op->size);
	}
	case TRACE_FREE:
		if (!release(c, op))
			return false;
		p->ops->free(p->state, p->ptr[id], p->size[id]);
		p->ptr[id] = NULL;
		return true;
	}
	return bad(c, op, "unknown operation");
}

int replay_check(const struct trace *t, const struct alloc_ops *ops, const char *options,
		 struct replay_result *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	out->valid = true;
	out->ops = t->nops;
	out->utilization = -1;
	out->ops_per_s = -1;
	struct checker c = { .out = out };
	for (unsigned i = 0; i < sizeof c.ramp; i++)
		c.ramp[i] = (uint8_t)i;
	if (blocks_init(&c.live, t->nids) != 0) {
		snprintf(err, errlen, "out of memory for %" PRIu32 " ids", t->nids);
		return -1;
	}
	if (pass_begin(&c.p, t, ops, options, err, errlen) != 0) {
		blocks_fini(&c.live);
		return -1;
	}
	struct alloc_stats s;
	ops->stats(c.p.state, &s);
	snprintf(out->backend, sizeof out->backend, "%s", s.backend);
	c.sample = !(s.known & ALLOC_KNOW_PEAK_FOOTPRINT);
	c.mmlab_bytes = (s.known & ALLOC_KNOW_ALLOCATED) ? s.allocated : 0;
	c.stride = t->nops / REPLAY_SAMPLES + 1;
	for (c.op = 0; c.op < t->nops && out->valid; c.op++)
		check_op(&c, &t->ops[c.op]);
	/* what the trace left live must still be intact when it goes: each
	 * such id, found through the operations as free_left finds them, is
	 * checked, then freed */
	for (uint64_t k = 0; k < t->nops && out->valid; k++) {
		uint32_t id = t->ops[k].id;
		if (c.p.ptr[id] != NULL) {
			struct trace_op end = { .id = id, .line = t->ops[t->nops - 1].line };
			if (release(&c, &end)) {
				ops->free(c.p.state, c.p.ptr[id], c.p.size[id]);
				c.p.ptr[id] = NULL;
			}
		}
	}
	ops->stats(c.p.state, &s);
	if (!c.sample) {
		out->peak_footprint = s.peak_footprint;
		out->footprint_known = out->footprint_exact = true;
	} else {
		/* no growth seen: figures that do not describe this heap (a
		 * sanitizer's malloc, read through glibc's mallinfo2) */
		out->peak_footprint = c.peak_sampled;
		out->footprint_known = c.peak_sampled > 0;
	}
	if (out->valid && out->footprint_known && out->peak_footprint > 0)
		out->utilization = (double)out->peak_live / (double)out->peak_footprint;
	pass_end(&c.p, out->valid);
	blocks_fini(&c.live);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One pass without checks; the seconds its operations took, or < 0 when
 * the allocator failed a request. */
static double timed_pass(struct pass *p)
{
	const struct trace_op *op = p->t->ops, *end = op + p->t->nops;
	void **ptr = p->ptr;
	uint64_t *size = p->size;
	const struct alloc_ops *ops = p->ops;
	void *st = p->state;
	double t0 = now_s();
	for (; op < end; op++) {
		uint32_t id = op->id;
		if (op->kind == TRACE_FREE) {
			ops->free(st, ptr[id], size[id]);
			ptr[id] = NULL;
			continue;
		}
		void *b = op->kind == TRACE_ALLOC || ptr[id] == NULL
				  ? ops->alloc(st, op->size)
				  : ops->realloc(st, ptr[id], size[id], op->size);
		if (b == NULL)
			return -1;
		ptr[id] = b;
		size[id] = op->size;
	}
	return now_s() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int replay_time(const struct trace *t, const struct alloc_ops *ops, const char *options,
		unsigned min_reps, double min_secs, struct replay_result *out, char *err,
		size_t errlen)
{
	double *secs = malloc(REPLAY_REPS_MAX * sizeof *secs);
	if (secs == NULL) {
		snprintf(err, errlen, "out of memory for the timings");
		return -1;
	}
	/* one state for every pass, emptied between passes: the allocator
	 * keeps the pages it has touched, as a process's malloc does */
	struct pass p;
	if (pass_begin(&p, t, ops, options, err, errlen) != 0) {
		free(secs);
		return -1;
	}
	double total = 0;
	unsigned n = 0;
	while (n < REPLAY_REPS_MAX && (n < min_reps || total < min_secs)) {
		double s = timed_pass(&p);
		if (s < 0) {
			pass_end(&p, false);
			snprintf(err, errlen, "the allocator failed a request in a timed pass");
			free(secs);
			return -1;
		}
		free_left(&p);
		secs[n++] = s;
		total += s;
	}
	pass_end(&p, true);
	qsort(secs, n, sizeof secs[0], cmp_double);
	out->reps = n;
	out->secs = n % 2 ? secs[n / 2] : (secs[n / 2 - 1] + secs[n / 2]) / 2;
	out->ops_per_s = out->secs > 0 && t->nops > 0 ? (double)t->nops / out->secs : -1;
	free(secs);
	return 0;
}
