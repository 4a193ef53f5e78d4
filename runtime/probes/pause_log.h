/* pause_log.h — every pause of a run, timestamped, in about 4.3 bytes each.
 *
 * A pause is one 32-bit word (gap since the previous pause, duration, kind)
 * or an escape word and two 64-bit numbers; chunks come from probe_mem.
 * Invariant: pauses are appended in time order without overlap (a start is
 * clamped to the previous end); mark[k] describes pause k * PLOG_BLOCK. */
#ifndef MM_PAUSE_LOG_H
#define MM_PAUSE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "probe.h"

/* A word holds a gap below 32.8 us and a duration below 16.4 us; anything
 * longer takes the escape (1.6% of the pauses of binary-trees).  Fixed-size
 * words keep reading fast: the MMU sweep reads the log many times. */
#define PLOG_KIND_BITS 3
#define PLOG_DUR_BITS 14
#define PLOG_GAP_BITS (32 - PLOG_DUR_BITS - PLOG_KIND_BITS)
#define PLOG_GAP_ESC ((1u << PLOG_GAP_BITS) - 1) /* this gap value: an escape */
#define PLOG_DUR_MAX ((1u << PLOG_DUR_BITS) - 1) /* durations below fit a word */
#define PLOG_CHUNK_BYTES (64u * 1024u)
#define PLOG_RECORD_MAX 20 /* an escape word and two 64-bit numbers */
#define PLOG_BLOCK 64      /* pauses per mark */

_Static_assert(PROBE_PAUSE_KINDS <= (1u << PLOG_KIND_BITS), "pause kinds fit the log's kind bits");
_Static_assert((PLOG_BLOCK & (PLOG_BLOCK - 1)) == 0, "a block is a power of two of pauses");

struct plog_chunk {
	struct plog_chunk *next;
	uint32_t used;
	uint8_t data[];
};

#define PLOG_CHUNK_DATA (PLOG_CHUNK_BYTES - offsetof(struct plog_chunk, data))

/* Where pause k * PLOG_BLOCK is, and the pause time before it: enough for
 * the MMU sweep to bound a whole block without reading it.  Times are in ns
 * since the origin. */
struct plog_mark {
	const struct plog_chunk *chunk;
	uint32_t pos;
	uint64_t t;      /* end of the pause before it (the reader's clock) */
	uint64_t start;  /* its start */
	uint64_t before; /* pause time before it */
};

struct plog {
	struct plog_chunk *head, *tail;
	uint64_t count;    /* pauses logged */
	uint64_t total;    /* their total duration */
	uint64_t last_end; /* end of the last pause; the origin before the first */
	uint64_t origin;   /* time 0 of the log */
	uint64_t bytes;    /* mapped, for chunks and marks */
	struct plog_mark *mark;
	uint64_t mark_cap;
	bool lost;         /* memory ran out: pauses after that are missing */
};

struct plog_entry {
	uint64_t start, end; /* ns since the origin */
	enum probe_pause kind;
};

void plog_init(struct plog *l, uint64_t origin_ns);
void plog_free(struct plog *l);

/* Slow paths of plog_append: a fresh chunk, room for a mark.  false when
 * the memory could not be had (the log is then lost). */
bool plog_grow(struct plog *l);
bool plog_grow_marks(struct plog *l);

/* Log a pause from start_ns to end_ns (absolute clock times). */
static inline void plog_append(struct plog *l, uint64_t start_ns, uint64_t end_ns,
			       enum probe_pause kind)
{
	if (l->lost)
		return;
	if (l->tail == NULL || l->tail->used + PLOG_RECORD_MAX > PLOG_CHUNK_DATA) {
		if (!plog_grow(l))
			return;
	}
	if (start_ns < l->last_end)
		start_ns = l->last_end;
	if (end_ns < start_ns)
		end_ns = start_ns;
	uint64_t dur = end_ns - start_ns, gap = start_ns - l->last_end;
	if ((l->count & (PLOG_BLOCK - 1)) == 0) {
		uint64_t k = l->count / PLOG_BLOCK;
		if (k >= l->mark_cap && !plog_grow_marks(l))
			return;
		l->mark[k] = (struct plog_mark){ l->tail, l->tail->used, l->last_end - l->origin,
						 start_ns - l->origin, l->total };
	}
	uint8_t *p = l->tail->data + l->tail->used;
	if (__builtin_expect(gap < PLOG_GAP_ESC && dur < PLOG_DUR_MAX, 1)) {
		uint32_t w = (uint32_t)gap << (PLOG_DUR_BITS + PLOG_KIND_BITS) |
			     (uint32_t)dur << PLOG_KIND_BITS | (uint32_t)kind;
		memcpy(p, &w, sizeof w);
		l->tail->used += sizeof w;
	} else {
		uint32_t w = PLOG_GAP_ESC << (PLOG_DUR_BITS + PLOG_KIND_BITS) | (uint32_t)kind;
		memcpy(p, &w, sizeof w);
		memcpy(p + 4, &gap, sizeof gap);
		memcpy(p + 12, &dur, sizeof dur);
		l->tail->used += PLOG_RECORD_MAX;
	}
	l->last_end = start_ns + dur;
	l->total += dur;
	l->count++;
}

struct plog_reader {
	const struct plog_chunk *chunk;
	uint32_t pos;
	uint64_t t; /* end of the entry last read, ns since the origin */
};

/* A reader from the first pause, or from pause k * PLOG_BLOCK. */
void plog_reader_init(struct plog_reader *r, const struct plog *l);
void plog_reader_at(struct plog_reader *r, const struct plog *l, uint64_t block);

/* The next pause, or false at the end of the log. */
static inline bool plog_next(struct plog_reader *r, struct plog_entry *e)
{
	while (__builtin_expect(r->chunk != NULL && r->pos >= r->chunk->used, 0)) {
		r->chunk = r->chunk->next;
		r->pos = 0;
	}
	if (r->chunk == NULL)
		return false;
	const uint8_t *p = r->chunk->data + r->pos;
	uint32_t w;
	memcpy(&w, p, sizeof w);
	uint64_t gap = w >> (PLOG_DUR_BITS + PLOG_KIND_BITS), dur;
	if (__builtin_expect(gap != PLOG_GAP_ESC, 1)) {
		dur = (w >> PLOG_KIND_BITS) & PLOG_DUR_MAX;
		r->pos += sizeof w;
	} else {
		memcpy(&gap, p + 4, sizeof gap);
		memcpy(&dur, p + 12, sizeof dur);
		r->pos += PLOG_RECORD_MAX;
	}
	e->start = r->t + gap;
	e->end = e->start + dur;
	e->kind = (enum probe_pause)(w & ((1u << PLOG_KIND_BITS) - 1));
	r->t = e->end;
	return true;
}

#endif
