/* probe_record.h — the recording listener: what the probes keep of a run.
 *
 * Per pause kind a histogram, every pause in the pause log, step latencies
 * in a histogram and a log of their own, heap samples in a bounded
 * timeline: all in probe memory.  CPU time beside wall time for every
 * collection, and for other pauses from PROBE_CPU_THRESHOLD_NS up.
 * Invariant: every pause counted in a histogram is in the log, unless the
 * log ran out of memory (log.lost). */
#ifndef MM_PROBE_RECORD_H
#define MM_PROBE_RECORD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "histogram.h"
#include "pause_log.h"
#include "probe.h"
#include "timeline.h"

struct probe_record {
	struct hist pause[PROBE_PAUSE_KINDS];
	struct plog log;
	uint64_t open_since; /* start of the pause in progress */
	bool open;
	bool done;           /* events after probe_record_finish are ignored */

	struct hist step;
	struct plog steps; /* every step, as a pause of kind 0 */
	uint64_t last_step;

	/* CPU time of pauses (docs/metrics.md): a collection reads the
	 * thread's CPU clock at its begin and end (cpu_open); a longer pause
	 * of another kind at its end only, and is charged its wall time less
	 * the time the thread was off the CPU since the last reading
	 * (cpu_mark at wall_mark, renewed at every heap sample), which is a
	 * lower bound of its CPU time. */
	uint64_t cpu_open;           /* 0: not read at this pause's begin */
	uint64_t cpu_mark, wall_mark;
	uint64_t cpu_count, cpu_wall_ns, cpu_ns;

	struct timeline tl;
	uint64_t heap_peak[PROBE_HEAP_NFIELDS]; /* largest sampled value */
	unsigned heap_known;
	/* The sample with the most bytes allocated (among those that know
	 * allocated and footprint): fragmentation is taken there, from
	 * figures of one instant. */
	struct probe_heap fullest;

	uint64_t t0, t_end; /* the run, in clock time */

	/* Polled at pause and step ends: when *due, take(arg). */
	const _Atomic bool *due;
	void (*take)(void *arg);
	void *arg;
};

extern const struct probe_listener probe_recorder;

/* Pauses of other kinds than collections get CPU time from this long up:
 * the 0.7-0.9 us clock read is then under 0.1% of the pause. */
#define PROBE_CPU_THRESHOLD_NS 1000000u

/* A fresh record whose timeline starts at sample_interval_ns per point;
 * NULL when there is no memory for it.  Free it with probe_record_delete. */
struct probe_record *probe_record_new(uint64_t sample_interval_ns);
void probe_record_delete(struct probe_record *r);

/* The run starts at t0_ns: the origin of the log, the timeline and the
 * first step. */
void probe_record_begin(struct probe_record *r, uint64_t t0_ns);

/* The run ended at t_end_ns: no more events are recorded. */
void probe_record_finish(struct probe_record *r, uint64_t t_end_ns);

/* All pause kinds in one histogram (into out). */
void probe_record_pauses(const struct probe_record *r, struct hist *out);

/* Bytes of probe memory the record holds (itself and its log). */
uint64_t probe_record_bytes(const struct probe_record *r);

#endif
