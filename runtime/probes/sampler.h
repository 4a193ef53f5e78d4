/* sampler.h — heap samples every few milliseconds, taken by the mutator.
 *
 * A timer's signal only raises flags; allocations, pause ends and step ends
 * poll them, and the sample is taken on the mutator's own thread.
 * Invariant: one sampler per process; the signal handler touches nothing
 * but the context's two flags. */
#ifndef MM_SAMPLER_H
#define MM_SAMPLER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "runtime/api/mm_ctx.h"

/* The allocator's figures can be dear (glibc's mallinfo2 walks every free
 * chunk), so below `full` a sample reads them only while the time spent on
 * such reads stays under SAMPLER_BUDGET of the run so far. */
#define SAMPLER_PERIOD_NS 5000000u /* 5 ms */
#define SAMPLER_BUDGET 0.0025      /* of the run's time, for allocator figures */
#define SAMPLER_SIGNAL SIGALRM

struct sampler {
	struct mm_ctx *ctx;
	uint64_t t0;        /* the run's start */
	uint64_t period_ns;
	bool always;        /* allocator figures at every sample (full) */
	int statm_fd;       /* /proc/self/statm, or -1 */
	uint64_t page;
	uint64_t stats_ns;      /* time spent reading allocator figures */
	uint64_t stats_calls;   /* samples with allocator figures */
	uint64_t stats_skipped; /* samples without, to keep to the budget */
	timer_t timer;
	struct sigaction old;   /* the signal's disposition before us */
	bool ticking;
};

/* Attach to c (c->sampler = s) and start ticking; t0 is the run's start.
 * Returns 0, or -1 when the timer could not start (another sampler is
 * ticking, or the OS refused); samples are then taken only when forced
 * or at collection ends. */
int sampler_start(struct sampler *s, struct mm_ctx *c, uint64_t t0, uint64_t period_ns,
		  bool always);
/* Stop ticking and detach; safe after a failed start. */
void sampler_stop(struct sampler *s);

/* Take a sample now and hand it to the context's listener; force reads
 * the allocator's figures whatever the budget.  Mutator thread only. */
void sampler_take(struct sampler *s, bool force);
/* The same with allocator figures the caller already has. */
void sampler_take_with(struct sampler *s, const struct alloc_stats *a);

/* The process's resident set now, from /proc/self/statm; 0 if unknown. */
uint64_t sampler_rss(struct sampler *s);

#endif
