/* stats.h — the stats record of one run, declared once.
 *
 * STATS_RESULTS(X) lists every result field as X(type, name, unit, label):
 * the struct, the JSON keys, the table rows, the JSON reader and the
 * matrix columns are all generated from it.  A field the run could not
 * measure has its bit clear in `known` and shows as "-" / null.
 * Counters only grow during a run; *_peak fields are high-water marks.
 * The schema version changes whenever a key changes meaning; new keys
 * may be added without a change (readers ignore keys they do not know).
 */
#ifndef MM_STATS_H
#define MM_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../allocators/allocator.h"
#include "emit.h"
#include "json.h"

#define STATS_SCHEMA "mmlab-stats"
#define STATS_SCHEMA_VERSION 1

/* type: U64 (exact integer) or F64 (real).  A label may hold one %s, which
 * becomes the workload's ops unit. */
#define STATS_RESULTS(X)                                                       \
	X(U64, checksum, EMIT_HEX, "checksum")                                 \
	X(U64, ops, EMIT_COUNT, "%s")                                          \
	X(F64, wall_s, EMIT_SECONDS, "wall time")                              \
	X(F64, cpu_s, EMIT_SECONDS, "cpu time")                                \
	X(F64, ops_per_s, EMIT_RATE, "throughput (%s/s)")                        \
	X(U64, allocs, EMIT_COUNT, "allocations")                              \
	X(U64, alloc_bytes, EMIT_BYTES, "bytes allocated")                     \
	X(U64, pause_count, EMIT_COUNT, "pauses")                              \
	X(F64, pause_total_s, EMIT_SECONDS, "pause total")                     \
	X(F64, pause_max_s, EMIT_SECONDS, "pause max")                         \
	X(U64, collections, EMIT_COUNT, "collections")                         \
	X(U64, peak_rss_bytes, EMIT_BYTES, "peak RSS")                         \
	X(U64, peak_live_bytes, EMIT_BYTES, "peak live")                       \
	X(U64, leaked_bytes, EMIT_BYTES, "leaked")                             \
	X(U64, leaked_objects, EMIT_COUNT, "leaked objects")

#define STATS_CTYPE_U64 uint64_t
#define STATS_CTYPE_F64 double

enum stats_field {
#define STATS_ENUM(type, name, unit, label) STATS_F_##name,
	STATS_RESULTS(STATS_ENUM)
#undef STATS_ENUM
	STATS_FIELDS
};

struct stats_results {
#define STATS_MEMBER(type, name, unit, label) STATS_CTYPE_##type name;
	STATS_RESULTS(STATS_MEMBER)
#undef STATS_MEMBER
	uint64_t known; /* bit STATS_F_x set: field x was measured */
};

#define STATS_SET(r, field, value) ((r)->field = (value), (r)->known |= 1ull << STATS_F_##field)

#define STATS_PARAMS_MAX 16
#define STATS_TEXT 128

/* What ran, where, built how: enough to compare two dumps honestly. */
struct stats_config {
	char workload[STATS_TEXT];
	char ops_unit[STATS_TEXT];
	char model[STATS_TEXT];
	char allocator[STATS_TEXT];
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

struct stats {
	struct stats_config config;
	struct stats_results results;
	struct alloc_stats alloc; /* at the end of the run; gc: none */
	bool has_alloc;
};

/* The field's value, as the emitter takes it. */
struct emit_value stats_value(const struct stats_results *r, enum stats_field f);
const char *stats_key(enum stats_field f);
/* The table label, with the ops unit put in; buf holds the result. */
const char *stats_label(enum stats_field f, const char *ops_unit, char *buf, size_t len);
/* Look a field up by JSON key; STATS_FIELDS when unknown. */
enum stats_field stats_find(const char *key);

/* Fill compiler, host and version. */
void stats_config_host(struct stats_config *c);

/* The whole record: as an outline (table) or a JSON document. */
void stats_emit(struct emitter *e, const struct stats *s);
/* The record's members without the document braces (for lists of runs). */
void stats_emit_members(struct emitter *e, const struct stats *s);

/* Read a record back from a JSON object (a dump, or one run of a list).
 * Returns 0, or -1 with a message. */
int stats_from_json(const struct json *obj, struct stats *s, char *err, size_t errlen);

#endif
