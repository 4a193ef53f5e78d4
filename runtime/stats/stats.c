/* stats.c — the stats record: emitting it and deriving figures.
 *
 * Emission walks the lists (STATS_RESULTS, STATS_DIST, ALLOC_FIGURES,
 * PROBE_HEAP_FIELDS) that the reader (stats_read.c) walks too, so a key
 * written is a key read.  Nothing here reads JSON: the preload shims link
 * this file and must carry no JSON reader.
 */
#include "stats.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "version.h"

#define STATS_IS_U64 false
#define STATS_IS_F64 true

static const struct {
	const char *key, *label;
	enum emit_unit unit;
	bool real;
} fields[] = {
#define STATS_ROW(type, name, unit, label) { #name, label, unit, STATS_IS_##type },
	STATS_RESULTS(STATS_ROW)
};

/* The distribution's columns, for the pauses-by-kind table. */
static const struct {
	const char *key, *label;
	enum emit_unit unit;
	bool real;
} dist_fields[] = { STATS_DIST(STATS_ROW, , STATS_L_BARE) };
#undef STATS_ROW

_Static_assert(STATS_F_pause_max_s - STATS_F_pause_count == STATS_DIST_FIELDS - 1,
	       "the pause fields are one distribution");
_Static_assert(STATS_F_step_max_s - STATS_F_step_count == STATS_DIST_FIELDS - 1,
	       "the step fields are one distribution");

struct emit_value stats_value(const struct stats_results *r, enum stats_field f)
{
	if (f >= STATS_FIELDS)
		return EMIT_NONE(EMIT_COUNT);
	if (!stats_known(r, f))
		return EMIT_NONE(fields[f].unit);
	switch (f) {
#define STATS_CASE(type, name, unit, label) \
	case STATS_F_##name:                \
		return STATS_VAL_##type(unit, r->name);
#define STATS_VAL_U64 EMIT_U64
#define STATS_VAL_F64 EMIT_F64
		STATS_RESULTS(STATS_CASE)
#undef STATS_CASE
	case STATS_FIELDS:
		break;
	}
	return EMIT_NONE(EMIT_COUNT);
}

static void mark(struct stats_results *r, enum stats_field f)
{
	r->known |= 1ull << f;
}

/* Both setters convert to the field's own type (the distributions only
 * ever set a field from a value of its type). */
void stats_set_u64(struct stats_results *r, enum stats_field f, uint64_t v)
{
	switch (f) {
#define STATS_SET_FROM(type, name, unit, label) \
	case STATS_F_##name:                    \
		r->name = (STATS_CTYPE_##type)v; \
		break;
		STATS_RESULTS(STATS_SET_FROM)
	case STATS_FIELDS:
		return;
	}
	mark(r, f);
}

void stats_set_f64(struct stats_results *r, enum stats_field f, double v)
{
	switch (f) {
		STATS_RESULTS(STATS_SET_FROM)
#undef STATS_SET_FROM
	case STATS_FIELDS:
		return;
	}
	mark(r, f);
}

static struct emit_value dist_value(const struct stats_dist *d, enum stats_dist_field f)
{
	switch (f) {
#define STATS_DIST_CASE(type, name, unit, label) \
	case STATS_D_##name:                     \
		return STATS_VAL_##type(unit, d->name);
		STATS_DIST(STATS_DIST_CASE, , STATS_L_BARE)
#undef STATS_DIST_CASE
	case STATS_DIST_FIELDS:
		break;
	}
	return EMIT_NONE(EMIT_COUNT);
}

void stats_put_dist(struct stats_results *r, enum stats_field first, const struct stats_dist *d)
{
	for (unsigned i = 0; i < STATS_DIST_FIELDS; i++) {
		struct emit_value v = dist_value(d, (enum stats_dist_field)i);
		enum stats_field f = (enum stats_field)(first + i);
		if (dist_fields[i].real)
			stats_set_f64(r, f, v.f);
		else
			stats_set_u64(r, f, v.u);
	}
}

void stats_derive(struct stats_results *r)
{
#define K(f) stats_known(r, STATS_F_##f)
	if (K(wall_s) && r->wall_s > 0) {
		if (K(ops))
			STATS_SET(r, ops_per_s, (double)r->ops / r->wall_s);
		if (K(allocs))
			STATS_SET(r, allocs_per_s, (double)r->allocs / r->wall_s);
		if (K(alloc_bytes))
			STATS_SET(r, alloc_bytes_per_s, (double)r->alloc_bytes / r->wall_s);
	}
	if (K(pause_total_s)) {
		STATS_SET(r, mm_s, r->pause_total_s + (K(alloc_s) ? r->alloc_s : 0));
		if (K(wall_s))
			STATS_SET(r, mutator_s, r->wall_s - r->mm_s);
	}
	/* sampled, the split counts malloc and lazy sweeping too, and leaves
	 * the probes' own share out of both (docs/metrics.md); below 50
	 * samples (a run of about 20 ms) a share is too uncertain to replace
	 * the timed split */
	if (K(mm_share) && K(mutator_share) && K(wall_s) && K(split_samples) &&
	    r->split_samples >= 50) {
		STATS_SET(r, mm_s, r->wall_s * r->mm_share);
		STATS_SET(r, mutator_s, r->wall_s * r->mutator_share);
	}
	/* the malloc lab's U: exact when both peaks are, else marked sampled
	 * (a sampled peak footprint can only be low, so U can only be high) */
	if (K(peak_live_bytes) && K(peak_footprint_bytes) && r->peak_footprint_bytes > 0)
		STATS_SET(r, utilization,
			  (double)r->peak_live_bytes / (double)r->peak_footprint_bytes);
	else if (K(peak_live_bytes) && K(sampled_peak_footprint_bytes) &&
		 r->sampled_peak_footprint_bytes > 0)
		STATS_SET(r, sampled_utilization,
			  (double)r->peak_live_bytes / (double)r->sampled_peak_footprint_bytes);
#undef K
}

void stats_fragmentation(struct stats_results *r, bool sampled, bool live_known, uint64_t live,
			 uint64_t allocated, uint64_t footprint)
{
	enum stats_field in = sampled ? STATS_F_sampled_frag_internal : STATS_F_frag_internal;
	enum stats_field ex = sampled ? STATS_F_sampled_frag_external : STATS_F_frag_external;
	if (live_known && live > 0 && allocated > 0 && live <= allocated)
		stats_set_f64(r, in, 1.0 - (double)live / (double)allocated);
	if (footprint > 0 && allocated <= footprint)
		stats_set_f64(r, ex, 1.0 - (double)allocated / (double)footprint);
}

const char *stats_key(enum stats_field f)
{
	return f < STATS_FIELDS ? fields[f].key : NULL;
}

const char *stats_label(enum stats_field f, const char *ops_unit, char *buf, size_t len)
{
	const char *label = fields[f].label;
	const char *hole = strstr(label, "%s");
	if (hole == NULL)
		return label;
	snprintf(buf, len, "%.*s%s%s", (int)(hole - label), label,
		 ops_unit && *ops_unit ? ops_unit : "ops", hole + 2);
	return buf;
}

enum stats_field stats_find(const char *key)
{
	for (unsigned f = 0; f < STATS_FIELDS; f++)
		if (strcmp(fields[f].key, key) == 0)
			return (enum stats_field)f;
	return STATS_FIELDS;
}

bool stats_is_real(enum stats_field f)
{
	return f < STATS_FIELDS && fields[f].real;
}

void stats_config_host(struct stats_config *c)
{
	snprintf(c->mmlab_version, sizeof c->mmlab_version, "%s", MMLAB_VERSION);
#if defined(__clang__)
	snprintf(c->compiler, sizeof c->compiler, "clang %d.%d.%d", __clang_major__,
		 __clang_minor__, __clang_patchlevel__);
#else
	snprintf(c->compiler, sizeof c->compiler, "gcc %s", __VERSION__);
#endif
	struct utsname u;
	if (uname(&u) == 0)
		snprintf(c->host, sizeof c->host, "%.40s %.40s %.20s %.20s", u.nodename, u.sysname,
			 u.release, u.machine);
}

static void emit_config(struct emitter *e, const struct stats_config *c)
{
	emit_object_begin(e, "config", "configuration");
	emit_kv(e, "workload", "workload", EMIT_STR(c->workload));
	emit_object_begin(e, "params", "parameters");
	for (unsigned i = 0; i < c->nparams; i++)
		emit_kv(e, c->params[i].name, c->params[i].name, EMIT_I64(c->params[i].value));
	emit_object_end(e);
	emit_kv(e, "model", "model", EMIT_STR(c->model));
	emit_kv(e, "model_options", "model options", EMIT_STR(c->model_options));
	emit_kv(e, "heap_limit_bytes", "heap limit",
		c->heap_limit ? EMIT_U64(EMIT_BYTES, c->heap_limit) : EMIT_NONE(EMIT_BYTES));
	emit_kv(e, "allocator", "allocator", EMIT_STR(c->allocator));
	emit_kv(e, "seed", "seed", EMIT_U64(EMIT_COUNT, c->seed));
	emit_kv(e, "ops_unit", "ops unit", EMIT_STR(c->ops_unit));
	emit_kv(e, "probes", "probes", EMIT_STR(c->probes));
	emit_kv(e, "mmlab_version", "mmlab version", EMIT_STR(c->mmlab_version));
	emit_kv(e, "compiler", "compiler", EMIT_STR(c->compiler));
	emit_kv(e, "host", "host", EMIT_STR(c->host));
	emit_object_end(e);
}

static void emit_alloc(struct emitter *e, const struct alloc_stats *a)
{
	emit_object_begin(e, "allocator", "allocator at exit");
	emit_kv(e, "backend", "backend", EMIT_STR(a->backend));
	for (unsigned f = 0; f < ALLOC_FIGURE_COUNT; f++) {
		enum alloc_figure fig = (enum alloc_figure)f;
		emit_kv(e, alloc_figure_key(fig), alloc_figure_label(fig),
			(a->known & (1u << f)) ? EMIT_U64(EMIT_BYTES, alloc_figure(a, fig))
					       : EMIT_NONE(EMIT_BYTES));
	}
	emit_object_begin(e, "raw", "raw");
	for (unsigned i = 0; i < a->nraw; i++)
		emit_kv(e, a->raw[i].key, a->raw[i].key, EMIT_U64(EMIT_COUNT, a->raw[i].value));
	emit_object_end(e);
	emit_object_end(e);
}

static void emit_kinds(struct emitter *e, const struct stats *s)
{
	struct emit_column cols[1 + STATS_DIST_FIELDS] = { { "kind", "pause kind", -12 } };
	for (unsigned i = 0; i < STATS_DIST_FIELDS; i++)
		cols[1 + i] = (struct emit_column){ dist_fields[i].key, dist_fields[i].label,
						    dist_fields[i].real ? 11 : 9 };
	emit_table_begin(e, "pause_kinds", cols, 1 + STATS_DIST_FIELDS);
	for (unsigned k = 0; k < PROBE_PAUSE_KINDS; k++) {
		if (s->kinds[k].count == 0)
			continue;
		struct emit_value cells[1 + STATS_DIST_FIELDS];
		cells[0] = EMIT_STR(probe_pause_name((enum probe_pause)k));
		for (unsigned i = 0; i < STATS_DIST_FIELDS; i++)
			cells[1 + i] = dist_value(&s->kinds[k], (enum stats_dist_field)i);
		emit_table_row(e, cells);
	}
	emit_table_end(e);
}

static void emit_mmu(struct emitter *e, const struct stats_mmu *m)
{
	static const struct emit_column cols[] = { { "window_s", "window", 0 },
						   { "mmu", "MMU", 0 } };
	emit_series_begin(e, "mmu_curve", "MMU curve", cols, 2);
	for (unsigned i = 0; i < m->n; i++) {
		struct emit_value cells[2] = {
			EMIT_F64(EMIT_SECONDS, m->window_s[i]),
			m->mmu[i] >= 0 ? EMIT_F64(EMIT_RATIO, m->mmu[i]) : EMIT_NONE(EMIT_RATIO),
		};
		emit_series_row(e, cells);
	}
	emit_series_end(e);
}

/* Nothing when the run recorded no pause (probes off): the keys are
 * optional for readers. */
static void emit_pause_hist(struct emitter *e, const struct stats *s)
{
	uint64_t any = 0;
	for (unsigned k = 0; k < STATS_HIST_BUCKETS; k++)
		any |= s->pause_hist[k];
	if (any == 0)
		return;
	emit_array_begin(e, "pause_histogram", "pause histogram");
	for (unsigned k = 0; k < STATS_HIST_BUCKETS; k++)
		emit_array_value(e, EMIT_U64(EMIT_COUNT, s->pause_hist[k]));
	emit_array_end(e);
	static const struct emit_column cols[] = { { "t_s", "start", 0 },
						   { "duration_s", "duration", 0 },
						   { "kind", "kind", 0 } };
	emit_series_begin(e, "pause_marks", "longest pauses", cols, 3);
	for (unsigned i = 0; i < s->nmarks; i++) {
		struct emit_value cells[3] = {
			EMIT_F64(EMIT_SECONDS, s->marks[i].t_s),
			EMIT_F64(EMIT_SECONDS, s->marks[i].dur_s),
			EMIT_STR(probe_pause_name(s->marks[i].kind)),
		};
		emit_series_row(e, cells);
	}
	emit_series_end(e);
}

static const struct emit_column timeline_cols[] = {
	{ "t_s", "time", 0 },
#define STATS_TL_COL(id, key, label, what, from) { #key, label, 0 },
	PROBE_HEAP_FIELDS(STATS_TL_COL)
#undef STATS_TL_COL
};

static void emit_timeline(struct emitter *e, const struct stats_timeline *tl)
{
	emit_object_begin(e, "timeline", "memory timeline");
	emit_kv(e, "interval_s", "interval", EMIT_F64(EMIT_SECONDS, tl->interval_s));
	emit_kv(e, "samples", "samples", EMIT_U64(EMIT_COUNT, tl->samples));
	emit_series_begin(e, "points", "points", timeline_cols, 1 + PROBE_HEAP_NFIELDS);
	for (unsigned i = 0; i < tl->n; i++) {
		const struct stats_point *p = &tl->pt[i];
		struct emit_value cells[1 + PROBE_HEAP_NFIELDS] = { EMIT_F64(EMIT_SECONDS, p->t_s) };
		for (unsigned f = 0; f < PROBE_HEAP_NFIELDS; f++)
			cells[1 + f] = (p->known & (1u << f)) ? EMIT_U64(EMIT_BYTES, p->v[f])
							      : EMIT_NONE(EMIT_BYTES);
		emit_series_row(e, cells);
	}
	emit_series_end(e);
	emit_object_end(e);
}

void stats_emit_members(struct emitter *e, const struct stats *s)
{
	emit_schema(e, STATS_SCHEMA, STATS_SCHEMA_VERSION);
	emit_config(e, &s->config);
	emit_object_begin(e, "results", "results");
	char buf[128];
	for (unsigned f = 0; f < STATS_FIELDS; f++)
		emit_kv(e, fields[f].key, stats_label(f, s->config.ops_unit, buf, sizeof buf),
			stats_value(&s->results, f));
	emit_object_end(e);
	emit_kinds(e, s);
	emit_mmu(e, &s->mmu);
	emit_pause_hist(e, s);
	emit_timeline(e, &s->timeline);
	if (s->has_alloc)
		emit_alloc(e, &s->alloc);
}

void stats_emit(struct emitter *e, const struct stats *s)
{
	emit_begin(e);
	stats_emit_members(e, s);
	emit_end(e);
}
