/* grade.c — the malloc lab's gates and score (grade.h).
 *
 * Each gate is a trace built here, deterministic (a fixed xorshift seed),
 * replayed with replay_check: the same checks a student's traces get, on
 * patterns chosen to catch one class of bug each.  Invariant of every
 * gate trace: it is a valid trace (trace.h), so a failure is the
 * allocator's. */
#include "grade.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/replay.h"

enum { GATE_IDS = 1024 };

struct gen {
	struct trace *t;
	uint64_t cap;
	uint64_t rng;
	bool *live;
	uint64_t *size;
};

static uint64_t gen_rand(struct gen *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return g->rng;
}

/* A size from 1 to hi, log-uniform: small ones common, big ones present. */
static uint64_t gen_size(struct gen *g, uint64_t hi)
{
	unsigned bits = 1;
	while (bits < 63 && ((uint64_t)1 << bits) < hi)
		bits++;
	uint64_t top = (uint64_t)1 << (gen_rand(g) % bits + 1);
	uint64_t s = gen_rand(g) % top + 1;
	return s < hi ? s : hi;
}

static void gen_op(struct gen *g, char kind, uint32_t id, uint64_t size)
{
	if (g->t->nops == g->cap)
		return; /* the caller sized the array; never reached */
	struct trace_op *op = &g->t->ops[g->t->nops++];
	*op = (struct trace_op){ .size = kind == TRACE_FREE ? 0 : size, .id = id,
				 .line = (uint32_t)g->t->nops, .kind = kind };
	if (id + 1 > g->t->nids)
		g->t->nids = id + 1;
	g->live[id] = kind != TRACE_FREE;
	g->size[id] = op->size;
}

/* alignment: every size from 1 to 160, then sizes around the powers of
 * two a size class or a page boundary sits on, all live together. */
static void gate_alignment(struct gen *g)
{
	static const uint64_t odd[] = { 200, 255, 256, 257, 511, 1000, 1024, 4095, 4096,
					4097, 10000, 65535, 65536, 131073, 1u << 20,
					(3u << 20) + 1 };
	uint32_t id = 0;
	for (uint64_t s = 1; s <= 160; s++)
		gen_op(g, TRACE_ALLOC, id++, s);
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
		gen_op(g, TRACE_ALLOC, id++, odd[i]);
	for (uint32_t i = 0; i < id; i += 2)
		gen_op(g, TRACE_FREE, i, 0);
	for (uint32_t i = 0; i < id; i += 2)
		gen_op(g, TRACE_ALLOC, i, g->size[i + 1 < id ? i + 1 : i] + 1);
	for (uint32_t i = 0; i < id; i++)
		gen_op(g, TRACE_FREE, i, 0);
}

/* overlap: random allocations and frees over many live blocks, the
 * freed space reused at once. */
static void gate_overlap(struct gen *g)
{
	for (unsigned k = 0; k < 20000; k++) {
		uint32_t id = (uint32_t)(gen_rand(g) % GATE_IDS);
		if (g->live[id])
			gen_op(g, TRACE_FREE, id, 0);
		else
			gen_op(g, TRACE_ALLOC, id, gen_size(g, gen_rand(g) % 20 ? 4096 : 262144));
	}
	for (uint32_t id = 0; id < GATE_IDS; id++)
		if (g->live[id])
			gen_op(g, TRACE_FREE, id, 0);
}

/* realloc: blocks that grow and shrink among small allocations, so a
 * block cannot always grow in place and must be copied. */
static void gate_realloc(struct gen *g)
{
	enum { GROW = 64 };
	for (uint32_t id = 0; id < GROW; id++)
		gen_op(g, TRACE_ALLOC, id, 1 + id % 7);
	for (unsigned round = 0; round < 40; round++) {
		for (uint32_t id = 0; id < GROW; id++) {
			uint64_t s = g->size[id];
			uint64_t to = gen_rand(g) % 4 ? s + s / 2 + gen_rand(g) % 64 + 1 : s / 2 + 1;
			gen_op(g, TRACE_REALLOC, id, to < 200000 ? to : 1000);
			uint32_t filler = GROW + (uint32_t)(gen_rand(g) % GROW);
			if (g->live[filler])
				gen_op(g, TRACE_FREE, filler, 0);
			else
				gen_op(g, TRACE_ALLOC, filler, gen_size(g, 256));
		}
	}
	for (uint32_t id = 0; id < 2 * GROW; id++)
		if (g->live[id])
			gen_op(g, TRACE_FREE, id, 0);
}

/* large: big blocks, their reallocs and frees, between small ones. */
static void gate_large(struct gen *g)
{
	enum { N = 48 };
	for (unsigned k = 0; k < 600; k++) {
		uint32_t id = (uint32_t)(gen_rand(g) % N);
		if (!g->live[id])
			gen_op(g, TRACE_ALLOC, id, k % 3 ? gen_size(g, 64) : 100000 + gen_rand(g) % (4u << 20));
		else if (gen_rand(g) % 3 == 0)
			gen_op(g, TRACE_REALLOC, id, 1 + gen_rand(g) % (2u << 20));
		else
			gen_op(g, TRACE_FREE, id, 0);
	}
	for (uint32_t id = 0; id < N; id++)
		if (g->live[id])
			gen_op(g, TRACE_FREE, id, 0);
}

static const struct {
	const char *name;
	void (*build)(struct gen *g);
	uint64_t max_ops;
} gates[] = {
	{ "alignment", gate_alignment, 1024 },
	{ "overlap", gate_overlap, 20000 + GATE_IDS },
	{ "realloc", gate_realloc, 64 + 40 * 64 * 2 + 128 },
	{ "large", gate_large, 600 + 48 },
};
enum { NGATES = sizeof gates / sizeof gates[0] };

unsigned grade_gate_count(void)
{
	return NGATES;
}

const char *grade_gate_name(unsigned i)
{
	return i < NGATES ? gates[i].name : NULL;
}

int grade_gate_trace(unsigned i, struct trace *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	if (i >= NGATES) {
		snprintf(err, errlen, "no gate %u", i);
		return -1;
	}
	struct gen g = { .t = t, .cap = gates[i].max_ops, .rng = 0x9e3779b97f4a7c15u + i };
	t->format = TRACE_MMLAB;
	t->ops = calloc(g.cap, sizeof *t->ops);
	g.live = calloc(2 * GATE_IDS, sizeof *g.live);
	g.size = calloc(2 * GATE_IDS, sizeof *g.size);
	if (t->ops == NULL || g.live == NULL || g.size == NULL) {
		free(t->ops);
		free(g.live);
		free(g.size);
		t->ops = NULL;
		snprintf(err, errlen, "out of memory for the %s gate", gates[i].name);
		return -1;
	}
	gates[i].build(&g);
	free(g.live);
	free(g.size);
	return 0;
}

void grade_trace_free(struct trace *t)
{
	free(t->ops);
	memset(t, 0, sizeof *t);
}

int grade_gate(const struct alloc_ops *ops, const char *options, struct grade_gate_result *out,
	       char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	out->passed = true;
	for (unsigned i = 0; i < NGATES && out->passed; i++) {
		struct trace t;
		if (grade_gate_trace(i, &t, err, errlen) != 0)
			return -1;
		struct replay_result r;
		int rc = replay_check(&t, ops, options, &r, err, errlen);
		grade_trace_free(&t);
		if (rc != 0)
			return -1;
		if (!r.valid) {
			out->passed = false;
			snprintf(out->check, sizeof out->check, "%s", gates[i].name);
			snprintf(out->why, sizeof out->why, "%s", r.why);
		}
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int grade_time_paired(const struct trace *t, const struct alloc_ops *ops, const char *options,
		      const struct alloc_ops *ref, unsigned rounds, double *secs,
		      double *ref_secs, char *err, size_t errlen)
{
	if (rounds == 0)
		rounds = 1;
	double *a = calloc(rounds, sizeof *a), *b = calloc(rounds, sizeof *b);
	if (a == NULL || b == NULL) {
		free(a);
		free(b);
		snprintf(err, errlen, "out of memory for %u rounds", rounds);
		return -1;
	}
	int rc = 0;
	for (unsigned i = 0; i < rounds && rc == 0; i++) {
		struct replay_result r;
		/* who goes first alternates, so neither always finds the
		 * caches and the CPU's clock as the other left them */
		for (unsigned k = 0; k < 2 && rc == 0; k++) {
			bool theirs = (k + i) % 2 == 0;
			rc = replay_time(t, theirs ? ops : ref, theirs ? options : "", 1,
					 GRADE_ROUND_SECS, &r, err, errlen);
			if (rc == 0)
				(theirs ? a : b)[i] = r.secs;
		}
	}
	if (rc == 0) {
		*secs = median(a, rounds);
		*ref_secs = median(b, rounds);
	}
	free(a);
	free(b);
	return rc;
}

void grade_total(const struct grade_row *rows, unsigned n, bool gate_passed,
		 struct grade_total *out)
{
	memset(out, 0, sizeof *out);
	out->traces = n;
	double util = 0, secs = 0, ref_secs = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!rows[i].ok)
			continue;
		out->passed++;
		double u = rows[i].utilization;
		util += u < 0 ? 0 : u > 1 ? 1 : u;
		secs += rows[i].secs;
		ref_secs += rows[i].ref_secs;
	}
	out->util = n > 0 ? util / n : 0;
	out->t_ratio = secs > 0 ? ref_secs / secs : 0;
	double t = out->t_ratio < 1 ? out->t_ratio : 1;
	bool all = gate_passed && n > 0 && out->passed == n;
	out->score = all ? 100 * (GRADE_WEIGHT * out->util + (1 - GRADE_WEIGHT) * t) : 0;
}
