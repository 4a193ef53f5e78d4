/* sys_tcmalloc.c — gperftools' tcmalloc as a system backend.
 *
 * Figures come from MallocExtension_GetNumericProperty.  heap_size counts
 * pages released to the OS too, so footprint takes the unmapped bytes off.
 * Raw keys drop the "generic." and "tcmalloc." prefixes: a raw key holds
 * 31 characters, and no two properties differ only by prefix.
 */
#include "sys_backend.h"

#include <string.h>

typedef int property_fn(const char *name, size_t *value);

static const char *const properties[] = {
	"generic.current_allocated_bytes",
	"generic.heap_size",
	"generic.total_physical_bytes",
	"tcmalloc.pageheap_free_bytes",
	"tcmalloc.pageheap_unmapped_bytes",
	"tcmalloc.central_cache_free_bytes",
	"tcmalloc.transfer_cache_free_bytes",
	"tcmalloc.thread_cache_free_bytes",
};
enum { P_ALLOCATED, P_HEAP, P_PHYSICAL, P_PAGEHEAP_FREE, P_UNMAPPED, P_CENTRAL, P_TRANSFER,
       P_THREAD, P_COUNT };

static void tcmalloc_stats(struct alloc_stats *s)
{
	property_fn *get = (property_fn *)sys_symbol("MallocExtension_GetNumericProperty");
	if (get == NULL)
		return;
	size_t v[P_COUNT];
	for (unsigned i = 0; i < P_COUNT; i++) {
		if (!get(properties[i], &v[i]))
			return;
		alloc_stats_raw(s, strchr(properties[i], '.') + 1, v[i]);
	}
	s->allocated = v[P_ALLOCATED];
	s->footprint = v[P_HEAP] - v[P_UNMAPPED];
	s->free_bytes = v[P_PAGEHEAP_FREE] + v[P_CENTRAL] + v[P_TRANSFER] + v[P_THREAD];
	s->known |= ALLOC_KNOW_ALLOCATED | ALLOC_KNOW_FOOTPRINT | ALLOC_KNOW_FREE;
}

const struct sys_backend sys_tcmalloc = {
	.name = "tcmalloc",
	.marker = "MallocExtension_GetNumericProperty",
	.stats = tcmalloc_stats,
};
