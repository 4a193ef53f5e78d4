/* stats.c — the stats record: emitting it, deriving figures, reading it back.
 *
 * Both directions walk the same lists (STATS_RESULTS, STATS_DIST,
 * PROBE_HEAP_FIELDS), so a key written is a key read.  Reading is lenient
 * about keys it does not know (newer minor additions) and strict about
 * the schema name and version.
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

static void dist_set(struct stats_dist *d, enum stats_dist_field f, const struct json *m)
{
	switch (f) {
#define STATS_DIST_READ(type, name, unit, label) \
	case STATS_D_##name:                     \
		d->name = STATS_JSON_##type(m);  \
		break;
#define STATS_JSON_U64(m) ((m)->is_u64 ? (m)->u64 : 0)
#define STATS_JSON_F64(m) ((m)->number)
		STATS_DIST(STATS_DIST_READ, , STATS_L_BARE)
#undef STATS_DIST_READ
	case STATS_DIST_FIELDS:
		break;
	}
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
	/* the exact peak footprint, else the sampled one (then utilization
	 * can only be overstated) */
	uint64_t foot = K(peak_footprint_bytes)		? r->peak_footprint_bytes
			: K(sampled_peak_footprint_bytes) ? r->sampled_peak_footprint_bytes
							  : 0;
	if (K(peak_live_bytes) && foot > 0)
		STATS_SET(r, utilization, (double)r->peak_live_bytes / (double)foot);
#undef K
}

void stats_fragmentation(struct stats_results *r, bool live_known, uint64_t live,
			 uint64_t allocated, uint64_t footprint)
{
	if (live_known && live > 0 && allocated > 0 && live <= allocated)
		STATS_SET(r, frag_internal, 1.0 - (double)live / (double)allocated);
	if (footprint > 0 && allocated <= footprint)
		STATS_SET(r, frag_external, 1.0 - (double)allocated / (double)footprint);
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
	emit_kv(e, "allocator", "allocator", EMIT_STR(c->allocator));
	emit_kv(e, "seed", "seed", EMIT_U64(EMIT_COUNT, c->seed));
	emit_kv(e, "ops_unit", "ops unit", EMIT_STR(c->ops_unit));
	emit_kv(e, "probes", "probes", EMIT_STR(c->probes));
	emit_kv(e, "mmlab_version", "mmlab version", EMIT_STR(c->mmlab_version));
	emit_kv(e, "compiler", "compiler", EMIT_STR(c->compiler));
	emit_kv(e, "host", "host", EMIT_STR(c->host));
	emit_object_end(e);
}

static const struct {
	const char *key, *label;
	unsigned bit;
	size_t offset;
} alloc_fields[] = {
	{ "requested", "requested", ALLOC_KNOW_REQUESTED, offsetof(struct alloc_stats, requested) },
	{ "allocated", "allocated", ALLOC_KNOW_ALLOCATED, offsetof(struct alloc_stats, allocated) },
	{ "footprint", "footprint", ALLOC_KNOW_FOOTPRINT, offsetof(struct alloc_stats, footprint) },
	{ "resident", "resident", ALLOC_KNOW_RESIDENT, offsetof(struct alloc_stats, resident) },
	{ "free_bytes", "free", ALLOC_KNOW_FREE, offsetof(struct alloc_stats, free_bytes) },
	{ "largest_free", "largest free block", ALLOC_KNOW_LARGEST_FREE,
	  offsetof(struct alloc_stats, largest_free) },
	{ "peak_allocated", "peak allocated", ALLOC_KNOW_PEAK_ALLOCATED,
	  offsetof(struct alloc_stats, peak_allocated) },
	{ "peak_footprint", "peak footprint", ALLOC_KNOW_PEAK_FOOTPRINT,
	  offsetof(struct alloc_stats, peak_footprint) },
};

#define ALLOC_FIELD(s, i) (*(uint64_t *)(void *)((char *)(s) + alloc_fields[i].offset))

static void emit_alloc(struct emitter *e, const struct alloc_stats *a)
{
	emit_object_begin(e, "allocator", "allocator at exit");
	emit_kv(e, "backend", "backend", EMIT_STR(a->backend));
	for (size_t i = 0; i < sizeof alloc_fields / sizeof alloc_fields[0]; i++) {
		uint64_t v = ALLOC_FIELD(a, i);
		emit_kv(e, alloc_fields[i].key, alloc_fields[i].label,
			(a->known & alloc_fields[i].bit) ? EMIT_U64(EMIT_BYTES, v)
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

static const struct emit_column timeline_cols[] = {
	{ "t_s", "time", 0 },
#define STATS_TL_COL(id, key, label, what) { #key, label, 0 },
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

static int text(const struct json *obj, const char *key, char *dst, size_t len, char *err,
		size_t errlen)
{
	const struct json *m = json_get(obj, key);
	if (m == NULL || m->kind != JSON_STRING) {
		snprintf(err, errlen, "config.%s is missing or not a string", key);
		return -1;
	}
	snprintf(dst, len, "%s", m->string);
	return 0;
}

static int read_config(const struct json *c, struct stats_config *out, char *err, size_t errlen)
{
	if (c == NULL || c->kind != JSON_OBJECT) {
		snprintf(err, errlen, "no config object");
		return -1;
	}
	if (text(c, "workload", out->workload, sizeof out->workload, err, errlen) ||
	    text(c, "model", out->model, sizeof out->model, err, errlen) ||
	    text(c, "allocator", out->allocator, sizeof out->allocator, err, errlen) ||
	    text(c, "mmlab_version", out->mmlab_version, sizeof out->mmlab_version, err, errlen) ||
	    text(c, "compiler", out->compiler, sizeof out->compiler, err, errlen) ||
	    text(c, "host", out->host, sizeof out->host, err, errlen))
		return -1;
	snprintf(out->ops_unit, sizeof out->ops_unit, "%s", json_str(c, "ops_unit", "ops"));
	snprintf(out->probes, sizeof out->probes, "%s", json_str(c, "probes", ""));
	const struct json *seed = json_get(c, "seed");
	out->seed = seed && seed->is_u64 ? seed->u64 : 0;
	const struct json *params = json_get(c, "params");
	out->nparams = 0;
	for (const struct json *p = params && params->kind == JSON_OBJECT ? params->child : NULL;
	     p != NULL && out->nparams < STATS_PARAMS_MAX; p = p->next) {
		if (!p->is_i64) {
			snprintf(err, errlen, "config.params.%s is not an integer", p->key);
			return -1;
		}
		snprintf(out->params[out->nparams].name, STATS_TEXT, "%s", p->key);
		out->params[out->nparams++].value = p->i64;
	}
	return 0;
}

static bool read_u64(const struct json *m, uint64_t *dst)
{
	if (m->kind == JSON_NUMBER && m->is_u64) {
		*dst = m->u64;
		return true;
	}
	/* 64-bit values that JSON numbers cannot hold exactly travel as hex */
	if (m->kind == JSON_STRING && strncmp(m->string, "0x", 2) == 0) {
		char *end;
		unsigned long long v = strtoull(m->string + 2, &end, 16);
		if (*end == '\0' && end != m->string + 2) {
			*dst = v;
			return true;
		}
	}
	return false;
}

static bool read_f64(const struct json *m, double *dst)
{
	if (m->kind != JSON_NUMBER)
		return false;
	*dst = m->number;
	return true;
}

static int read_results(const struct json *r, struct stats_results *out, char *err,
			size_t errlen)
{
	if (r == NULL || r->kind != JSON_OBJECT) {
		snprintf(err, errlen, "no results object");
		return -1;
	}
	memset(out, 0, sizeof *out);
	for (const struct json *m = r->child; m != NULL; m = m->next) {
		enum stats_field f = stats_find(m->key);
		if (f == STATS_FIELDS || m->kind == JSON_NULL)
			continue;
		bool ok = true;
		switch (f) {
#define STATS_READ(type, name, unit, label) \
	case STATS_F_##name:                \
		ok = STATS_READ_##type(m, &out->name); \
		break;
#define STATS_READ_U64(m, dst) read_u64(m, dst)
#define STATS_READ_F64(m, dst) read_f64(m, dst)
			STATS_RESULTS(STATS_READ)
#undef STATS_READ
		case STATS_FIELDS:
			break;
		}
		if (!ok) {
			snprintf(err, errlen, "results.%s has the wrong type", m->key);
			return -1;
		}
		mark(out, f);
	}
	return 0;
}

static void read_alloc(const struct json *a, struct alloc_stats *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->backend, sizeof out->backend, "%s", json_str(a, "backend", ""));
	for (size_t i = 0; i < sizeof alloc_fields / sizeof alloc_fields[0]; i++) {
		const struct json *m = json_get(a, alloc_fields[i].key);
		if (m && m->is_u64) {
			ALLOC_FIELD(out, i) = m->u64;
			out->known |= alloc_fields[i].bit;
		}
	}
	const struct json *raw = json_get(a, "raw");
	for (const struct json *m = raw ? raw->child : NULL; m != NULL; m = m->next)
		if (m->is_u64)
			alloc_stats_raw(out, m->key, m->u64);
}

static void read_kinds(const struct json *t, struct stats_dist *kinds)
{
	for (const struct json *row = t && t->kind == JSON_ARRAY ? t->child : NULL; row != NULL;
	     row = row->next) {
		enum probe_pause k = probe_pause_find(json_str(row, "kind", ""));
		if (k == PROBE_PAUSE_KINDS)
			continue;
		for (unsigned i = 0; i < STATS_DIST_FIELDS; i++) {
			const struct json *m = json_get(row, dist_fields[i].key);
			if (m != NULL && m->kind == JSON_NUMBER)
				dist_set(&kinds[k], (enum stats_dist_field)i, m);
		}
	}
}

/* A series' rows, with each wanted column found by key: col[i] is the
 * index of keys[i] in a row, or -1. */
static const struct json *series_rows(const struct json *s, const char *const *keys,
				      unsigned nkeys, int *col)
{
	const struct json *cols = json_get(s, "columns");
	const struct json *rows = json_get(s, "rows");
	if (cols == NULL || cols->kind != JSON_ARRAY || rows == NULL || rows->kind != JSON_ARRAY)
		return NULL;
	for (unsigned i = 0; i < nkeys; i++) {
		col[i] = -1;
		int j = 0;
		for (const struct json *c = cols->child; c != NULL; c = c->next, j++)
			if (c->kind == JSON_STRING && strcmp(c->string, keys[i]) == 0)
				col[i] = j;
	}
	return rows->child;
}

static const struct json *cell(const struct json *row, int col)
{
	const struct json *c = row->kind == JSON_ARRAY ? row->child : NULL;
	for (int j = 0; c != NULL && j < col; j++)
		c = c->next;
	return col < 0 || c == NULL || c->kind != JSON_NUMBER ? NULL : c;
}

static void read_mmu(const struct json *s, struct stats_mmu *m)
{
	static const char *const keys[] = { "window_s", "mmu" };
	int col[2];
	m->n = 0;
	for (const struct json *row = s ? series_rows(s, keys, 2, col) : NULL;
	     row != NULL && m->n < STATS_MMU_MAX; row = row->next) {
		const struct json *w = cell(row, col[0]), *u = cell(row, col[1]);
		if (w == NULL)
			continue;
		m->window_s[m->n] = w->number;
		m->mmu[m->n++] = u ? u->number : -1.0;
	}
}

static void read_timeline(const struct json *t, struct stats_timeline *tl)
{
	const char *keys[1 + PROBE_HEAP_NFIELDS];
	int col[1 + PROBE_HEAP_NFIELDS];
	for (unsigned i = 0; i < 1 + PROBE_HEAP_NFIELDS; i++)
		keys[i] = timeline_cols[i].key;
	const struct json *iv = json_get(t, "interval_s"), *ns = json_get(t, "samples");
	tl->interval_s = iv && iv->kind == JSON_NUMBER ? iv->number : 0;
	tl->samples = ns && ns->is_u64 ? ns->u64 : 0;
	tl->n = 0;
	const struct json *points = json_get(t, "points");
	for (const struct json *row = points ? series_rows(points, keys, 1 + PROBE_HEAP_NFIELDS,
							   col)
					     : NULL;
	     row != NULL && tl->n < STATS_TIMELINE_MAX; row = row->next) {
		const struct json *ts = cell(row, col[0]);
		if (ts == NULL)
			continue;
		struct stats_point *p = &tl->pt[tl->n++];
		*p = (struct stats_point){ .t_s = ts->number };
		for (unsigned f = 0; f < PROBE_HEAP_NFIELDS; f++) {
			const struct json *v = cell(row, col[1 + f]);
			if (v && v->is_u64) {
				p->v[f] = v->u64;
				p->known |= 1u << f;
			}
		}
	}
}

int stats_from_json(const struct json *obj, struct stats *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	const char *schema = json_str(obj, "schema", NULL);
	if (schema == NULL || strcmp(schema, STATS_SCHEMA) != 0) {
		snprintf(err, errlen, "not an mmlab stats dump (schema is not \"%s\")",
			 STATS_SCHEMA);
		return -1;
	}
	const struct json *v = json_get(obj, "schema_version");
	if (v == NULL || !v->is_u64 || v->u64 != STATS_SCHEMA_VERSION) {
		snprintf(err, errlen, "schema_version %s is not the one this mmlab reads (%d)",
			 v && v->is_u64 ? "given" : "missing", STATS_SCHEMA_VERSION);
		return -1;
	}
	if (read_config(json_get(obj, "config"), &s->config, err, errlen) != 0 ||
	    read_results(json_get(obj, "results"), &s->results, err, errlen) != 0)
		return -1;
	read_kinds(json_get(obj, "pause_kinds"), s->kinds);
	read_mmu(json_get(obj, "mmu_curve"), &s->mmu);
	const struct json *t = json_get(obj, "timeline");
	if (t != NULL && t->kind == JSON_OBJECT)
		read_timeline(t, &s->timeline);
	const struct json *a = json_get(obj, "allocator");
	if (a != NULL && a->kind == JSON_OBJECT) {
		read_alloc(a, &s->alloc);
		s->has_alloc = true;
	}
	return 0;
}
