/* alloc_stats.c — filling the raw part of an allocator's stats. */
#include <stdio.h>

#include "allocator.h"

void alloc_stats_raw(struct alloc_stats *s, const char *key, uint64_t value)
{
	if (s->nraw >= ALLOC_RAW_MAX)
		return;
	struct alloc_raw *r = &s->raw[s->nraw++];
	snprintf(r->key, sizeof r->key, "%s", key);
	r->value = value;
}
