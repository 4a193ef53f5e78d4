/* probe_record.h — the recording listener: what the stats record reports
 * about pauses and steps, accumulated as events arrive.
 *
 * Invariant: pause_total_ns is the sum of the durations counted in
 * pause_count, and pause_max_ns the largest of them.
 */
#ifndef MM_PROBE_RECORD_H
#define MM_PROBE_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "probe.h"

struct probe_record {
	uint64_t pause_count;
	uint64_t pause_total_ns;
	uint64_t pause_max_ns;
	uint64_t by_kind[PROBE_PAUSE_KINDS];
	uint64_t steps;
	uint64_t open_since; /* start of the pause in progress */
	bool open;
};

extern const struct probe_listener probe_recorder;

void probe_record_init(struct probe_record *r);

#endif
