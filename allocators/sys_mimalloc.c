/* sys_mimalloc.c — mimalloc as a system backend, read by visiting its heap.
 *
 * Debian builds mimalloc without statistics (its counters read zero), so
 * the figures come from the calling thread's default heap, one visit per
 * area of same-size blocks: allocated = used blocks x block size,
 * footprint = committed bytes.  mmlab's mutator is that one thread. */
#include "sys_backend.h"

#include <mimalloc.h>

typedef mi_heap_t *default_fn(void);
typedef bool visit_fn(const mi_heap_t *heap, bool all_blocks, mi_block_visit_fun *visitor,
		      void *arg);
typedef void info_fn(size_t *elapsed_ms, size_t *user_ms, size_t *system_ms,
		     size_t *current_rss, size_t *peak_rss, size_t *current_commit,
		     size_t *peak_commit, size_t *page_faults);

struct mimalloc_sum {
	uint64_t areas, blocks, allocated, committed, reserved;
};

static bool add_area(const mi_heap_t *heap, const mi_heap_area_t *area, void *block,
		     size_t block_size, void *arg)
{
	(void)heap, (void)block_size;
	struct mimalloc_sum *sum = arg;
	if (block == NULL) { /* the area itself; blocks are not visited */
		sum->areas++;
		sum->blocks += area->used;
		sum->allocated += (uint64_t)area->used * area->block_size;
		sum->committed += area->committed;
		sum->reserved += area->reserved;
	}
	return true;
}

static void mimalloc_stats(struct alloc_stats *s)
{
	default_fn *heap_of = (default_fn *)sys_symbol("mi_heap_get_default");
	visit_fn *visit = (visit_fn *)sys_symbol("mi_heap_visit_blocks");
	info_fn *info = (info_fn *)sys_symbol("mi_process_info");
	if (heap_of == NULL || visit == NULL)
		return;
	struct mimalloc_sum sum = { 0 };
	if (!visit(heap_of(), false, add_area, &sum))
		return;
	alloc_stats_raw(s, "heap.areas", sum.areas);
	alloc_stats_raw(s, "heap.used_blocks", sum.blocks);
	alloc_stats_raw(s, "heap.allocated", sum.allocated);
	alloc_stats_raw(s, "heap.committed", sum.committed);
	alloc_stats_raw(s, "heap.reserved", sum.reserved);
	if (info != NULL) {
		size_t elapsed, user, sys, rss, peak_rss, commit, peak_commit, faults;
		info(&elapsed, &user, &sys, &rss, &peak_rss, &commit, &peak_commit, &faults);
		alloc_stats_raw(s, "process.peak_rss", peak_rss);
		alloc_stats_raw(s, "process.page_faults", faults);
	}
	s->allocated = sum.allocated;
	s->footprint = sum.committed;
	s->free_bytes = sum.committed > sum.allocated ? sum.committed - sum.allocated : 0;
	s->known |= ALLOC_KNOW_ALLOCATED | ALLOC_KNOW_FOOTPRINT | ALLOC_KNOW_FREE;
}

const struct sys_backend sys_mimalloc = {
	.name = "mimalloc",
	.marker = "mi_heap_visit_blocks",
	.stats = mimalloc_stats,
};
