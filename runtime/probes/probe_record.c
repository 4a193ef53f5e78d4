/* probe_record.c — the recording listener's callbacks and its storage. */
#include "probe_record.h"

#include "allocators/stat_count.h"

#include "clock.h"
#include "probe_mem.h"

static void poll(struct probe_record *r)
{
	if (r->due != NULL && atomic_load_explicit(r->due, memory_order_relaxed))
		r->take(r->arg);
}

static void begin(void *st, enum probe_pause kind, uint64_t t_ns)
{
	struct probe_record *r = st;
	r->cpu_open = kind == PROBE_PAUSE_GC && !r->done ? clock_thread_cpu_ns() : 0;
	r->open_since = t_ns;
	r->open = true;
}

static void cpu_note(struct probe_record *r, uint64_t wall_ns, uint64_t cpu_ns)
{
	r->cpu_count++;
	r->cpu_wall_ns += wall_ns;
	r->cpu_ns += cpu_ns;
}

/* The pause's CPU time, where its kind or length allows a clock read. */
static void cpu_time(struct probe_record *r, uint64_t t_ns)
{
	uint64_t dur = t_ns - r->open_since;
	if (r->cpu_open == 0 && dur < PROBE_CPU_THRESHOLD_NS)
		return;
	uint64_t now = clock_thread_cpu_ns();
	if (r->cpu_open != 0) {
		cpu_note(r, dur, now > r->cpu_open ? now - r->cpu_open : 0);
	} else if (r->wall_mark != 0 && t_ns > r->wall_mark) {
		uint64_t wall = t_ns - r->wall_mark, cpu = now - r->cpu_mark;
		uint64_t off = wall > cpu ? wall - cpu : 0;
		cpu_note(r, dur, dur > off ? dur - off : 0);
	}
	r->cpu_mark = now;
	r->wall_mark = t_ns;
}

static void end(void *st, enum probe_pause kind, uint64_t t_ns)
{
	struct probe_record *r = st;
	if (!r->open || r->done || (unsigned)kind >= PROBE_PAUSE_KINDS)
		return;
	r->open = false;
	cpu_time(r, t_ns);
	hist_add(&r->pause[kind], t_ns - r->open_since);
	plog_append(&r->log, r->open_since, t_ns, kind);
	poll(r);
}

static void step(void *st, uint64_t t_ns)
{
	struct probe_record *r = st;
	if (r->done)
		return;
	hist_add(&r->step, t_ns - r->last_step);
	plog_append(&r->steps, r->last_step, t_ns, (enum probe_pause)0);
	r->last_step = t_ns;
	poll(r);
}

static void heap(void *st, const struct probe_heap *s)
{
	struct probe_record *r = st;
	if (r->done)
		return;
	tl_add(&r->tl, s);
	r->cpu_mark = clock_thread_cpu_ns();
	r->wall_mark = clock_now_ns();
	/* the fullest sample: the most live bytes (those taken when live
	 * bytes peaked, when the session asks for them), else the most
	 * allocated; fragmentation is read from it */
	const unsigned both = 1u << PROBE_HEAP_ALLOCATED | 1u << PROBE_HEAP_FOOTPRINT;
	const unsigned live = 1u << PROBE_HEAP_LIVE;
	enum probe_heap_field by = (s->known & live) ? PROBE_HEAP_LIVE : PROBE_HEAP_ALLOCATED;
	if ((s->known & both) == both &&
	    ((r->fullest.known & both) != both || s->v[by] > r->fullest.v[by]))
		r->fullest = *s;
	for (unsigned f = 0; f < PROBE_HEAP_NFIELDS; f++) {
		if (!(s->known & (1u << f)))
			continue;
		stat_max(&r->heap_peak[f], s->v[f]); /* a maximum: 0 before any */
		r->heap_known |= 1u << f;
	}
}

const struct probe_listener probe_recorder = {
	.pause_begin = begin,
	.pause_end = end,
	.step = step,
	.heap = heap,
	.timed = true,
};

struct probe_record *probe_record_new(uint64_t sample_interval_ns)
{
	struct probe_record *r = probe_mem_map(sizeof *r);
	if (r == NULL)
		return NULL;
	/* the mapping is zeroed: the histograms are empty without touching
	 * (and so making resident) their pages */
	r->tl.interval = sample_interval_ns ? sample_interval_ns : 1;
	return r;
}

void probe_record_begin(struct probe_record *r, uint64_t t0_ns)
{
	plog_init(&r->log, t0_ns);
	plog_init(&r->steps, t0_ns);
	r->cpu_mark = clock_thread_cpu_ns();
	r->wall_mark = t0_ns;
	tl_init(&r->tl, t0_ns, r->tl.interval);
	r->t0 = r->last_step = t0_ns;
}

void probe_record_delete(struct probe_record *r)
{
	if (r == NULL)
		return;
	plog_free(&r->log);
	plog_free(&r->steps);
	probe_mem_unmap(r, sizeof *r);
}

void probe_record_finish(struct probe_record *r, uint64_t t_end_ns)
{
	r->t_end = t_end_ns;
	r->done = true;
}

void probe_record_pauses(const struct probe_record *r, struct hist *out)
{
	hist_init(out);
	for (unsigned k = 0; k < PROBE_PAUSE_KINDS; k++)
		hist_merge(out, &r->pause[k]);
}

uint64_t probe_record_bytes(const struct probe_record *r)
{
	return sizeof *r + r->log.bytes + r->steps.bytes;
}
