/* collector.c — the serving malloc's own figures at a program's exit, for
 * `mmlab exec`: preloaded beside (after) a system allocator's library.
 *
 * It defines no malloc: at exit it asks whichever library serves malloc
 * for its statistics (allocators/sys_backend.h: mallinfo2, mallctl after
 * an epoch, MallocExtension, mimalloc's heap) and writes one mmlab stats
 * record to $MMLAB_STATS ("%p": the process id), aside then renamed, so
 * the file appears whole.  Invariant: it never writes to the program's
 * stdout or stderr, and does nothing while the program runs; only the
 * process named by $MMLAB_STATS_PID (when set) writes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "allocators/sys_backend.h"
#include "runtime/stats/stats.h"

/* 34 KiB: too much for the stack of whichever thread exits last. */
static struct stats record;
static struct timespec started;

__attribute__((constructor)) static void collect_start(void)
{
	clock_gettime(CLOCK_MONOTONIC, &started);
}

static double since(const struct timespec *t0, clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

typedef int mallctl_fn(const char *name, void *oldp, size_t *oldlenp, void *newp,
		       size_t newlen);

/* jemalloc counts requests, tcache hits included, over every arena
 * (4096 is MALLCTL_ARENAS_ALL); its stats were refreshed by the epoch
 * write of sys_jemalloc.  0 when it does not say. */
static uint64_t jemalloc_requests(void)
{
	mallctl_fn *ctl = (mallctl_fn *)sys_symbol("mallctl");
	static const char *const keys[] = { "stats.arenas.4096.small.nrequests",
					    "stats.arenas.4096.large.nrequests" };
	uint64_t total = 0;
	for (unsigned i = 0; ctl != NULL && i < 2; i++) {
		uint64_t v = 0;
		size_t len = sizeof v;
		if (ctl(keys[i], &v, &len, NULL, 0) != 0)
			return 0;
		total += v;
	}
	return total;
}

static void fill(const struct sys_backend *b)
{
	struct stats *s = &record;
	memset(s, 0, sizeof *s);
	snprintf(s->config.workload, sizeof s->config.workload, "%s", program_invocation_short_name);
	snprintf(s->config.ops_unit, sizeof s->config.ops_unit, "allocations");
	snprintf(s->config.model, sizeof s->config.model, "native");
	snprintf(s->config.allocator, sizeof s->config.allocator, "%s", b ? b->name : "unknown");
	snprintf(s->config.probes, sizeof s->config.probes, "off");
	stats_config_host(&s->config);

	struct stats_results *r = &s->results;
	struct timespec zero = { 0, 0 };
	STATS_SET(r, wall_s, since(&started, CLOCK_MONOTONIC));
	STATS_SET(r, cpu_s, since(&zero, CLOCK_PROCESS_CPUTIME_ID));
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		STATS_SET(r, peak_rss_bytes, (uint64_t)ru.ru_maxrss * 1024u);
	if (b == NULL)
		return;
	snprintf(s->alloc.backend, sizeof s->alloc.backend, "%s", b->name);
	b->stats(&s->alloc);
	s->alloc.resident = sys_resident_bytes();
	if (s->alloc.resident > 0)
		s->alloc.known |= ALLOC_KNOW_RESIDENT;
	s->has_alloc = true;
	if (b == &sys_jemalloc) {
		uint64_t n = jemalloc_requests();
		if (n > 0) {
			STATS_SET(r, allocs, n);
			STATS_SET(r, ops, n);
		}
	}
	stats_derive(r);
}

/* where with "%p" replaced by the process id, into buf; false if too long. */
static bool expand(const char *where, char *buf, size_t len)
{
	char pid[24];
	int plen = snprintf(pid, sizeof pid, "%ld", (long)getpid());
	size_t n = 0;
	for (const char *p = where; *p; p++) {
		const char *add = p;
		size_t k = 1;
		if (p[0] == '%' && p[1] == 'p') {
			add = pid;
			k = (size_t)plen;
			p++;
		}
		if (n + k + 1 > len)
			return false;
		memcpy(buf + n, add, k);
		n += k;
	}
	buf[n] = '\0';
	return true;
}

__attribute__((destructor)) static void collect_at_exit(void)
{
	const char *where = getenv("MMLAB_STATS");
	const char *only = getenv("MMLAB_STATS_PID");
	if (where == NULL || *where == '\0')
		return;
	if (only != NULL && strtol(only, NULL, 10) != (long)getpid())
		return; /* a child the program forked: not the run mmlab measures */
	int saved = errno;
	char path[4096], aside[4096 + 8];
	if (!expand(where, path, sizeof path) ||
	    snprintf(aside, sizeof aside, "%s.part", path) >= (int)sizeof aside)
		goto out;
	fill(sys_serving(NULL, 0));
	FILE *f = fopen(aside, "we");
	if (f == NULL)
		goto out;
	struct emitter e;
	emit_init_file(&e, EMIT_JSON, f);
	stats_emit(&e, &record);
	bool ok = emit_error(&e) == 0;
	ok &= fflush(f) == 0;
	ok &= fclose(f) == 0;
	if (!ok || rename(aside, path) != 0)
		unlink(aside); /* mmlab exec reports the record as missing */
out:
	errno = saved;
}
