/* rc_cycles.c — trial deletion over rc's candidate roots (rc_cycles.h).
 *
 * The four phases of Bacon and Rajan's synchronous collector, each with an
 * explicit work list instead of recursion (a cycle may be millions long):
 * free the candidates whose count reached zero (their children were never
 * released); MarkGray subtracts every internal strong edge from the counts
 * of the candidates' subgraphs; Scan turns what still has a count black
 * again (restoring the counts below it) and the rest white; CollectWhite
 * frees the white nodes, which only garbage cycles point to.  Weak slots
 * are never followed: they hold no count.
 */
#include "rc_cycles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_opts.h"
#include "runtime/api/mm_model.h"

enum { RC_BLACK = 0, RC_GRAY = 1, RC_WHITE = 2 };
enum { RC_DEFAULT_BUFFER = 10000 };

static unsigned color(const struct mm_hdr *h)
{
	return (h->aux & RC_COLOR_MASK) >> RC_COLOR_SHIFT;
}

static void paint(struct mm_hdr *h, unsigned col)
{
	h->aux = (h->aux & ~RC_COLOR_MASK) | (col << RC_COLOR_SHIFT);
}

static uint32_t count(const struct mm_hdr *h)
{
	return h->aux & RC_COUNT_MASK;
}

/* Append p to a growable array; out of memory unwinds like any allocation. */
static void push(struct mm_ctx *c, struct mm_hdr ***a, size_t *n, size_t *cap, struct mm_hdr *p)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 1024;
		struct mm_hdr **q = realloc(*a, ncap * sizeof *q);
		if (q == NULL)
			mm_fail_oom(c, ncap * sizeof *q);
		*a = q;
		*cap = ncap;
	}
	(*a)[(*n)++] = p;
}

static void spush(struct mm_ctx *c, struct rc_cycles *r, struct mm_hdr *p)
{
	push(c, &r->stack, &r->nstack, &r->scap, p);
}

/* The strong children of h, one at a time: i is the caller's cursor. */
static struct mm_hdr *child(const struct mm_ctx *c, const struct mm_hdr *h, unsigned *i)
{
	const struct mm_type *t = &c->types[h->type];
	struct mm_hdr *const *s = (struct mm_hdr *const *)(const void *)(h + 1);
	while (*i < t->nslots) {
		unsigned k = (*i)++;
		if (s[k] != NULL && !((t->weak >> k) & 1))
			return s[k];
	}
	return NULL;
}

void rc_cycle_candidate(struct mm_ctx *c, struct mm_hdr *h)
{
	struct rc_cycles *r = c->m_cycles;
	if (h->aux & RC_BUFFERED)
		return;
	h->aux |= RC_BUFFERED;
	push(c, &r->roots, &r->nroots, &r->cap, h);
}

static void mark_gray(struct mm_ctx *c, struct rc_cycles *r, struct mm_hdr *root)
{
	spush(c, r, root);
	while (r->nstack > 0) {
		struct mm_hdr *h = r->stack[--r->nstack];
		if (color(h) == RC_GRAY)
			continue;
		paint(h, RC_GRAY);
		unsigned i = 0;
		for (struct mm_hdr *k; (k = child(c, h, &i)) != NULL;) {
			k->aux--; /* the edge h -> k, trial-deleted */
			if (color(k) != RC_GRAY)
				spush(c, r, k);
		}
	}
}

static void scan_black(struct mm_ctx *c, struct rc_cycles *r, struct mm_hdr *root)
{
	size_t base = r->nstack;
	paint(root, RC_BLACK);
	spush(c, r, root);
	while (r->nstack > base) {
		struct mm_hdr *h = r->stack[--r->nstack];
		unsigned i = 0;
		for (struct mm_hdr *k; (k = child(c, h, &i)) != NULL;) {
			k->aux++; /* the edge is live after all: restore it */
			if (color(k) != RC_BLACK) {
				paint(k, RC_BLACK);
				spush(c, r, k);
			}
		}
	}
}

static void scan(struct mm_ctx *c, struct rc_cycles *r, struct mm_hdr *root)
{
	spush(c, r, root);
	while (r->nstack > 0) {
		struct mm_hdr *h = r->stack[--r->nstack];
		if (color(h) != RC_GRAY)
			continue;
		if (count(h) > 0) {
			scan_black(c, r, h);
			continue;
		}
		paint(h, RC_WHITE);
		unsigned i = 0;
		for (struct mm_hdr *k; (k = child(c, h, &i)) != NULL;)
			spush(c, r, k);
	}
}

static void collect_white(struct mm_ctx *c, struct rc_cycles *r, struct mm_hdr *root)
{
	if (color(root) != RC_WHITE || (root->aux & RC_BUFFERED))
		return;
	paint(root, RC_BLACK);
	spush(c, r, root);
	while (r->nstack > 0) {
		struct mm_hdr *h = r->stack[--r->nstack];
		push(c, &r->white, &r->nwhite, &r->wcap, h);
		unsigned i = 0;
		for (struct mm_hdr *k; (k = child(c, h, &i)) != NULL;) {
			if (color(k) == RC_WHITE && !(k->aux & RC_BUFFERED)) {
				paint(k, RC_BLACK);
				spush(c, r, k);
			}
		}
	}
}

/* Candidates whose count reached zero: free them as a release would have,
 * which may buffer more; repeat until a pass frees nothing. */
static void free_dead_roots(struct mm_ctx *c, struct rc_cycles *r)
{
	for (bool again = true; again;) {
		again = false;
		size_t keep = 0;
		/* a cascade appends roots past i; keep <= i, so compacting is safe */
		for (size_t i = 0; i < r->nroots; i++) {
			struct mm_hdr *h = r->roots[i];
			if (count(h) != 0) {
				r->roots[keep++] = h;
				continue;
			}
			h->aux &= ~RC_BUFFERED;
			c->free_tree(c, (uintptr_t)h, __FILE__, __LINE__);
			again = true;
		}
		r->nroots = keep;
	}
}

void rc_cycle_collect(struct mm_ctx *c)
{
	struct rc_cycles *r = c->m_cycles;
	if (r == NULL || r->nroots == 0)
		return;
	mm_pause_begin(c, PROBE_PAUSE_CYCLE);
	mm_note_peak(c);
	free_dead_roots(c, r);
	for (size_t i = 0; i < r->nroots; i++)
		if (color(r->roots[i]) != RC_GRAY)
			mark_gray(c, r, r->roots[i]);
	for (size_t i = 0; i < r->nroots; i++)
		scan(c, r, r->roots[i]);
	for (size_t i = 0; i < r->nroots; i++) {
		r->roots[i]->aux &= ~RC_BUFFERED;
		collect_white(c, r, r->roots[i]);
	}
	r->nroots = 0;
	for (size_t i = 0; i < r->nwhite; i++) {
		struct mm_hdr *h = r->white[i];
		mm_bytes_free(c, h, mm_type_size(&c->types[h->type], sizeof *h));
	}
	r->freed_objects += r->nwhite;
	r->nwhite = 0;
	r->runs++;
	c->collections++;
	mm_pause_end(c, PROBE_PAUSE_CYCLE);
}

int rc_model_init(struct mm_ctx *c, char *err, size_t errlen)
{
	int64_t on = 0, buffer = RC_DEFAULT_BUFFER;
	const struct model_opt opts[] = {
		{ "cycles", 0, 1, &on },
		{ "cycle_buffer", 1, 1 << 30, &buffer },
	};
	if (model_opts_parse("rc", c->model_options, opts, 2, err, errlen) != 0)
		return -1;
	c->m_cycles = NULL;
	if (!on)
		return 0;
	struct rc_cycles *r = calloc(1, sizeof *r);
	if (r == NULL) {
		snprintf(err, errlen, "no memory for the cycle collector");
		return -1;
	}
	r->threshold = (size_t)buffer;
	c->m_cycles = r;
	return 0;
}

void rc_model_end(struct mm_ctx *c)
{
	rc_cycle_collect(c);
}

void rc_model_fini(struct mm_ctx *c)
{
	struct rc_cycles *r = c->m_cycles;
	if (r == NULL)
		return;
	free(r->roots);
	free(r->stack);
	free(r->white);
	free(r);
	c->m_cycles = NULL;
}
