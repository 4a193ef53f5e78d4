/* session.c — running a workload once and filling its stats.
 *
 * Wall and CPU time bracket the workload's entry only.  Peak RSS is this
 * process image's high-water mark (VmHWM, runtime/probes/rss.h), so it
 * means "this run" only in a process that runs one session, as the CLI
 * does; it is read before the probes' analysis. */
#include "session.h"

#include <stdio.h>
#include <string.h>

#include "allocators/builtin.h"
#include "runtime/models/model.h"
#include "runtime/probes/log_csv.h"
#include "runtime/probes/probe_alloc.h"
#include "runtime/probes/probe_record.h"
#include "probe_stats.h"
#include "runtime/probes/profile.h"
#include "runtime/probes/rss.h"
#include "runtime/probes/sampler.h"
#include "split.h"

static void fill(const struct mm_ctx *c, uint64_t wall_ns, uint64_t cpu_ns, uint64_t rss,
		 const struct mm_job *job, struct stats_results *r)
{
	memset(r, 0, sizeof *r);
	STATS_SET(r, checksum, job->checksum);
	STATS_SET(r, ops, job->ops);
	STATS_SET(r, wall_s, (double)wall_ns / 1e9);
	STATS_SET(r, cpu_s, (double)cpu_ns / 1e9);
	STATS_SET(r, busy, (double)wall_ns > 1.2 * (double)cpu_ns);
	STATS_SET(r, allocs, c->allocs);
	STATS_SET(r, alloc_bytes, c->alloc_bytes);
	STATS_SET(r, peak_rss_bytes, rss);
	if (c->peak_live_estimated)
		STATS_SET(r, est_peak_live_bytes, c->peak_live_bytes);
	else
		STATS_SET(r, peak_live_bytes, c->peak_live_bytes);
	if (c->model->counts_live) {
		STATS_SET(r, leaked_bytes, c->live_bytes);
		STATS_SET(r, leaked_objects, c->allocs - c->frees);
	} else {
		STATS_SET(r, collections, c->collections);
	}
	if (c->model->counts_borrows)
		STATS_SET(r, borrows, c->borrows);
}

/* An address in the allocator plug-in's code when one serves the run
 * (under --heap-limit, behind the limiter), else 0: for the split. */
static uintptr_t plugin_code(const struct mm_ctx *c)
{
	const struct alloc_ops *a = c->alloc;
	void *state = c->alloc_state;
	if (a == &heap_limit_ops) {
		a = c->limiter.inner;
		state = c->limiter.inner_state;
	}
	return a == &alloc_plugin ? alloc_plugin_code(state) : 0;
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
		int rc = s->entry(c, s->job);
		if (rc == MM_JOB_WRONG) {
			snprintf(err, errlen, "wrong result: %s", s->job->error);
			status = SESSION_WRONG;
		} else if (rc == MM_JOB_REFUSED) {
			snprintf(err, errlen, "%s", s->job->error);
			status = SESSION_CONFIG;
		} else if (rc != MM_JOB_OK) {
			snprintf(err, errlen, "the workload failed");
			status = SESSION_FAILED;
		}
	} else {
		/* a model that counts no live bytes (gc) is described by its heap */
		const struct mm_model_ops *m = mm_model_get(s->model);
		struct alloc_stats h = { .known = 0 };
		if (!m->counts_live && m->heap != NULL)
			m->heap(c, &h);
		if (c->limit_hit)
			snprintf(err, errlen,
				 "heap limit reached: a request of %zu bytes failed under --heap-limit %llu",
				 c->failed_size, (unsigned long long)c->heap_limit);
		else if (m->counts_live)
			snprintf(err, errlen,
				 "out of memory: a request of %zu bytes failed with %llu bytes live",
				 c->failed_size, (unsigned long long)c->live_bytes);
		else if (h.known & ALLOC_KNOW_FOOTPRINT)
			snprintf(err, errlen,
				 "out of memory: a request of %zu bytes failed with a %s heap of %llu bytes",
				 c->failed_size, m->heap_name ? m->heap_name : m->name,
				 (unsigned long long)h.footprint);
		else
			snprintf(err, errlen, "out of memory: a request of %zu bytes failed",
				 c->failed_size);
		status = c->limit_hit ? SESSION_LIMIT : SESSION_OOM;
	}
	c->escape = NULL;
	return status;
}

/* The context's poll hook: the sampler's tick asked for a heap sample. */
static void take(void *arg)
{
	sampler_take(arg, false);
}

/* The peak hook: live bytes reached a new peak; sample whatever it costs. */
static void take_at_peak(void *arg)
{
	sampler_take(arg, true);
}

static void poll_now(void *arg)
{
	mm_ctx_poll(arg);
}

static void heap_now(void *arg, struct alloc_stats *out)
{
	mm_ctx_heap(arg, out);
}

enum session_status session_run(const struct session *s, struct stats *out, char *err,
				size_t errlen)
{
	struct mm_ctx c;
	struct sampler sampler;
	struct probe_alloc timer;
	struct prof prof = { 0 };
	struct probe_record *rec = NULL;
	bool timing = false;

	const struct mm_model_ops *model = mm_model_get(s->model);
	const struct mm_ctx_opts opts = { .model_options = s->model_options,
					  .heap_limit = s->heap_limit };
	if (mm_ctx_init_opts(&c, model, s->alloc, s->alloc_options, &opts, err, errlen) != 0)
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
		rec->due = &c.poll_due;
		rec->take = poll_now;
		rec->arg = &c;
		if (s->probes == PROBE_FULL && c.alloc != NULL) {
			probe_alloc_start(&timer, c.alloc, c.alloc_state);
			mm_ctx_use_allocator(&c, &probe_alloc_ops, &timer);
			timing = true;
		}
	}
	c.panic = s->panic;
	c.panic_state = s->panic_state;

	uint64_t t0 = clock_now_ns(), cpu0 = clock_cpu_ns();
	if (rec != NULL) {
		probe_record_begin(rec, t0);
		struct sampler_target target = {
			.due = &c.poll_due,
			.divert = &c.alloc_direct,
			.heap = heap_now,
			.heap_arg = &c,
			.probe = c.probe,
			.probe_state = c.probe_state,
			.live_known = model->counts_live,
			.live = &c.live_bytes,
		};
		sampler_start(&sampler, &target, t0, SAMPLER_PERIOD_NS, s->probes == PROBE_FULL);
		c.poll = take;
		c.poll_arg = &sampler;
		/* the system malloc cannot say what it held when live bytes
		 * peaked: sample it there (from 64 KiB on, each time live
		 * grows past the last such peak by a sixteenth: about 160
		 * samples up to 1 GiB) */
		if (c.alloc == &alloc_system) {
			c.peak_hook = take_at_peak;
			c.peak_hook_at = 64u << 10;
		}
		sampler_take(&sampler, true);
		if (!s->no_split)
			prof_start(&prof, PROF_PERIOD_NS); /* on failure: no split */
	}
	enum session_status status = run_entry(s, &c, err, errlen);
	prof_stop(&prof);
	uint64_t t1 = clock_now_ns();
	uint64_t wall = t1 - t0, cpu = clock_cpu_ns() - cpu0;
	/* after the clocks: the model's end-of-run check is not the workload's */
	if (status == SESSION_OK && model->end != NULL)
		model->end(&c); /* may panic: a rule broken at the end (own: a leak) */
	mm_note_peak(&c);
	if (timing)
		mm_ctx_use_allocator(&c, timer.inner, timer.inner_state);
	uint64_t rss = rss_peak_bytes();

	if (status == SESSION_OK) {
		mm_ctx_heap(&c, &out->alloc);
		out->has_alloc = true;
	}
	if (rec != NULL) {
		if (status == SESSION_OK)
			sampler_take_with(&sampler, &out->alloc); /* the last point */
		sampler_stop(&sampler);
		c.poll = NULL;
		c.peak_hook = NULL;
		probe_record_finish(rec, t1);
	}
	if (status == SESSION_OK) {
		memset(out->kinds, 0, sizeof out->kinds);
		memset(&out->mmu, 0, sizeof out->mmu);
		memset(&out->timeline, 0, sizeof out->timeline);
		memset(out->pause_hist, 0, sizeof out->pause_hist);
		out->nmarks = 0;
		/* VmHWM can trail the resident-set counters by a few pages: the
		 * peak is at least every RSS the sampler saw */
		if (rec != NULL && (rec->heap_known & (1u << PROBE_HEAP_RSS)) &&
		    rec->heap_peak[PROBE_HEAP_RSS] > rss)
			rss = rec->heap_peak[PROBE_HEAP_RSS];
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
		/* an allocator that knows its figures at peak live gives the exact
		 * fragmentation there; the others are sampled (probe_stats_fill) */
		const unsigned at_peak = ALLOC_KNOW_PEAK_REQUESTED | ALLOC_KNOW_ALLOCATED_AT_PEAK |
					 ALLOC_KNOW_FOOTPRINT_AT_PEAK;
		if ((a->known & at_peak) == at_peak)
			stats_fragmentation(r, false, true, a->peak_requested, a->allocated_at_peak,
					    a->footprint_at_peak);
		if (rec != NULL) {
			probe_stats_fill(rec, out);
			/* a drop cascade is not a collection: counted apart */
			uint64_t cascades = 0;
			for (unsigned k = 0; k < PROBE_PAUSE_KINDS; k++)
				if (probe_pause_class((enum probe_pause)k) == PROBE_CASCADE)
					cascades += out->kinds[k].count;
			stats_set_u64(r, STATS_F_cascades, cascades);
			split_fill(&prof, s->alloc, plugin_code(&c), !model->takes_allocator, r);
			stats_set_u64(r, STATS_F_probe_bytes, r->probe_bytes + prof_bytes(&prof));
			stats_set_u64(r, STATS_F_cpu_pause_count, rec->cpu_count);
			stats_set_f64(r, STATS_F_cpu_pause_wall_s, (double)rec->cpu_wall_ns / 1e9);
			stats_set_f64(r, STATS_F_cpu_pause_cpu_s, (double)rec->cpu_ns / 1e9);
			if (s->pause_log != NULL)
				log_csv_write(rec, s->pause_log); /* the caller checks the stream */
		}
		if (timing)
			stats_set_f64(r, STATS_F_alloc_s, (double)probe_alloc_ns(&timer) / 1e9);
		stats_derive(r);
	}
	prof_free(&prof);
	probe_record_delete(rec);
	mm_ctx_fini(&c);
	return status;
}
