/* pause_log.c — the log's chunks and marks, and positioning readers. */
#include "pause_log.h"

#include <string.h>

#include "probe_mem.h"

void plog_init(struct plog *l, uint64_t origin_ns)
{
	*l = (struct plog){ .origin = origin_ns, .last_end = origin_ns };
}

void plog_free(struct plog *l)
{
	for (struct plog_chunk *c = l->head, *next; c != NULL; c = next) {
		next = c->next;
		probe_mem_unmap(c, PLOG_CHUNK_BYTES);
	}
	probe_mem_unmap(l->mark, l->mark_cap * sizeof l->mark[0]);
	l->head = l->tail = NULL;
	l->mark = NULL;
	l->mark_cap = 0;
	l->bytes = 0;
}

bool plog_grow(struct plog *l)
{
	struct plog_chunk *c = probe_mem_map(PLOG_CHUNK_BYTES);
	if (c == NULL) {
		l->lost = true;
		return false;
	}
	if (l->tail)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
	l->bytes += PLOG_CHUNK_BYTES;
	return true;
}

bool plog_grow_marks(struct plog *l)
{
	uint64_t cap = l->mark_cap ? l->mark_cap * 2 : 1024;
	struct plog_mark *m = probe_mem_map(cap * sizeof *m);
	if (m == NULL) {
		l->lost = true;
		return false;
	}
	if (l->mark != NULL) {
		memcpy(m, l->mark, l->mark_cap * sizeof *m);
		probe_mem_unmap(l->mark, l->mark_cap * sizeof *m);
	}
	l->bytes += (cap - l->mark_cap) * sizeof *m;
	l->mark = m;
	l->mark_cap = cap;
	return true;
}

void plog_reader_init(struct plog_reader *r, const struct plog *l)
{
	*r = (struct plog_reader){ .chunk = l->head };
}

void plog_reader_at(struct plog_reader *r, const struct plog *l, uint64_t block)
{
	const struct plog_mark *m = &l->mark[block];
	*r = (struct plog_reader){ .chunk = m->chunk, .pos = m->pos, .t = m->t };
}
