/* stats_read.c — mmlab's JSON documents read back, on jansson.
 *
 * Two steps: stats_doc_parse turns text into a tree and checks the
 * schema and its version (the step every kind of document shares; a new
 * kind is one more struct stats_doc_kind and a reader of its keys), then
 * a reader walks the same lists the emitter walked (STATS_RESULTS,
 * STATS_DIST, ALLOC_FIGURES, PROBE_HEAP_FIELDS).  Invariant: every
 * value the emitter writes reads back exactly: integers are json_int_t
 * (64-bit), an unsigned value above INT64_MAX travels as a "0x..." string
 * (emit.h), a real as the text %.9g made of it.
 */
#include "stats_read.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct stats_doc_kind stats_doc_record = { STATS_SCHEMA, STATS_SCHEMA_VERSION };

static int __attribute__((format(printf, 3, 4))) fail(char *err, size_t errlen, const char *fmt,
						      ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- the document ---- */

static json_t *checked(const char *name, json_t *root, const struct stats_doc_kind *k,
		       char *err, size_t errlen)
{
	const json_t *schema = json_object_get(root, "schema");
	const json_t *version = json_object_get(root, "schema_version");
	if (!json_is_object(root))
		fail(err, errlen, "%s: not an mmlab document (the top is not an object)", name);
	else if (!json_is_string(schema))
		fail(err, errlen, "%s: not an mmlab document (no \"schema\" string)", name);
	else if (strcmp(json_string_value(schema), k->schema) != 0)
		fail(err, errlen, "%s: an %s document, not %s", name, json_string_value(schema),
		     k->schema);
	else if (!json_is_integer(version))
		fail(err, errlen, "%s: an %s document without an integer schema_version", name,
		     k->schema);
	else if (json_integer_value(version) != (json_int_t)k->version)
		fail(err, errlen, "%s: %s schema_version %" JSON_INTEGER_FORMAT
				  "; this mmlab reads version %u",
		     name, k->schema, json_integer_value(version), k->version);
	else
		return root;
	json_decref(root);
	return NULL;
}

json_t *stats_doc_check(const char *name, json_t *root, const struct stats_doc_kind *k,
			char *err, size_t errlen)
{
	return checked(name, root, k, err, errlen);
}

static void parse_error(const char *name, const json_error_t *je, char *err, size_t errlen)
{
	if (je->line > 0)
		fail(err, errlen, "%s: line %d, column %d: %s", name, je->line, je->column, je->text);
	else
		fail(err, errlen, "%s: %s", name, je->text);
}

json_t *stats_doc_parse(const char *name, const char *text, size_t len,
			const struct stats_doc_kind *k, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		parse_error(name, &je, err, errlen);
		return NULL;
	}
	return checked(name, root, k, err, errlen);
}

json_t *stats_doc_load(const char *path, const struct stats_doc_kind *k, char *err,
		       size_t errlen)
{
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		/* jansson says "unable to open PATH: reason": the path once is enough */
		if (je.line < 0 && strncmp(je.text, "unable to open ", 15) == 0) {
			const char *why = strstr(je.text, ": ");
			fail(err, errlen, "cannot read %s: %s", path, why ? why + 2 : je.text);
		} else {
			parse_error(path, &je, err, errlen);
		}
		return NULL;
	}
	return checked(path, root, k, err, errlen);
}

/* ---- values ---- */

/* An unsigned 64-bit value: an integer >= 0, or "0x" and 1 to 16 hex digits. */
static bool get_u64(const json_t *m, uint64_t *dst)
{
	if (json_is_integer(m)) {
		json_int_t v = json_integer_value(m);
		if (v < 0)
			return false;
		*dst = (uint64_t)v;
		return true;
	}
	if (!json_is_string(m))
		return false;
	const char *s = json_string_value(m);
	size_t n = strlen(s);
	if (n < 3 || n > 18 || s[0] != '0' || s[1] != 'x' || strspn(s + 2, "0123456789abcdefABCDEF") != n - 2)
		return false;
	*dst = strtoull(s + 2, NULL, 16);
	return true;
}

static bool get_f64(const json_t *m, double *dst)
{
	if (!json_is_number(m))
		return false;
	*dst = json_number_value(m);
	return true;
}

/* A string member into dst; absent is an error only when required. */
static int get_text(const json_t *obj, const char *where, const char *key, bool required,
		    char *dst, size_t len, char *err, size_t errlen)
{
	const json_t *m = json_object_get(obj, key);
	if (m == NULL && !required)
		return 0;
	if (!json_is_string(m))
		return fail(err, errlen, "%s.%s is %s", where, key,
			    m ? "not a string" : "missing");
	if (json_string_length(m) >= len)
		return fail(err, errlen, "%s.%s is longer than %zu bytes", where, key, len - 1);
	memcpy(dst, json_string_value(m), json_string_length(m) + 1);
	return 0;
}

/* ---- a record ---- */

static int read_config(const json_t *c, struct stats_config *out, char *err, size_t errlen)
{
	if (!json_is_object(c))
		return fail(err, errlen, "no config object");
	snprintf(out->ops_unit, sizeof out->ops_unit, "ops");
#define TEXT(key, req) get_text(c, "config", #key, req, out->key, sizeof out->key, err, errlen)
	if (TEXT(workload, true) || TEXT(model, true) || TEXT(allocator, true) ||
	    TEXT(mmlab_version, true) || TEXT(compiler, true) || TEXT(host, true) ||
	    TEXT(ops_unit, false) || TEXT(probes, false) || TEXT(model_options, false))
		return -1;
	const json_t *limit = json_object_get(c, "heap_limit_bytes");
	if (limit != NULL && !json_is_null(limit) && !get_u64(limit, &out->heap_limit))
		return fail(err, errlen, "config.heap_limit_bytes is not an unsigned integer");
#undef TEXT
	const json_t *seed = json_object_get(c, "seed");
	if (seed != NULL && !get_u64(seed, &out->seed))
		return fail(err, errlen, "config.seed is not an unsigned integer");
	const json_t *params = json_object_get(c, "params");
	if (params != NULL && !json_is_object(params))
		return fail(err, errlen, "config.params is not an object");
	const char *key;
	const json_t *p;
	out->nparams = 0;
	json_object_foreach((json_t *)params, key, p) {
		if (out->nparams == STATS_PARAMS_MAX)
			return fail(err, errlen, "config.params has more than %d members",
				    STATS_PARAMS_MAX);
		if (!json_is_integer(p))
			return fail(err, errlen, "config.params.%s is not an integer", key);
		if (strlen(key) >= STATS_TEXT)
			return fail(err, errlen, "config.params has a name longer than %d bytes",
				    STATS_TEXT - 1);
		snprintf(out->params[out->nparams].name, STATS_TEXT, "%s", key);
		out->params[out->nparams++].value = json_integer_value(p);
	}
	return 0;
}

#define GET_U64(m, dst) get_u64(m, dst)
#define GET_F64(m, dst) get_f64(m, dst)

static int read_results(const json_t *r, struct stats_results *out, char *err, size_t errlen)
{
	if (!json_is_object(r))
		return fail(err, errlen, "no results object");
	memset(out, 0, sizeof *out);
	const json_t *m;
#define STATS_READ(type, name, unit, label)                                              \
	m = json_object_get(r, #name);                                                  \
	if (m != NULL && !json_is_null(m)) {                                            \
		if (!GET_##type(m, &out->name))                                         \
			return fail(err, errlen, "results.%s has the wrong type", #name); \
		out->known |= 1ull << STATS_F_##name;                                   \
	}
	STATS_RESULTS(STATS_READ)
#undef STATS_READ
	return 0;
}

static int read_kinds(const json_t *t, struct stats_dist *kinds, char *err, size_t errlen)
{
	if (t == NULL)
		return 0;
	if (!json_is_array(t))
		return fail(err, errlen, "pause_kinds is not an array");
	size_t i;
	const json_t *row;
	json_array_foreach((json_t *)t, i, row) {
		const json_t *kind = json_object_get(row, "kind");
		if (!json_is_string(kind))
			return fail(err, errlen, "pause_kinds[%zu] has no kind", i);
		enum probe_pause k = probe_pause_find(json_string_value(kind));
		if (k == PROBE_PAUSE_KINDS)
			continue; /* a kind a newer mmlab knows */
		struct stats_dist *d = &kinds[k];
		const json_t *m;
#define STATS_READ_DIST(type, name, unit, label)                                          \
	m = json_object_get(row, #name);                                                 \
	if (m != NULL && !json_is_null(m) && !GET_##type(m, &d->name))                   \
		return fail(err, errlen, "pause_kinds[%zu].%s has the wrong type", i, #name);
		STATS_DIST(STATS_READ_DIST, , STATS_L_BARE)
#undef STATS_READ_DIST
	}
	return 0;
}

/* A series' rows, with each wanted column found by key: col[i] is the
 * index of keys[i] in a row, or -1.  NULL with a message if s is not a
 * series. */
static const json_t *series_rows(const json_t *s, const char *where, const char *const *keys,
				 unsigned nkeys, int *col, char *err, size_t errlen)
{
	const json_t *cols = json_object_get(s, "columns");
	const json_t *rows = json_object_get(s, "rows");
	if (!json_is_array(cols) || !json_is_array(rows)) {
		fail(err, errlen, "%s is not a series (columns and rows)", where);
		return NULL;
	}
	for (unsigned i = 0; i < nkeys; i++) {
		col[i] = -1;
		size_t j;
		const json_t *c;
		json_array_foreach((json_t *)cols, j, c)
			if (json_is_string(c) && strcmp(json_string_value(c), keys[i]) == 0)
				col[i] = (int)j;
	}
	return rows;
}

/* Row `row`'s cell in column col: NULL when the column is absent or the
 * cell is null; *bad when the row is not an array. */
static const json_t *cell(const json_t *row, int col, bool *bad)
{
	if (!json_is_array(row)) {
		*bad = true;
		return NULL;
	}
	const json_t *c = col < 0 ? NULL : json_array_get(row, (size_t)col);
	return json_is_null(c) ? NULL : c;
}

static int read_mmu(const json_t *s, struct stats_mmu *m, char *err, size_t errlen)
{
	static const char *const keys[] = { "window_s", "mmu" };
	int col[2];
	m->n = 0;
	if (s == NULL)
		return 0;
	const json_t *rows = series_rows(s, "mmu_curve", keys, 2, col, err, errlen);
	if (rows == NULL)
		return -1;
	if (json_array_size(rows) > STATS_MMU_MAX)
		return fail(err, errlen, "mmu_curve has more than %d rows", STATS_MMU_MAX);
	size_t i;
	const json_t *row;
	json_array_foreach((json_t *)rows, i, row) {
		bool bad = false;
		const json_t *w = cell(row, col[0], &bad), *u = cell(row, col[1], &bad);
		double wv, uv = -1.0;
		if (bad || w == NULL || !get_f64(w, &wv) || (u != NULL && !get_f64(u, &uv)))
			return fail(err, errlen, "mmu_curve row %zu has the wrong shape", i);
		m->window_s[m->n] = wv;
		m->mmu[m->n++] = uv;
	}
	return 0;
}

/* pause_histogram and pause_marks: both optional (a run without pauses
 * has neither). */
static int read_pause_hist(const json_t *obj, struct stats *s, char *err, size_t errlen)
{
	const json_t *h = json_object_get(obj, "pause_histogram");
	if (h != NULL) {
		if (!json_is_array(h) || json_array_size(h) > STATS_HIST_BUCKETS)
			return fail(err, errlen, "pause_histogram is not an array of at most %d counts",
				    STATS_HIST_BUCKETS);
		size_t i;
		const json_t *v;
		json_array_foreach((json_t *)h, i, v)
			if (!get_u64(v, &s->pause_hist[i]))
				return fail(err, errlen, "pause_histogram[%zu] is not a count", i);
	}
	const json_t *m = json_object_get(obj, "pause_marks");
	if (m == NULL)
		return 0;
	static const char *const keys[] = { "t_s", "duration_s", "kind" };
	int col[3];
	const json_t *rows = series_rows(m, "pause_marks", keys, 3, col, err, errlen);
	if (rows == NULL)
		return -1;
	if (json_array_size(rows) > STATS_MARKS_MAX)
		return fail(err, errlen, "pause_marks has more than %d rows", STATS_MARKS_MAX);
	size_t i;
	const json_t *row;
	json_array_foreach((json_t *)rows, i, row) {
		bool bad = false;
		const json_t *t = cell(row, col[0], &bad), *d = cell(row, col[1], &bad),
			     *k = cell(row, col[2], &bad);
		struct stats_mark *mk = &s->marks[s->nmarks];
		if (bad || t == NULL || d == NULL || !get_f64(t, &mk->t_s) ||
		    !get_f64(d, &mk->dur_s) || !json_is_string(k))
			return fail(err, errlen, "pause_marks row %zu has the wrong shape", i);
		mk->kind = probe_pause_find(json_string_value(k));
		if (mk->kind == PROBE_PAUSE_KINDS)
			return fail(err, errlen, "pause_marks row %zu: unknown pause kind", i);
		s->nmarks++;
	}
	return 0;
}

static int read_timeline(const json_t *t, struct stats_timeline *tl, char *err, size_t errlen)
{
	static const char *const keys[] = {
		"t_s",
#define STATS_TL_KEY(id, key, label, what, from) #key,
		PROBE_HEAP_FIELDS(STATS_TL_KEY)
#undef STATS_TL_KEY
	};
	int col[1 + PROBE_HEAP_NFIELDS];
	memset(tl, 0, sizeof *tl);
	if (t == NULL)
		return 0;
	if (!json_is_object(t))
		return fail(err, errlen, "timeline is not an object");
	const json_t *iv = json_object_get(t, "interval_s"), *ns = json_object_get(t, "samples");
	if ((iv != NULL && !get_f64(iv, &tl->interval_s)) ||
	    (ns != NULL && !get_u64(ns, &tl->samples)))
		return fail(err, errlen, "timeline.interval_s or .samples has the wrong type");
	const json_t *points = json_object_get(t, "points");
	if (points == NULL)
		return 0;
	const json_t *rows =
		series_rows(points, "timeline.points", keys, 1 + PROBE_HEAP_NFIELDS, col, err, errlen);
	if (rows == NULL)
		return -1;
	if (json_array_size(rows) > STATS_TIMELINE_MAX)
		return fail(err, errlen, "timeline.points has more than %d rows", STATS_TIMELINE_MAX);
	size_t i;
	const json_t *row;
	json_array_foreach((json_t *)rows, i, row) {
		bool bad = false;
		const json_t *ts = cell(row, col[0], &bad);
		struct stats_point *p = &tl->pt[tl->n++];
		if (bad || ts == NULL || !get_f64(ts, &p->t_s))
			return fail(err, errlen, "timeline.points row %zu has the wrong shape", i);
		for (unsigned f = 0; f < PROBE_HEAP_NFIELDS; f++) {
			const json_t *v = cell(row, col[1 + f], &bad);
			if (v == NULL)
				continue;
			if (!get_u64(v, &p->v[f]))
				return fail(err, errlen, "timeline.points row %zu: %s has the wrong type",
					    i, keys[1 + f]);
			p->known |= 1u << f;
		}
	}
	return 0;
}

static int read_alloc(const json_t *a, struct alloc_stats *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!json_is_object(a))
		return fail(err, errlen, "allocator is not an object");
	if (get_text(a, "allocator", "backend", false, out->backend, sizeof out->backend, err,
		     errlen) != 0)
		return -1;
	const json_t *m;
	for (unsigned f = 0; f < ALLOC_FIGURE_COUNT; f++) {
		enum alloc_figure fig = (enum alloc_figure)f;
		m = json_object_get(a, alloc_figure_key(fig));
		if (m == NULL || json_is_null(m))
			continue;
		uint64_t v;
		if (!get_u64(m, &v))
			return fail(err, errlen, "allocator.%s has the wrong type",
				    alloc_figure_key(fig));
		alloc_figure_set(out, fig, v);
	}
	const json_t *raw = json_object_get(a, "raw");
	if (raw != NULL && !json_is_object(raw))
		return fail(err, errlen, "allocator.raw is not an object");
	const char *key;
	json_object_foreach((json_t *)raw, key, m) {
		uint64_t v;
		if (!get_u64(m, &v))
			return fail(err, errlen, "allocator.raw.%s is not an unsigned integer", key);
		alloc_stats_raw(out, key, v);
	}
	return 0;
}

int stats_from_json(const json_t *obj, struct stats *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	if (!json_is_object(obj))
		return fail(err, errlen, "a record is not an object");
	if (read_config(json_object_get(obj, "config"), &s->config, err, errlen) != 0 ||
	    read_results(json_object_get(obj, "results"), &s->results, err, errlen) != 0 ||
	    read_kinds(json_object_get(obj, "pause_kinds"), s->kinds, err, errlen) != 0 ||
	    read_mmu(json_object_get(obj, "mmu_curve"), &s->mmu, err, errlen) != 0 ||
	    read_timeline(json_object_get(obj, "timeline"), &s->timeline, err, errlen) != 0 ||
	    read_pause_hist(obj, s, err, errlen) != 0)
		return -1;
	const json_t *a = json_object_get(obj, "allocator");
	if (a != NULL) {
		if (read_alloc(a, &s->alloc, err, errlen) != 0)
			return -1;
		s->has_alloc = true;
	}
	return 0;
}

static int read_root(const char *name, json_t *root, struct stats *s, char *err, size_t errlen)
{
	if (root == NULL)
		return -1;
	char why[256];
	int rc = stats_from_json(root, s, why, sizeof why);
	if (rc != 0)
		fail(err, errlen, "%s: %s", name, why);
	json_decref(root);
	return rc;
}

int stats_read(const char *name, const char *text, size_t len, struct stats *s, char *err,
	       size_t errlen)
{
	return read_root(name, stats_doc_parse(name, text, len, &stats_doc_record, err, errlen), s,
			 err, errlen);
}

int stats_read_file(const char *path, struct stats *s, char *err, size_t errlen)
{
	return read_root(path, stats_doc_load(path, &stats_doc_record, err, errlen), s, err,
			 errlen);
}
