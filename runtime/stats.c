/* stats.c — the stats record: emitting it, and reading it back.
 *
 * Both directions walk STATS_RESULTS, so a key written is a key read.
 * Reading is lenient about keys it does not know (newer minor additions)
 * and strict about the schema name and version.
 */
#include "stats.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "version.h"

static const struct {
	const char *key, *label;
	enum emit_unit unit;
	bool real;
} fields[] = {
#define STATS_ROW(type, name, unit, label) { #name, label, unit, STATS_IS_##type },
#define STATS_IS_U64 false
#define STATS_IS_F64 true
	STATS_RESULTS(STATS_ROW)
#undef STATS_ROW
};

struct emit_value stats_value(const struct stats_results *r, enum stats_field f)
{
	if (!(r->known & (1ull << f)))
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

void stats_emit_members(struct emitter *e, const struct stats *s)
{
	if (e->fmt == EMIT_JSON) {
		emit_kv(e, "schema", "schema", EMIT_STR(STATS_SCHEMA));
		emit_kv(e, "schema_version", "schema version",
			EMIT_U64(EMIT_COUNT, STATS_SCHEMA_VERSION));
	}
	emit_config(e, &s->config);
	emit_object_begin(e, "results", "results");
	char buf[128];
	for (unsigned f = 0; f < STATS_FIELDS; f++)
		emit_kv(e, fields[f].key, stats_label(f, s->config.ops_unit, buf, sizeof buf),
			stats_value(&s->results, f));
	emit_object_end(e);
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
		out->known |= 1ull << f;
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
	const struct json *a = json_get(obj, "allocator");
	if (a != NULL && a->kind == JSON_OBJECT) {
		read_alloc(a, &s->alloc);
		s->has_alloc = true;
	}
	return 0;
}
