/* record.c — recording every allocation call as a trace line.
 *
 * Blocks are named by ids: a table maps each live block's address to its
 * id, and a freed id goes to the next allocation, so ids stay below the
 * peak number of live blocks.  Invariant: the table holds exactly the
 * blocks the inner allocator has handed out and not had back. */
#include "record.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace.h"

struct record_slot {
	uintptr_t addr; /* 0: empty */
	uint32_t id;
};

struct record {
	const struct alloc_ops *inner;
	void *inner_state;
	FILE *out;
	struct record_slot *slots; /* open addressing, linear probing */
	size_t mask, used;
	uint32_t *spare;           /* freed ids, reused last in first out */
	uint32_t nspare, spare_cap;
	uint32_t next_id;
	uint64_t nops;
	bool broken;               /* out of memory: the trace is incomplete */
};

static size_t slot_of(const struct record *r, uintptr_t a)
{
	return (size_t)(((uint64_t)a >> 4) * 0x9e3779b97f4a7c15ull >> 20) & r->mask;
}

static bool grow(struct record *r)
{
	size_t cap = r->slots ? (r->mask + 1) * 2 : 4096;
	struct record_slot *old = r->slots;
	size_t old_cap = old ? r->mask + 1 : 0;
	r->slots = calloc(cap, sizeof *r->slots);
	if (r->slots == NULL) {
		r->slots = old;
		return false;
	}
	r->mask = cap - 1;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].addr == 0)
			continue;
		size_t j = slot_of(r, old[i].addr);
		while (r->slots[j].addr != 0)
			j = (j + 1) & r->mask;
		r->slots[j] = old[i];
	}
	free(old);
	return true;
}

static bool put(struct record *r, uintptr_t a, uint32_t id)
{
	if ((r->used + 1) * 4 > (r->mask + 1) * 3 && !grow(r))
		return false;
	size_t j = slot_of(r, a);
	while (r->slots[j].addr != 0)
		j = (j + 1) & r->mask;
	r->slots[j] = (struct record_slot){ a, id };
	r->used++;
	return true;
}

/* Remove a's entry and return its id; false when a is not in the table. */
static bool take(struct record *r, uintptr_t a, uint32_t *id)
{
	if (r->slots == NULL)
		return false;
	size_t j = slot_of(r, a);
	while (r->slots[j].addr != a) {
		if (r->slots[j].addr == 0)
			return false;
		j = (j + 1) & r->mask;
	}
	*id = r->slots[j].id;
	/* backward-shift deletion: no tombstones, probes stay short */
	size_t hole = j;
	for (size_t k = (j + 1) & r->mask; r->slots[k].addr != 0; k = (k + 1) & r->mask) {
		size_t home = slot_of(r, r->slots[k].addr);
		if (((k - home) & r->mask) >= ((k - hole) & r->mask)) {
			r->slots[hole] = r->slots[k];
			hole = k;
		}
	}
	r->slots[hole].addr = 0;
	r->used--;
	return true;
}

static uint32_t new_id(struct record *r)
{
	return r->nspare > 0 ? r->spare[--r->nspare] : r->next_id++;
}

static void drop_id(struct record *r, uint32_t id)
{
	if (r->nspare == r->spare_cap) {
		uint32_t cap = r->spare_cap ? r->spare_cap * 2 : 1024;
		uint32_t *p = realloc(r->spare, (size_t)cap * sizeof *p);
		if (p == NULL) {
			r->broken = true; /* the id is lost, the trace stays valid */
			return;
		}
		r->spare = p;
		r->spare_cap = cap;
	}
	r->spare[r->nspare++] = id;
}

static void note(struct record *r, enum trace_kind kind, uint32_t id, uint64_t size)
{
	trace_write_op(r->out, kind, id, size);
	r->nops++;
}

static void *rec_alloc(void *st, size_t size)
{
	struct record *r = st;
	void *p = r->inner->alloc(r->inner_state, size);
	if (p == NULL)
		return NULL;
	uint32_t id = new_id(r);
	if (!put(r, (uintptr_t)p, id)) {
		r->broken = true;
		return p;
	}
	note(r, TRACE_ALLOC, id, size);
	return p;
}

static void rec_free(void *st, void *ptr, size_t size)
{
	struct record *r = st;
	uint32_t id;
	if (ptr != NULL && take(r, (uintptr_t)ptr, &id)) {
		note(r, TRACE_FREE, id, 0);
		drop_id(r, id);
	}
	r->inner->free(r->inner_state, ptr, size);
}

static void *rec_realloc(void *st, void *ptr, size_t old_size, size_t new_size)
{
	struct record *r = st;
	if (ptr == NULL)
		return rec_alloc(st, new_size);
	void *q = r->inner->realloc(r->inner_state, ptr, old_size, new_size);
	if (q == NULL)
		return NULL;
	uint32_t id;
	if (!take(r, (uintptr_t)ptr, &id) || !put(r, (uintptr_t)q, id)) {
		r->broken = true;
		return q;
	}
	note(r, TRACE_REALLOC, id, new_size);
	return q;
}

/* A reset frees every block at once: the trace says so block by block. */
static void rec_reset(void *st)
{
	struct record *r = st;
	for (size_t j = 0; r->slots != NULL && j <= r->mask; j++) {
		if (r->slots[j].addr == 0)
			continue;
		note(r, TRACE_FREE, r->slots[j].id, 0);
		drop_id(r, r->slots[j].id);
		r->slots[j].addr = 0;
	}
	r->used = 0;
	if (r->inner->reset)
		r->inner->reset(r->inner_state);
}

static void rec_stats(void *st, struct alloc_stats *out)
{
	struct record *r = st;
	r->inner->stats(r->inner_state, out);
}

static int rec_init(void **state, const char *options, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	long fd = strtol(options ? options : "", &end, 10);
	if (errno != 0 || end == options || *end != ':' || fd < 0) {
		snprintf(err, errlen, "the recorder's options are FD:ALLOCATOR[:OPTIONS], not '%s'",
			 options ? options : "");
		return -1;
	}
	char name[64];
	const char *rest = end + 1, *colon = strchr(rest, ':');
	snprintf(name, sizeof name, "%.*s", (int)(colon ? (size_t)(colon - rest) : strlen(rest)),
		 rest);
	const struct alloc_entry *e = alloc_find(name);
	if (e == NULL || e->ops == NULL) {
		snprintf(err, errlen, "the recorder cannot wrap allocator '%s'", name);
		return -1;
	}
	struct record *r = calloc(1, sizeof *r);
	if (r == NULL) {
		snprintf(err, errlen, "out of memory for the recorder");
		return -1;
	}
	r->inner = e->ops;
	if (r->inner->init(&r->inner_state, colon ? colon + 1 : "", err, errlen) != 0) {
		free(r);
		return -1;
	}
	r->out = fdopen((int)fd, "w");
	if (r->out == NULL) {
		snprintf(err, errlen, "cannot write the trace: %s", strerror(errno));
		r->inner->fini(r->inner_state);
		free(r);
		return -1;
	}
	*state = r;
	return 0;
}

static void rec_fini(void *st)
{
	struct record *r = st;
	r->inner->fini(r->inner_state);
	if (r->broken)
		trace_write_comment(r->out, "recording failed: out of memory; the trace is incomplete");
	else
		trace_write_end(r->out, r->nops, r->next_id);
	fclose(r->out);
	free(r->slots);
	free(r->spare);
	free(r);
}

const struct alloc_ops record_ops = {
	.abi = ALLOC_ABI_CURRENT,
	.name = "record",
	.summary = "writes every call of the allocator it wraps to a trace",
	.init = rec_init,
	.alloc = rec_alloc,
	.free = rec_free,
	.realloc = rec_realloc,
	.reset = rec_reset,
	.stats = rec_stats,
	.fini = rec_fini,
};
