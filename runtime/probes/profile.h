/* profile.h — where the mutator's thread spends its time, by sampling.
 *
 * A timer interrupts the thread every PROF_PERIOD_NS of clock time; the
 * handler stores the interrupted program counter in probe memory and does
 * nothing else.  Which code a counter belongs to is decided after the run
 * (prof_sym.h resolves it, the session sorts it into buckets).
 * Invariant: pcs[0..n) are samples taken every `stride` ticks, evenly
 * over the run: when the buffer fills, every other sample is dropped and
 * the stride doubles, so a long run keeps a uniform, bounded sample. */
#ifndef MM_PROFILE_H
#define MM_PROFILE_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Clock time, not CPU time: the kernel checks CPU-time timers only at
 * its scheduler tick (4 ms here, measured), which gives a 50 ms run a
 * dozen samples.  A sample costs about 5-10 us of signal delivery on
 * this machine (measured), so a period near 1 ms keeps the cost near 1%
 * (at 389 us the default probes cost 5% more CPU time, measured).  The
 * period is prime in us, so the heap sampler's 5 ms tick does not fall in
 * step with it: in step, the two timers fire together and a sample lands
 * in the other tick's handler every time (measured: 4% of the samples). */
#define PROF_PERIOD_NS 997000u
#define PROF_SIGNAL SIGPROF
#define PROF_MAX_SAMPLES (1u << 18) /* 2 MiB of probe memory at most */

struct prof {
	uintptr_t *pcs;    /* probe memory, PROF_MAX_SAMPLES entries */
	_Atomic uint32_t n; /* samples stored */
	uint32_t stride;   /* ticks per stored sample */
	uint32_t skip;     /* ticks until the next stored one */
	uint64_t ticks;    /* every tick the handler saw */
	timer_t timer;
	struct sigaction old;
	bool running;
};

/* Start sampling the calling thread every period_ns.  Returns 0, or -1
 * (no memory, another profile running, the OS refused, or no way to read
 * an interrupted program counter on this machine): nothing is sampled. */
int prof_start(struct prof *p, uint64_t period_ns);
/* Stop the timer; the samples stay until prof_free.  Safe after a failed
 * start. */
void prof_stop(struct prof *p);
void prof_free(struct prof *p);
/* Bytes of probe memory the samples occupy. */
uint64_t prof_bytes(const struct prof *p);

#endif
