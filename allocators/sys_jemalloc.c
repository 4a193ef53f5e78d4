/* sys_jemalloc.c — jemalloc as a system backend, read through mallctl.
 *
 * jemalloc caches its statistics: writing "epoch" refreshes them, so every
 * read starts with it.  footprint is the larger of stats.mapped (extents in
 * use) and stats.resident (which also counts dirty pages not yet purged):
 * each leaves out something the other holds.
 */
#include "sys_backend.h"

typedef int mallctl_fn(const char *name, void *oldp, size_t *oldlenp, void *newp,
		       size_t newlen);

static const char *const keys[] = {
	"stats.allocated", "stats.active",   "stats.resident",
	"stats.mapped",    "stats.metadata", "stats.retained",
};
enum { K_ALLOCATED, K_ACTIVE, K_RESIDENT, K_MAPPED, K_METADATA, K_RETAINED, K_COUNT };

static void jemalloc_stats(struct alloc_stats *s)
{
	mallctl_fn *ctl = (mallctl_fn *)sys_symbol("mallctl");
	if (ctl == NULL)
		return;
	uint64_t epoch = 1;
	size_t len = sizeof epoch;
	if (ctl("epoch", &epoch, &len, &epoch, len) != 0)
		return;
	size_t v[K_COUNT];
	for (unsigned i = 0; i < K_COUNT; i++) {
		len = sizeof v[i];
		if (ctl(keys[i], &v[i], &len, NULL, 0) != 0)
			return; /* built without statistics: nothing is known */
	}
	for (unsigned i = 0; i < K_COUNT; i++)
		alloc_stats_raw(s, keys[i], v[i]);
	s->allocated = v[K_ALLOCATED];
	s->footprint = v[K_MAPPED] > v[K_RESIDENT] ? v[K_MAPPED] : v[K_RESIDENT];
	s->free_bytes = s->footprint - s->allocated;
	s->known |= ALLOC_KNOW_ALLOCATED | ALLOC_KNOW_FOOTPRINT | ALLOC_KNOW_FREE;
}

const struct sys_backend sys_jemalloc = {
	.name = "jemalloc",
	.marker = "mallctl",
	.stats = jemalloc_stats,
};
