/* shim_report.c — a shim's figures as an mmlab stats record.
 *
 * config.workload is the program's name and config.model "native" (the
 * program's own discipline); results hold what the shim counted, the
 * process's times and RSS, and the allocator's exact peaks; the allocator
 * section its figures at exit.  One emitter call writes it all.
 */
#include "shim_report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "runtime/stats/stats.h"

/* 34 KiB: too much for the stack of a thread that happens to exit last. */
static struct stats record;

static double since(const struct timespec *t0, clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void fill(const char *allocator, const struct shim_counts *c, const struct alloc_stats *a)
{
	struct stats *s = &record;
	memset(s, 0, sizeof *s);
	snprintf(s->config.workload, sizeof s->config.workload, "%s", program_invocation_short_name);
	snprintf(s->config.ops_unit, sizeof s->config.ops_unit, "allocations");
	snprintf(s->config.model, sizeof s->config.model, "native");
	snprintf(s->config.allocator, sizeof s->config.allocator, "%s", allocator);
	snprintf(s->config.probes, sizeof s->config.probes, "off");
	stats_config_host(&s->config);

	struct stats_results *r = &s->results;
	struct timespec zero = { 0, 0 };
	STATS_SET(r, ops, c->allocs);
	STATS_SET(r, allocs, c->allocs);
	STATS_SET(r, alloc_bytes, c->alloc_bytes);
	STATS_SET(r, wall_s, since(&c->start, CLOCK_MONOTONIC));
	STATS_SET(r, cpu_s, since(&zero, CLOCK_PROCESS_CPUTIME_ID));
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		STATS_SET(r, peak_rss_bytes, (uint64_t)ru.ru_maxrss * 1024u);
	STATS_SET(r, peak_live_bytes, c->peak_live_bytes);
	STATS_SET(r, leaked_bytes, c->live_bytes);
	STATS_SET(r, leaked_objects, c->live_blocks);
	if (a->known & ALLOC_KNOW_PEAK_ALLOCATED)
		STATS_SET(r, peak_allocated_bytes, a->peak_allocated);
	if (a->known & ALLOC_KNOW_PEAK_FOOTPRINT)
		STATS_SET(r, peak_footprint_bytes, a->peak_footprint);
	stats_derive(r);

	s->alloc = *a;
	s->alloc.requested = c->live_bytes; /* the program's bytes, our heads excluded */
	s->alloc.known |= ALLOC_KNOW_REQUESTED;
	s->has_alloc = true;
}

void shim_report(const char *where, const char *allocator, const struct shim_counts *c,
		 const struct alloc_stats *a)
{
	fill(allocator, c, a);
	struct emitter e;
	if (strcmp(where, "-") == 0) {
		emit_init(&e, EMIT_JSON, stderr);
		stats_emit(&e, &record);
		return;
	}
	char path[4096], aside[4200];
	size_t n = 0;
	for (const char *p = where; *p && n + 24 < sizeof path; p++) {
		if (p[0] == '%' && p[1] == 'p') {
			n += (size_t)snprintf(path + n, sizeof path - n, "%ld", (long)getpid());
			p++;
		} else {
			path[n++] = *p;
		}
	}
	path[n] = '\0';
	snprintf(aside, sizeof aside, "%s.%ld.part", path, (long)getpid());
	int saved = errno;
	FILE *f = fopen(aside, "w");
	if (f != NULL) {
		emit_init(&e, EMIT_JSON, f);
		stats_emit(&e, &record);
		if (fclose(f) == 0)
			rename(aside, path);
		else
			unlink(aside);
	}
	errno = saved;
}
