/* gc.c — starting Boehm, turning its collection events into pauses, and
 * counting the requested bytes live.
 *
 * Boehm's heap and its event callback are process-wide, so one gc context
 * may be active at a time (gc_ctx).  A pause runs from the stop-world event
 * to the start-world event, read with CLOCK_MONOTONIC; the library's own
 * timers are millisecond-grained and cover full collections only.  The
 * callback runs with Boehm's allocation lock held, so it reads heap
 * figures through the unsynchronized getter and never allocates.
 *
 * Peak live, in requested bytes as the other models count it: Boehm keeps
 * no request sizes, only its size classes (16-byte granules, and one byte
 * more for interior pointers: a 16-byte node takes 32).  So the model
 * learns, for every class, the request sizes that land in it (each type's
 * size, when the workload binds its types: nothing on the allocation
 * path), and at every collection
 * that takes Boehm's heap in use to a new peak it walks the marked objects
 * and adds up their requests: exact while each class holds one request
 * size, else an estimate (each object counted at its class's largest
 * request) that the record marks as such.  Objects of sizes the workload
 * never asked for are Boehm's own (thread and finalizer tables: 85 of 48
 * bytes at depth 10) and are left out; one of its own in a class the
 * workload uses would be counted, which is why the figure is "requested
 * bytes in the workload's size classes".  Boehm's own figure, the heap in
 * use, is reported apart (the allocator block's peak allocated).
 */
#include "gc_model.h"

/* The unsynchronized stats getter, for use inside the event callback, is
 * declared only for threaded builds; Debian's libgc is one. */
#define GC_THREADS
#include <gc.h>
#include <gc/gc_mark.h>
#include <stdio.h>

#include "model_opts.h"
#include <string.h>

static struct mm_ctx *gc_ctx;


/* Boehm's object size -> the request sizes seen in it. */
enum { GC_CLASSES = 256 };
static struct gc_class {
	size_t size;    /* GC_size of its objects; 0: an empty entry */
	size_t request; /* the largest request seen */
	bool mixed;     /* more than one request size */
} classes[GC_CLASSES];
static bool classes_full; /* a class had no room: every figure estimated */
static uint64_t heap_peak; /* Boehm's heap in use, largest after a collection */

static struct gc_class *class_of(size_t size, bool add)
{
	size_t h = (size / 16) % GC_CLASSES;
	for (size_t i = 0; i < GC_CLASSES; i++) {
		struct gc_class *k = &classes[(h + i) % GC_CLASSES];
		if (k->size == size)
			return k;
		if (k->size == 0) {
			if (!add)
				return NULL;
			k->size = size;
			return k;
		}
	}
	classes_full = true;
	return NULL;
}

/* One object of each type's size tells its class (GC_size); it is garbage
 * at once, and one collection's work at most. */
void gc_model_bind(struct mm_ctx *c)
{
	for (uint32_t i = 0; i < c->ntypes; i++) {
		size_t n = mm_type_size(&c->types[i], 0);
		void *obj = GC_MALLOC(n);
		if (obj == NULL)
			continue;
		struct gc_class *k = class_of(GC_size(obj), true);
		if (k == NULL)
			continue;
		if (k->request != 0 && k->request != n)
			k->mixed = true;
		if (n > k->request)
			k->request = n;
	}
}

struct live_sum {
	uint64_t bytes;
	bool estimated;
};

static void GC_CALLBACK add_live(void *obj, size_t bytes, void *arg)
{
	(void)obj;
	struct live_sum *sum = arg;
	const struct gc_class *k = class_of(bytes, false);
	if (k == NULL) /* a size the workload never asked for: Boehm's own */
		return;
	sum->bytes += k->request;
	sum->estimated |= k->mixed;
}

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
		if (stat_max(&heap_peak, in_use)) {
			struct live_sum sum = { 0, classes_full };
			GC_enumerate_reachable_objects_inner(add_live, &sum);
			c->peak_live_bytes = sum.bytes;
			c->peak_live_estimated = sum.estimated;
		}
		c->collections++;
		if (c->timed)
			mm_ctx_poll(c); /* the heap's shape changes here: sample it */
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
	/* the collector modes (docs/models.md): stop-the-world by default */
	int64_t markers = 1, incremental = 0, divisor = 0, full_freq = -1;
	const struct model_opt opts[] = {
		{ "markers", 1, 64, &markers },
		{ "incremental", 0, 1, &incremental },
		{ "divisor", 1, 1000, &divisor },
		{ "full_freq", 0, 1000, &full_freq },
	};
	if (model_opts_parse("gc", c->model_options, opts, 4, err, errlen) != 0)
		return -1;
	/* markers count only before Boehm starts: runs get a fresh process */
	if (markers > 1)
		GC_set_markers_count((unsigned)markers);
	GC_INIT();
	GC_set_warn_proc(quiet);
	if (markers > 1)
		GC_start_mark_threads();
	if (incremental)
		GC_enable_incremental();
	if (divisor > 0)
		GC_set_free_space_divisor((GC_word)divisor);
	if (full_freq >= 0)
		GC_set_full_freq((int)full_freq);
	/* 0 is Boehm's "no limit", too */
	GC_set_max_heap_size((GC_word)c->heap_limit);
	gc_ctx = c;
	memset(classes, 0, sizeof classes);
	classes_full = false;
	heap_peak = 0;
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
	if (heap_peak != 0) { /* Boehm's heap in use, at its largest after a collection */
		s->peak_allocated = heap_peak;
		s->known |= ALLOC_KNOW_PEAK_ALLOCATED;
	}
	alloc_stats_raw(s, "heapsize_full", p.heapsize_full);
	alloc_stats_raw(s, "free_bytes_full", p.free_bytes_full);
	alloc_stats_raw(s, "unmapped_bytes", p.unmapped_bytes);
	alloc_stats_raw(s, "bytes_allocd_since_gc", p.bytes_allocd_since_gc);
	alloc_stats_raw(s, "allocd_bytes_before_gc", p.allocd_bytes_before_gc);
	alloc_stats_raw(s, "gc_no", p.gc_no);
	alloc_stats_raw(s, "markers_m1", p.markers_m1);
	alloc_stats_raw(s, "obtained_from_os_bytes", p.obtained_from_os_bytes);
}

/* On the mutator thread nothing else changes Boehm's figures (collections
 * run on it; the markers only help), so the unlocked getter is safe both
 * inside the event callback, which holds the lock, and outside it. */
void gc_model_heap(struct mm_ctx *c, struct alloc_stats *s)
{
	(void)c;
	struct GC_prof_stats_s p;
	GC_get_prof_stats_unsafe(&p, sizeof p);
	from_prof(s, &p);
}
