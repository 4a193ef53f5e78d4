/* split.h — the sampled split of a run's time: whose code was running.
 *
 * Every program counter the profile (runtime/probes/profile.h) caught on
 * the mutator's thread goes to one bucket, by the code it was in: the
 * allocator, the model, the collector, the probes, or the mutator (the
 * workload, and anything else).  The rules are in docs/metrics.md.
 * Invariant: the buckets' counts sum to the samples taken. */
#ifndef MM_SPLIT_H
#define MM_SPLIT_H

#include <stdbool.h>
#include <stdint.h>

#include "allocators/allocator.h"
#include "runtime/probes/profile.h"
#include "runtime/stats/stats.h"

#define SPLIT_BUCKETS(X)                                  \
	X(MUTATOR, mutator_share)                         \
	X(ALLOCATOR, allocator_share)                     \
	X(MODEL, model_share)                             \
	X(COLLECTOR, collector_share)                     \
	X(PROBES, probes_share)

enum split_bucket {
#define SPLIT_ENUM(id, field) SPLIT_##id,
	SPLIT_BUCKETS(SPLIT_ENUM)
#undef SPLIT_ENUM
	SPLIT_NBUCKETS
};

/* Sort the profile's samples into the record's shares; alloc is the
 * allocator the models called (NULL: the process's malloc), whose code
 * counts as allocator wherever it lives; plugin_code, when not 0, is an
 * address in a loaded plug-in, whose object counts as allocator whole
 * (alloc is then mmlab's shim to it); collected: the model's memory
 * comes from a collector (gc), whose allocation and system calls are the
 * collector's.  Leaves the shares unknown when there are no samples or
 * no memory to read the symbols. */
void split_fill(const struct prof *p, const struct alloc_ops *alloc, uintptr_t plugin_code,
		bool collected, struct stats_results *r);

#endif
