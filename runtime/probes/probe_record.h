/* probe_record.h — the recording listener: what the probes keep of a run.
 *
 * Per pause kind a histogram, every pause in the pause log, step latencies
 * in a histogram, heap samples in a bounded timeline: all in probe memory.
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
	uint64_t last_step;

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
