/* session.c — running a workload once and filling its stats.
 *
 * Wall and CPU time bracket the workload's entry only.  Peak RSS is the
 * process's high-water mark, so it means "this run" only in a process that
 * runs one session, as the CLI does; it is read before the probes' analysis. */
#include "session.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "runtime/models/gc_model.h"
#include "runtime/probes/probe_alloc.h"
#include "runtime/probes/probe_record.h"
#include "probe_stats.h"
#include "runtime/probes/sampler.h"

static uint64_t peak_rss_bytes(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (uint64_t)ru.ru_maxrss * 1024u;
}

static void fill(const struct mm_ctx *c, uint64_t wall_ns, uint64_t cpu_ns, uint64_t rss,
		 const struct mm_job *job, struct stats_results *r)
{
	memset(r, 0, sizeof *r);
	STATS_SET(r, checksum, job->checksum);
	STATS_SET(r, ops, job->ops);
	STATS_SET(r, wall_s, (double)wall_ns / 1e9);
	STATS_SET(r, cpu_s, (double)cpu_ns / 1e9);
	STATS_SET(r, allocs, c->allocs);
	STATS_SET(r, alloc_bytes, c->alloc_bytes);
	STATS_SET(r, peak_rss_bytes, rss);
	if (c->model == MM_GC) {
		STATS_SET(r, collections, c->gc_collections);
		STATS_SET(r, peak_live_bytes, c->gc_heap_peak);
	} else {
		STATS_SET(r, peak_live_bytes, c->peak_live_bytes);
		STATS_SET(r, leaked_bytes, c->live_bytes);
		STATS_SET(r, leaked_objects, mm_ctx_leaked_objects(c));
	}
}

/* A peak: exact from the allocator when it keeps it, and in any case the
 * largest of what the sampler saw and the value at exit. */
static void fill_peak(struct stats_results *r, enum stats_field exact_f, enum stats_field sampled_f,
		      const struct alloc_stats *a, unsigned exact_bit, uint64_t exact,
		      unsigned now_bit, uint64_t now, const struct probe_record *rec,
		      enum probe_heap_field sampled)
{
	if (a->known & exact_bit)
		stats_set_u64(r, exact_f, exact);
	if (rec == NULL)
		return;
	bool known = false;
	uint64_t peak = 0;
	if (a->known & now_bit)
		peak = now, known = true;
	if (rec->heap_known & (1u << sampled)) {
		if (!known || rec->heap_peak[sampled] > peak)
			peak = rec->heap_peak[sampled];
		known = true;
	}
	if (known)
		stats_set_u64(r, sampled_f, peak);
}

/* The workload's entry, with the escape point an allocation failure
 * unwinds to. */
static enum session_status run_entry(const struct session *s, struct mm_ctx *c, char *err,
				     size_t errlen)
{
	jmp_buf escape;
	volatile enum session_status status = SESSION_OK;
	c->escape = &escape;
	if (setjmp(escape) == 0) {
		if (s->entry(c, s->job) != 0) {
			snprintf(err, errlen, "the workload failed");
			status = SESSION_FAILED;
		}
	} else {
		snprintf(err, errlen,
			 "out of memory: a request of %zu bytes failed with %llu bytes live",
			 c->failed_size, (unsigned long long)c->live_bytes);
		status = SESSION_OOM;
	}
	c->escape = NULL;
	return status;
}

static void take(void *arg)
{
	mm_sample_heap(arg);
}

enum session_status session_run(const struct session *s, struct stats *out, char *err,
				size_t errlen)
{
	struct mm_ctx c;
	struct sampler sampler;
	struct probe_alloc timer;
	struct probe_record *rec = NULL;
	bool timing = false;

	if (mm_ctx_init(&c, s->model, s->alloc, s->alloc_options, err, errlen) != 0)
		return SESSION_CONFIG;
	if (s->probes != PROBE_OFF) {
		rec = probe_record_new(SAMPLER_PERIOD_NS);
		if (rec == NULL) {
			snprintf(err, errlen, "no memory for the probes' records");
			mm_ctx_fini(&c);
			return SESSION_CONFIG;
		}
		c.probe = &probe_recorder;
		c.probe_state = rec;
		c.timed = true;
		rec->due = &c.sample_due;
		rec->take = take;
		rec->arg = &c;
		if (s->probes == PROBE_FULL && s->model != MM_GC) {
			probe_alloc_wrap(&timer, &c);
			timing = true;
		}
	}
	c.panic = s->panic;
	c.panic_state = s->panic_state;

	uint64_t t0 = clock_now_ns(), cpu0 = clock_cpu_ns();
	if (rec != NULL) {
		probe_record_begin(rec, t0);
		sampler_start(&sampler, &c, t0, SAMPLER_PERIOD_NS, s->probes == PROBE_FULL);
		sampler_take(&sampler, true);
	}
	enum session_status status = run_entry(s, &c, err, errlen);
	uint64_t t1 = clock_now_ns();
	uint64_t wall = t1 - t0, cpu = clock_cpu_ns() - cpu0;
	mm_note_peak(&c);
	if (timing)
		probe_alloc_unwrap(&timer, &c);
	uint64_t rss = peak_rss_bytes();

	if (status == SESSION_OK) {
		if (s->model == MM_GC) {
			gc_model_stats(&out->alloc);
		} else {
			c.alloc->stats(c.alloc_state, &out->alloc);
			out->alloc.requested = c.live_bytes;
			out->alloc.known |= ALLOC_KNOW_REQUESTED;
		}
		out->has_alloc = true;
	}
	if (rec != NULL) {
		if (status == SESSION_OK)
			sampler_take_with(&sampler, &out->alloc); /* the last point */
		sampler_stop(&sampler);
		probe_record_finish(rec, t1);
	}
	if (status == SESSION_OK) {
		memset(out->kinds, 0, sizeof out->kinds);
		memset(&out->mmu, 0, sizeof out->mmu);
		memset(&out->timeline, 0, sizeof out->timeline);
		fill(&c, wall, cpu, rss, s->job, &out->results);
		struct stats_results *r = &out->results;
		const struct alloc_stats *a = &out->alloc;
		fill_peak(r, STATS_F_peak_allocated_bytes, STATS_F_sampled_peak_allocated_bytes, a,
			  ALLOC_KNOW_PEAK_ALLOCATED, a->peak_allocated, ALLOC_KNOW_ALLOCATED,
			  a->allocated, rec, PROBE_HEAP_ALLOCATED);
		fill_peak(r, STATS_F_peak_footprint_bytes, STATS_F_sampled_peak_footprint_bytes, a,
			  ALLOC_KNOW_PEAK_FOOTPRINT, a->peak_footprint, ALLOC_KNOW_FOOTPRINT,
			  a->footprint, rec, PROBE_HEAP_FOOTPRINT);
		fill_peak(r, STATS_F_sampled_peak_resident_bytes, STATS_F_sampled_peak_resident_bytes,
			  a, 0, 0, ALLOC_KNOW_RESIDENT, a->resident, rec, PROBE_HEAP_RESIDENT);
		if (rec != NULL)
			probe_stats_fill(rec, out);
		if (timing)
			stats_set_f64(r, STATS_F_alloc_s, (double)probe_alloc_ns(&timer) / 1e9);
		stats_derive(r);
	}
	probe_record_delete(rec);
	mm_ctx_fini(&c);
	return status;
}
