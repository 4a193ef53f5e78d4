/* session.h — one run of one workload under one model, measured.
 *
 * The session owns the context for the run's duration: it sets up the
 * model and allocator, attaches the probes (recorder, heap sampler, and at
 * `full` the allocation timer), runs the workload's entry with an escape
 * point for allocation failure, and fills the stats record.
 * Error contract: returns SESSION_OK, or a status with one sentence in err.
 */
#ifndef MM_SESSION_H
#define MM_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "runtime/api/mm_ctx.h"
#include "runtime/models/model.h"
#include "runtime/api/mm_job.h"
#include "runtime/stats/stats.h"

enum session_status {
	SESSION_OK = 0,
	SESSION_CONFIG, /* the model or allocator refused the configuration */
	SESSION_OOM,    /* the workload ran out of memory */
	SESSION_FAILED, /* the workload reported a failure */
	SESSION_WRONG,  /* the workload's result differs from its reference */
	SESSION_LIMIT,  /* the run reached its heap limit (--heap-limit) */
};

struct session {
	enum mm_model model;
	const struct alloc_ops *alloc; /* NULL: the system malloc */
	const char *alloc_options;
	mm_entry_fn entry;
	struct mm_job *job;
	enum probe_level probes; /* PROBE_OFF (0, false): the null listener */
	mm_panic_fn panic; /* NULL: report on stderr and abort */
	void *panic_state;
	/* NULL, or where to write the raw pauses and steps as CSV when the
	 * probes are on (runtime/probes/log_csv.h); the caller checks the
	 * stream's errors and closes it */
	FILE *pause_log;
	const char *model_options; /* -m NAME:OPTIONS; NULL or "": none */
	uint64_t heap_limit;       /* bytes; 0: none */
	/* no sampled split (its profiling timer stays off) while the other
	 * probes run: what benchmarks compare to measure the split's cost */
	bool no_split;
};

enum session_status session_run(const struct session *s, struct stats *out, char *err,
				size_t errlen);

#endif
