/* sampler.h — heap samples every few milliseconds, taken by the mutator.
 *
 * A timer's signal only raises flags; allocations, pause ends and step ends
 * poll them, and the sample is taken on the mutator's own thread.
 * Invariant: one sampler per process; the signal handler touches nothing
 * but the target's two flags. */
#ifndef MM_SAMPLER_H
#define MM_SAMPLER_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "allocators/allocator.h"
#include "runtime/probes/probe.h"

/* The allocator's figures can be dear (glibc's mallinfo2 walks every free
 * chunk), so below `full` a sample reads them only while the time spent on
 * such reads stays under SAMPLER_BUDGET of the run so far. */
#define SAMPLER_PERIOD_NS 5000000u /* 5 ms */
#define SAMPLER_BUDGET 0.0025      /* of the run's time, for allocator figures */
#define SAMPLER_SIGNAL SIGALRM

/* What the sampler samples, and how it reaches the mutator: it knows no
 * context, only these.  The tick sets *due and clears *divert (the
 * mutator polls *due where *divert sends it); the sample reads the heap
 * through heap() and the live bytes from *live, and goes to the probe. */
struct sampler_target {
	_Atomic bool *due;
	_Atomic bool *divert;
	void (*heap)(void *arg, struct alloc_stats *out);
	void *heap_arg;
	const struct probe_listener *probe;
	void *probe_state;
	bool live_known;
	const uint64_t *live;
};

struct sampler {
	struct sampler_target target;
	uint64_t t0;        /* the run's start */
	uint64_t period_ns;
	bool always;        /* allocator figures at every sample (full) */
	int statm_fd;       /* /proc/self/statm, or -1 */
	uint64_t page;
	uint64_t stats_ns;      /* time spent reading allocator figures */
	uint64_t stats_calls;   /* samples with allocator figures */
	uint64_t stats_skipped; /* samples without, to keep to the budget */
	timer_t timer;
	/* counted by the signal handler: ticks it saw, and expirations the
	 * kernel merged into them while a tick was pending (timer overruns);
	 * ticks + overruns is every expiration, busy machine or not */
	_Atomic uint64_t ticks;
	_Atomic uint64_t overruns;
	struct sigaction old;   /* the signal's disposition before us */
	bool ticking;
};

/* Start ticking for the target; t0 is the run's start.
 * Returns 0, or -1 when the timer could not start (another sampler is
 * ticking, or the OS refused); samples are then taken only when forced
 * or at collection ends. */
int sampler_start(struct sampler *s, const struct sampler_target *t, uint64_t t0,
		  uint64_t period_ns, bool always);
/* Stop ticking; safe after a failed start. */
void sampler_stop(struct sampler *s);

/* Take a sample now and hand it to the context's listener; force reads
 * the allocator's figures whatever the budget.  Mutator thread only. */
void sampler_take(struct sampler *s, bool force);
/* The same with allocator figures the caller already has. */
void sampler_take_with(struct sampler *s, const struct alloc_stats *a);

/* The process's resident set now, from /proc/self/statm; 0 if unknown. */
uint64_t sampler_rss(struct sampler *s);

#endif
