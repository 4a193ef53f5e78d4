/* system.c — the process's own malloc as an allocator.
 *
 * Which library serves malloc is decided before main (glibc, or the one
 * the CLI preloaded); this file only forwards to it and reads its
 * statistics.  Requested bytes are not known here: the runtime counts them.
 */
#include "allocator.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int sys_init(void **state, const char *options, char *err, size_t errlen)
{
	*state = NULL;
	if (options && *options) {
		snprintf(err, errlen, "the system allocator takes no options (got '%s')", options);
		return -1;
	}
	return 0;
}

static void *sys_alloc(void *state, size_t size)
{
	(void)state;
	return malloc(size);
}

static void sys_free(void *state, void *ptr, size_t size)
{
	(void)state, (void)size;
	free(ptr);
}

static void *sys_realloc(void *state, void *ptr, size_t old_size, size_t new_size)
{
	(void)state, (void)old_size;
	return realloc(ptr, new_size);
}

static uint64_t resident_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, rss = 0;
	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &rss) != 2)
		rss = 0;
	fclose(f);
	return (uint64_t)rss * (uint64_t)sysconf(_SC_PAGESIZE);
}

static void sys_stats(void *state, struct alloc_stats *s)
{
	(void)state;
	struct mallinfo2 mi = mallinfo2();
	*s = (struct alloc_stats){ .backend = "glibc" };
	s->allocated = mi.uordblks + mi.hblkhd;
	s->footprint = mi.arena + mi.hblkhd;
	s->free_bytes = mi.fordblks;
	s->resident = resident_bytes();
	s->known = ALLOC_KNOW_ALLOCATED | ALLOC_KNOW_FOOTPRINT | ALLOC_KNOW_FREE |
		   ALLOC_KNOW_RESIDENT;
	alloc_stats_raw(s, "arena", mi.arena);
	alloc_stats_raw(s, "ordblks", mi.ordblks);
	alloc_stats_raw(s, "hblks", mi.hblks);
	alloc_stats_raw(s, "hblkhd", mi.hblkhd);
	alloc_stats_raw(s, "uordblks", mi.uordblks);
	alloc_stats_raw(s, "fordblks", mi.fordblks);
	alloc_stats_raw(s, "keepcost", mi.keepcost);
}

static void sys_fini(void *state)
{
	(void)state;
}

const struct alloc_ops alloc_system = {
	.name = "system",
	.summary = "the process's malloc",
	.init = sys_init,
	.alloc = sys_alloc,
	.free = sys_free,
	.realloc = sys_realloc,
	.reset = NULL,
	.stats = sys_stats,
	.fini = sys_fini,
};
