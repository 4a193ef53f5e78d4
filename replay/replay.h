/* replay.h — replaying a trace on an allocator, as the malloc lab does.
 *
 * replay_check runs it once with every check (non-NULL, aligned as
 * allocator.h promises, no overlap, payload intact) and measures peak live
 * payload / peak footprint; replay_time times unchecked passes.  Errors:
 * -1 with err (options refused, no memory); a failed check is a result
 * (an allocator that returns NULL: oom, for the CLI a failed run).  Every
 * per-pass cost follows the trace's operations and the ids it uses
 * (trace.nids), never the id count a header declares. */
#ifndef REPLAY_REPLAY_H
#define REPLAY_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "allocators/allocator.h"
#include "trace.h"

struct replay_result {
	bool valid;
	bool oom;                  /* not valid because the allocator returned NULL */
	char why[192];             /* the first failed check, "line N: ..." */
	char backend[32];          /* the allocator's stats backend */
	uint64_t ops;
	uint64_t peak_live;        /* payload bytes */
	uint64_t peak_footprint;
	bool footprint_known;
	bool footprint_exact;      /* the allocator's own peak, not sampled */
	double utilization;        /* < 0: unknown */
	unsigned reps;             /* timed passes */
	double secs;               /* the median timed pass */
	double ops_per_s;          /* ops / secs; < 0: unknown */
};

int replay_check(const struct trace *t, const struct alloc_ops *ops, const char *options,
		 struct replay_result *out, char *err, size_t errlen);

/* At least min_reps timed passes, and more until they add up to
 * min_secs (at most REPLAY_REPS_MAX). */
#define REPLAY_REPS_MAX 1000
int replay_time(const struct trace *t, const struct alloc_ops *ops, const char *options,
		unsigned min_reps, double min_secs, struct replay_result *out, char *err,
		size_t errlen);

#endif
