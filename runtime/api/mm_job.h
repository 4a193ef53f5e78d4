/* mm_job.h — what a workload receives from its caller and reports back.
 *
 * The workload reads its parameters and seed, writes its output lines
 * through the sink (library code never prints), and sets checksum and ops.
 * Invariant: for the same parameters and seed the checksum is the same
 * under every model.
 */
#ifndef MM_JOB_H
#define MM_JOB_H

#include <stdint.h>

struct mm_ctx;

struct mm_job {
	const int64_t *params; /* in the order the workload declares them */
	uint64_t seed;
	void (*line)(void *st, const char *text); /* the workload's output */
	void *line_state;
	uint64_t checksum; /* a digest of what the workload observed */
	uint64_t ops;      /* units of the workload's own work */
	char error[200];   /* why, when the entry returns MM_JOB_WRONG or _REFUSED */
};

/* What a workload's entry returns: OK; FAILED (-1: it could not run);
 * WRONG (its result differs from the reference it knows: a failed check);
 * REFUSED (its parameters cannot go with this model: bad input). */
enum { MM_JOB_OK = 0, MM_JOB_FAILED = -1, MM_JOB_WRONG = 1, MM_JOB_REFUSED = 2 };

typedef int (*mm_entry_fn)(struct mm_ctx *c, struct mm_job *job);

#endif
