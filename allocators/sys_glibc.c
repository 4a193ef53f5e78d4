/* sys_glibc.c — glibc's ptmalloc2 as a system backend.
 *
 * mallinfo2 walks every arena and free chunk: exact, and dear on a heap
 * with many free chunks, so callers read it sparingly.  allocated counts
 * mmapped chunks (hblkhd) with the in-use arena bytes.
 */
#include "sys_backend.h"

#include <malloc.h>

static void glibc_stats(struct alloc_stats *s)
{
	struct mallinfo2 mi = mallinfo2();
	s->allocated = mi.uordblks + mi.hblkhd;
	s->footprint = mi.arena + mi.hblkhd;
	s->free_bytes = mi.fordblks;
	s->known |= ALLOC_KNOW_ALLOCATED | ALLOC_KNOW_FOOTPRINT | ALLOC_KNOW_FREE;
	alloc_stats_raw(s, "arena", mi.arena);
	alloc_stats_raw(s, "ordblks", mi.ordblks);
	alloc_stats_raw(s, "hblks", mi.hblks);
	alloc_stats_raw(s, "hblkhd", mi.hblkhd);
	alloc_stats_raw(s, "uordblks", mi.uordblks);
	alloc_stats_raw(s, "fordblks", mi.fordblks);
	alloc_stats_raw(s, "keepcost", mi.keepcost);
}

const struct sys_backend sys_glibc = {
	.name = "glibc",
	.marker = "gnu_get_libc_version",
	.stats = glibc_stats,
};
