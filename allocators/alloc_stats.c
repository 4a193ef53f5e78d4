/* alloc_stats.c — the allocator figures by number, the raw part of an
 * allocator's stats, and the ABI check of a table built elsewhere.
 *
 * The figures' keys and offsets come from ALLOC_FIGURES, so code that walks
 * every figure (the emitter, the reader, the heap sampler) never lists them.
 */
#include <stdio.h>
#include <string.h>

#include "allocator.h"

static const struct {
	const char *key, *label, *what;
	size_t offset;
} figures[] = {
#define ALLOC_FIGURE_ROW(id, field, label, what) \
	{ #field, label, what, offsetof(struct alloc_stats, field) },
	ALLOC_FIGURES(ALLOC_FIGURE_ROW)
#undef ALLOC_FIGURE_ROW
};

const char *alloc_figure_key(enum alloc_figure f)
{
	return (unsigned)f < ALLOC_FIGURE_COUNT ? figures[f].key : NULL;
}

const char *alloc_figure_label(enum alloc_figure f)
{
	return (unsigned)f < ALLOC_FIGURE_COUNT ? figures[f].label : NULL;
}

const char *alloc_figure_what(enum alloc_figure f)
{
	return (unsigned)f < ALLOC_FIGURE_COUNT ? figures[f].what : NULL;
}

uint64_t alloc_figure(const struct alloc_stats *s, enum alloc_figure f)
{
	uint64_t v;
	memcpy(&v, (const char *)s + figures[f].offset, sizeof v);
	return v;
}

void alloc_figure_set(struct alloc_stats *s, enum alloc_figure f, uint64_t v)
{
	memcpy((char *)s + figures[f].offset, &v, sizeof v);
	s->known |= 1u << f;
}

void alloc_stats_raw(struct alloc_stats *s, const char *key, uint64_t value)
{
	if (s->nraw >= ALLOC_RAW_MAX)
		return;
	struct alloc_raw *r = &s->raw[s->nraw++];
	snprintf(r->key, sizeof r->key, "%s", key);
	r->value = value;
}

/* The sizes each version's header gave its structs: a table claiming a
 * version must carry at least these (fields only grow at the end). */
static const struct {
	uint16_t ops_size;
	uint32_t stats_size;
} abi_sizes[ALLOC_ABI_VERSION + 1] = {
	[1] = { 88, 1064 },
	[2] = { 88, 1088 }, /* + reserved, committed, peak_reserved */
	[3] = { 88, 1112 }, /* + peak_requested, allocated_at_peak, footprint_at_peak */
};

_Static_assert(sizeof(struct alloc_ops) == 88, "a new ops field is a new ABI version");
_Static_assert(sizeof(struct alloc_stats) == 1112, "a new figure is a new ABI version");
_Static_assert(offsetof(struct alloc_stats, reserved) == 1064, "version 1's figures come first");

int alloc_abi_check(const struct alloc_abi *abi, char *err, size_t errlen)
{
	if (abi->magic != ALLOC_ABI_MAGIC) {
		snprintf(err, errlen,
			 "built without an ABI version (before version 1, or not an mmlab "
			 "table); this mmlab reads ABI version %d: rebuild it against "
			 "allocators/allocator.h",
			 ALLOC_ABI_VERSION);
		return -1;
	}
	if (abi->version == 0 || abi->version > ALLOC_ABI_VERSION) {
		snprintf(err, errlen,
			 "built for allocator ABI version %u; this mmlab reads versions 1 to %d: "
			 "rebuild it against this mmlab's allocators/allocator.h",
			 (unsigned)abi->version, ALLOC_ABI_VERSION);
		return -1;
	}
	if (abi->ops_size != abi_sizes[abi->version].ops_size ||
	    abi->stats_size != abi_sizes[abi->version].stats_size) {
		snprintf(err, errlen,
			 "claims allocator ABI version %u but its sizes (ops %u, stats %u bytes) "
			 "are not that version's (%u, %u)",
			 (unsigned)abi->version, (unsigned)abi->ops_size, (unsigned)abi->stats_size,
			 (unsigned)abi_sizes[abi->version].ops_size,
			 (unsigned)abi_sizes[abi->version].stats_size);
		return -1;
	}
	return 0;
}
