/* gc.c — starting Boehm and turning its collection events into pauses.
 *
 * Boehm's heap and its event callback are process-wide, so one gc context
 * may be active at a time (gc_ctx).  A pause runs from the stop-world event
 * to the start-world event, read with CLOCK_MONOTONIC; the library's own
 * timers are millisecond-grained and cover full collections only.  The
 * callback runs with Boehm's allocation lock held, so it reads heap
 * figures through the unsynchronized getter and never allocates.
 */
#include "gc_model.h"

/* The unsynchronized stats getter, for use inside the event callback, is
 * declared only for threaded builds; Debian's libgc is one. */
#define GC_THREADS
#include <gc.h>
#include <stdio.h>

static struct mm_ctx *gc_ctx;

static void on_event(GC_EventType e)
{
	struct mm_ctx *c = gc_ctx;
	if (c == NULL)
		return;
	switch (e) {
	case GC_EVENT_PRE_STOP_WORLD:
		mm_pause_begin(c, PROBE_PAUSE_GC);
		break;
	case GC_EVENT_POST_START_WORLD:
		mm_pause_end(c, PROBE_PAUSE_GC);
		break;
	case GC_EVENT_END: {
		struct GC_prof_stats_s s;
		GC_get_prof_stats_unsafe(&s, sizeof s);
		uint64_t in_use = s.heapsize_full - s.free_bytes_full;
		if (in_use > c->gc_heap_peak)
			c->gc_heap_peak = in_use;
		c->gc_collections++;
		if (c->timed)
			mm_sample_heap(c); /* the heap's shape changes here */
		break;
	}
	default:
		break;
	}
}

/* Boehm's warnings (heap growth failing, large blocks) would interleave
 * with the workload's output; a failed allocation is reported by mmlab. */
static void quiet(char *msg, GC_word arg)
{
	(void)msg, (void)arg;
}

int gc_model_init(struct mm_ctx *c, char *err, size_t errlen)
{
	if (gc_ctx != NULL) {
		snprintf(err, errlen, "a gc context is already active: Boehm's heap is process-wide");
		return -1;
	}
	GC_INIT();
	GC_set_warn_proc(quiet);
	gc_ctx = c;
	GC_set_on_collection_event(on_event);
	return 0;
}

void gc_model_fini(struct mm_ctx *c)
{
	if (gc_ctx == c) {
		GC_set_on_collection_event(0);
		gc_ctx = NULL;
	}
}

static void from_prof(struct alloc_stats *s, const struct GC_prof_stats_s *pp)
{
	const struct GC_prof_stats_s p = *pp;
	*s = (struct alloc_stats){ .backend = "bdwgc" };
	s->footprint = p.heapsize_full - p.unmapped_bytes;
	s->free_bytes = p.free_bytes_full - p.unmapped_bytes;
	s->allocated = s->footprint - s->free_bytes;
	s->known = ALLOC_KNOW_FOOTPRINT | ALLOC_KNOW_FREE | ALLOC_KNOW_ALLOCATED;
	alloc_stats_raw(s, "heapsize_full", p.heapsize_full);
	alloc_stats_raw(s, "free_bytes_full", p.free_bytes_full);
	alloc_stats_raw(s, "unmapped_bytes", p.unmapped_bytes);
	alloc_stats_raw(s, "bytes_allocd_since_gc", p.bytes_allocd_since_gc);
	alloc_stats_raw(s, "allocd_bytes_before_gc", p.allocd_bytes_before_gc);
	alloc_stats_raw(s, "gc_no", p.gc_no);
	alloc_stats_raw(s, "markers_m1", p.markers_m1);
	alloc_stats_raw(s, "obtained_from_os_bytes", p.obtained_from_os_bytes);
}

void gc_model_stats(struct alloc_stats *s)
{
	struct GC_prof_stats_s p;
	GC_get_prof_stats(&p, sizeof p);
	from_prof(s, &p);
}

/* On the mutator thread nothing else changes Boehm's figures (collections
 * run on it; the markers only help), so the unlocked getter is safe both
 * inside the event callback, which holds the lock, and outside it. */
void gc_model_heap(struct alloc_stats *s)
{
	struct GC_prof_stats_s p;
	GC_get_prof_stats_unsafe(&p, sizeof p);
	from_prof(s, &p);
}
