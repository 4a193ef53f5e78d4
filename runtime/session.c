/* session.c — running a workload once and filling its stats.
 *
 * Wall time and CPU time bracket the workload's entry only (not model
 * set-up).  Peak RSS is the process's high-water mark, so it means "this
 * run" only in a process that runs one session, as the CLI does.
 */
#include "session.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "models/gc_model.h"
#include "probe_record.h"

static uint64_t peak_rss_bytes(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (uint64_t)ru.ru_maxrss * 1024u;
}

static void fill(const struct mm_ctx *c, const struct probe_record *rec, bool probes,
		 uint64_t wall_ns, uint64_t cpu_ns, const struct mm_job *job,
		 struct stats_results *r)
{
	memset(r, 0, sizeof *r);
	STATS_SET(r, checksum, job->checksum);
	STATS_SET(r, ops, job->ops);
	STATS_SET(r, wall_s, (double)wall_ns / 1e9);
	STATS_SET(r, cpu_s, (double)cpu_ns / 1e9);
	if (wall_ns > 0)
		STATS_SET(r, ops_per_s, (double)job->ops / ((double)wall_ns / 1e9));
	STATS_SET(r, allocs, c->allocs);
	STATS_SET(r, alloc_bytes, c->alloc_bytes);
	if (probes) {
		STATS_SET(r, pause_count, rec->pause_count);
		STATS_SET(r, pause_total_s, (double)rec->pause_total_ns / 1e9);
		STATS_SET(r, pause_max_s, (double)rec->pause_max_ns / 1e9);
	}
	STATS_SET(r, peak_rss_bytes, peak_rss_bytes());
	if (c->model == MM_GC) {
		STATS_SET(r, collections, c->gc_collections);
		STATS_SET(r, peak_live_bytes, c->gc_heap_peak);
	} else {
		STATS_SET(r, peak_live_bytes, c->peak_live_bytes);
		STATS_SET(r, leaked_bytes, c->live_bytes);
		STATS_SET(r, leaked_objects, mm_ctx_leaked_objects(c));
	}
}

enum session_status session_run(const struct session *s, struct stats *out, char *err,
				size_t errlen)
{
	struct mm_ctx c;
	struct probe_record rec;
	jmp_buf escape;

	if (mm_ctx_init(&c, s->model, s->alloc, s->alloc_options, err, errlen) != 0)
		return SESSION_CONFIG;
	probe_record_init(&rec);
	if (s->probes) {
		c.probe = &probe_recorder;
		c.probe_state = &rec;
		c.timed = true;
	}
	c.panic = s->panic;
	c.panic_state = s->panic_state;
	c.escape = &escape;

	volatile enum session_status status = SESSION_OK;
	uint64_t t0 = clock_now_ns(), cpu0 = clock_cpu_ns();
	if (setjmp(escape) == 0) {
		if (s->entry(&c, s->job) != 0) {
			snprintf(err, errlen, "the workload failed");
			status = SESSION_FAILED;
		}
	} else {
		snprintf(err, errlen,
			 "out of memory: a request of %zu bytes failed with %llu bytes live",
			 c.failed_size, (unsigned long long)c.live_bytes);
		status = SESSION_OOM;
	}
	uint64_t wall = clock_now_ns() - t0, cpu = clock_cpu_ns() - cpu0;
	c.escape = NULL;
	mm_note_peak(&c);

	if (status == SESSION_OK) {
		fill(&c, &rec, s->probes, wall, cpu, s->job, &out->results);
		if (s->model == MM_GC) {
			gc_model_stats(&out->alloc);
		} else {
			c.alloc->stats(c.alloc_state, &out->alloc);
			out->alloc.requested = c.live_bytes;
			out->alloc.known |= ALLOC_KNOW_REQUESTED;
		}
		out->has_alloc = true;
	}
	mm_ctx_fini(&c);
	return status;
}
