/* stats.h — the stats record of one run, declared once.
 *
 * STATS_RESULTS(X) lists every scalar as X(type, name, unit, label): struct,
 * JSON keys, table rows, reader (stats_read.h) and matrix columns all come
 * from it, as the distributions come from STATS_DIST (keys:
 * docs/stats-schema.md).
 * Invariant: a field the run could not measure has its known bit clear. */
#ifndef MM_STATS_H
#define MM_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "allocators/allocator.h"
#include "emit.h"
#include "runtime/probes/mmu.h"
#include "runtime/probes/probe.h"
#include "runtime/probes/timeline.h"

/* The version changes whenever a key changes meaning; keys may be added
 * without a change (readers ignore keys they do not know). */
#define STATS_SCHEMA "mmlab-stats"
#define STATS_SCHEMA_VERSION 1

/* A distribution's figures; p is the key prefix, L(s) makes the label. */
#define STATS_DIST(X, p, L)                                  \
	X(U64, p##count, EMIT_COUNT, L("count"))             \
	X(F64, p##total_s, EMIT_SECONDS, L("total"))         \
	X(F64, p##p50_s, EMIT_SECONDS, L("p50"))             \
	X(F64, p##p90_s, EMIT_SECONDS, L("p90"))             \
	X(F64, p##p99_s, EMIT_SECONDS, L("p99"))             \
	X(F64, p##p999_s, EMIT_SECONDS, L("p99.9"))          \
	X(F64, p##max_s, EMIT_SECONDS, L("max"))
#define STATS_L_PAUSE(s) "pause " s
#define STATS_L_STEP(s) "step " s
#define STATS_L_BARE(s) s

/* type: U64 (exact integer) or F64 (real).  A label may hold one %s, which
 * becomes the workload's ops unit. */
#define STATS_RESULTS(X)                                                       \
	X(U64, checksum, EMIT_HEX, "checksum")                                 \
	X(U64, ops, EMIT_COUNT, "%s")                                          \
	X(F64, wall_s, EMIT_SECONDS, "wall time")                              \
	X(F64, cpu_s, EMIT_SECONDS, "cpu time")                                \
	X(F64, mutator_s, EMIT_SECONDS, "mutator time")                        \
	X(F64, mm_s, EMIT_SECONDS, "memory-management time")                   \
	X(F64, alloc_s, EMIT_SECONDS, "time in allocations")                   \
	X(F64, ops_per_s, EMIT_RATE, "throughput (%s/s)")                      \
	X(F64, allocs_per_s, EMIT_RATE, "allocations/s")                       \
	X(F64, alloc_bytes_per_s, EMIT_BYTE_RATE, "bytes allocated/s")         \
	X(U64, allocs, EMIT_COUNT, "allocations")                              \
	X(U64, alloc_bytes, EMIT_BYTES, "bytes allocated")                     \
	STATS_DIST(X, pause_, STATS_L_PAUSE)                                   \
	X(F64, mmu_1ms, EMIT_RATIO, "MMU 1 ms")                                \
	X(F64, mmu_10ms, EMIT_RATIO, "MMU 10 ms")                              \
	X(F64, mmu_100ms, EMIT_RATIO, "MMU 100 ms")                            \
	X(F64, mmu_1s, EMIT_RATIO, "MMU 1 s")                                  \
	X(U64, collections, EMIT_COUNT, "collections")                         \
	X(U64, cascades, EMIT_COUNT, "drop cascades")                          \
	X(U64, borrows, EMIT_COUNT, "borrows taken")                           \
	STATS_DIST(X, step_, STATS_L_STEP)                                     \
	X(U64, peak_rss_bytes, EMIT_BYTES, "peak RSS")                         \
	X(U64, peak_live_bytes, EMIT_BYTES, "peak live")                       \
	X(U64, est_peak_live_bytes, EMIT_BYTES, "peak live, estimated")        \
	X(U64, peak_allocated_bytes, EMIT_BYTES, "peak allocated")             \
	X(U64, peak_footprint_bytes, EMIT_BYTES, "peak footprint")             \
	X(U64, sampled_peak_allocated_bytes, EMIT_BYTES, "sampled peak allocated") \
	X(U64, sampled_peak_footprint_bytes, EMIT_BYTES, "sampled peak footprint") \
	X(U64, sampled_peak_resident_bytes, EMIT_BYTES, "sampled peak resident")   \
	X(F64, frag_internal, EMIT_RATIO, "internal fragmentation")            \
	X(F64, frag_external, EMIT_RATIO, "external fragmentation")            \
	X(F64, utilization, EMIT_RATIO, "utilization")                         \
	X(F64, sampled_frag_internal, EMIT_RATIO, "sampled internal frag.")   \
	X(F64, sampled_frag_external, EMIT_RATIO, "sampled external frag.")   \
	X(F64, sampled_utilization, EMIT_RATIO, "sampled utilization")         \
	X(U64, leaked_bytes, EMIT_BYTES, "leaked")                             \
	X(U64, leaked_objects, EMIT_COUNT, "leaked objects")                   \
	X(U64, probe_bytes, EMIT_BYTES, "probe memory")                        \
	X(U64, split_samples, EMIT_COUNT, "split samples")                     \
	X(F64, mutator_share, EMIT_RATIO, "mutator (sampled)")                 \
	X(F64, mm_share, EMIT_RATIO, "mem. mgmt (sampled)")                    \
	X(F64, allocator_share, EMIT_RATIO, "allocator (sampled)")             \
	X(F64, model_share, EMIT_RATIO, "model (sampled)")                     \
	X(F64, collector_share, EMIT_RATIO, "collector (sampled)")             \
	X(F64, probes_share, EMIT_RATIO, "probes (sampled)")                   \
	X(U64, cpu_pause_count, EMIT_COUNT, "cpu-timed pauses")                \
	X(F64, cpu_pause_wall_s, EMIT_SECONDS, "  their wall time")            \
	X(F64, cpu_pause_cpu_s, EMIT_SECONDS, "  their cpu time")              \
	X(U64, busy, EMIT_COUNT, "busy: times inflated")

#define STATS_CTYPE_U64 uint64_t
#define STATS_CTYPE_F64 double

enum stats_field {
#define STATS_ENUM(type, name, unit, label) STATS_F_##name,
	STATS_RESULTS(STATS_ENUM)
#undef STATS_ENUM
	STATS_FIELDS
};

_Static_assert(STATS_FIELDS <= 64, "every result has a bit in stats_results.known");

struct stats_results {
#define STATS_MEMBER(type, name, unit, label) STATS_CTYPE_##type name;
	STATS_RESULTS(STATS_MEMBER)
	uint64_t known; /* bit STATS_F_x set: field x was measured */
};

#define STATS_SET(r, field, value) ((r)->field = (value), (r)->known |= 1ull << STATS_F_##field)

static inline bool stats_known(const struct stats_results *r, enum stats_field f)
{
	return (r->known >> f) & 1;
}

/* One distribution, as a struct (count 0: nothing was recorded). */
struct stats_dist {
	STATS_DIST(STATS_MEMBER, , STATS_L_BARE)
};
#undef STATS_MEMBER

enum stats_dist_field {
#define STATS_DIST_ENUM(type, name, unit, label) STATS_D_##name,
	STATS_DIST(STATS_DIST_ENUM, , STATS_L_BARE)
#undef STATS_DIST_ENUM
	STATS_DIST_FIELDS
};

#define STATS_PARAMS_MAX 16
/* Names and texts of the config; the allocator spec ("plugin:PATH:OPTIONS")
 * has room for a path of PATH_MAX bytes and its options.  Longer texts are
 * refused where they come in (the CLI's options, the reader), never cut. */
#define STATS_TEXT 256
#define STATS_SPEC_TEXT (4096 + 1024)
/* The record holds what the probes can give, by the probes' own limits. */
#define STATS_MMU_MAX MMU_CURVE_MAX
#define STATS_TIMELINE_MAX TL_POINTS

/* What ran, where, built how: enough to compare two dumps honestly. */
struct stats_config {
	char workload[STATS_TEXT];
	char ops_unit[STATS_TEXT];
	char model[STATS_TEXT];
	char model_options[STATS_TEXT]; /* -m NAME:OPTIONS ("" when none) */
	uint64_t heap_limit;            /* --heap-limit bytes (0: none) */
	char allocator[STATS_SPEC_TEXT];
	char probes[STATS_TEXT]; /* the probe level ("" when not recorded) */
	char mmlab_version[STATS_TEXT];
	char compiler[STATS_TEXT];
	char host[STATS_TEXT];
	uint64_t seed;
	unsigned nparams;
	struct {
		char name[STATS_TEXT];
		int64_t value;
	} params[STATS_PARAMS_MAX];
};

/* MMU at window_s[i] is mmu[i]. */
struct stats_mmu {
	unsigned n;
	double window_s[STATS_MMU_MAX];
	double mmu[STATS_MMU_MAX];
};

/* The memory timeline: point i covers [t_s, t_s + interval_s) and holds
 * the largest value sampled of each figure (bit f of known: figure f). */
struct stats_timeline {
	double interval_s;
	uint64_t samples;
	unsigned n;
	struct stats_point {
		double t_s;
		uint64_t v[PROBE_HEAP_NFIELDS];
		unsigned known;
	} pt[STATS_TIMELINE_MAX];
};

/* Every pause's duration in log2 buckets: bucket k counts the pauses of
 * [2^k, 2^(k+1)) ns (bucket 0 also those under 1 ns), the last one also
 * all longer.  Exact counts, for the histogram chart. */
#define STATS_HIST_BUCKETS 40

/* The longest pauses of the run, for marking them on the timeline: start
 * (from the run's start) and duration, longest first. */
#define STATS_MARKS_MAX 32
struct stats_mark {
	double t_s, dur_s;
	enum probe_pause kind;
};

struct stats {
	struct stats_config config;
	struct stats_results results;
	struct stats_dist kinds[PROBE_PAUSE_KINDS]; /* pauses by kind */
	struct stats_mmu mmu;
	struct stats_timeline timeline;
	struct alloc_stats alloc; /* at the end of the run */
	bool has_alloc;
	uint64_t pause_hist[STATS_HIST_BUCKETS];
	unsigned nmarks;
	struct stats_mark marks[STATS_MARKS_MAX];
};

/* The field's value, as the emitter takes it. */
struct emit_value stats_value(const struct stats_results *r, enum stats_field f);
const char *stats_key(enum stats_field f);
/* The table label, with the ops unit put in; buf holds the result. */
const char *stats_label(enum stats_field f, const char *ops_unit, char *buf, size_t len);
/* Look a field up by JSON key; STATS_FIELDS when unknown. */
enum stats_field stats_find(const char *key);
/* The field holds a real (F64), not an exact integer (U64). */
bool stats_is_real(enum stats_field f);

/* Set a field by number (the value is converted to the field's type). */
void stats_set_u64(struct stats_results *r, enum stats_field f, uint64_t v);
void stats_set_f64(struct stats_results *r, enum stats_field f, double v);
/* Copy a distribution into the fields from first on (STATS_F_pause_count
 * or STATS_F_step_count), marking them measured. */
void stats_put_dist(struct stats_results *r, enum stats_field first, const struct stats_dist *d);

/* Derived figures: throughput rates, the mutator / memory-management
 * split and utilization, from the measured fields (docs/metrics.md). */
void stats_derive(struct stats_results *r);

/* Internal and external fragmentation from the figures of one instant
 * (docs/metrics.md): live is the requested bytes (live_known false when
 * the model does not know them).  sampled: the instant is a heap sample
 * (the figures go to sampled_frag_*), not the allocator's own exact
 * snapshot at peak live (frag_*).  A ratio whose figures are missing or
 * inconsistent (live > allocated, allocated > footprint) stays unknown. */
void stats_fragmentation(struct stats_results *r, bool sampled, bool live_known, uint64_t live,
			 uint64_t allocated, uint64_t footprint);

/* Fill compiler, host and version. */
void stats_config_host(struct stats_config *c);

/* The whole record: as an outline (table) or a JSON document. */
void stats_emit(struct emitter *e, const struct stats *s);
/* The record's members without the document braces (for lists of runs). */
void stats_emit_members(struct emitter *e, const struct stats *s);

#endif
