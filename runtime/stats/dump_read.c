/* dump_read.c — one reader for every stats dump: recognise the format,
 * parse it, and turn it into a list of stats records.
 *
 * mmlab's documents go through stats_read.c (the schema and version check
 * and the record reader); the native formats through native_*.c.  The
 * format comes from the text: a JSON object with "schema" is mmlab's, one
 * with "jemalloc" jemalloc's; "<malloc" glibc's; "heap stats:" mimalloc's;
 * "MALLOC:" lines gperftools'.  Invariant: on -1 the dump is empty.
 */
#include "dump_read.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats_read.h"

static const struct {
	const char *name, *what;
} formats[DUMP_FORMAT_COUNT] = {
#define DUMP_FORMAT_ROW(id, name, what) { name, what },
	DUMP_FORMATS(DUMP_FORMAT_ROW)
#undef DUMP_FORMAT_ROW
};

const char *dump_format_name(enum dump_format f)
{
	return f < DUMP_FORMAT_COUNT ? formats[f].name : "unknown";
}

const char *dump_format_what(enum dump_format f)
{
	return f < DUMP_FORMAT_COUNT ? formats[f].what : "unknown";
}

static int __attribute__((format(printf, 3, 4))) fail(char *err, size_t errlen, const char *fmt,
						      ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void dump_free(struct dump *d)
{
	free(d->runs);
	free(d->sweep);
	if (d->doc != NULL)
		json_decref(d->doc);
	memset(d, 0, sizeof *d);
}

void dump_unmapped(const struct alloc_stats *a, char *buf, size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	for (unsigned f = 0; f < ALLOC_FIGURE_COUNT; f++) {
		if (a->known & (1u << f))
			continue;
		int n = snprintf(buf + at, len - at, "%s%s", at ? ", " : "",
				 alloc_figure_key((enum alloc_figure)f));
		if (n < 0 || (size_t)n >= len - at)
			break;
		at += (size_t)n;
	}
}

/* ---- mmlab's documents ---- */

static const struct stats_doc_kind kinds[] = {
	[DUMP_STATS] = { STATS_SCHEMA, STATS_SCHEMA_VERSION },
	[DUMP_MATRIX] = { "mmlab-matrix", STATS_SCHEMA_VERSION },
	[DUMP_REPEAT] = { "mmlab-repeat", STATS_SCHEMA_VERSION },
	[DUMP_REPLAY] = { "mmlab-replay", 1 },
	[DUMP_SWEEP] = { "mmlab-sweep", 1 },
};
#define MMLAB_KINDS ((unsigned)(sizeof kinds / sizeof kinds[0]))

static struct stats *new_runs(size_t n, char *err, size_t errlen)
{
	struct stats *r = calloc(n ? n : 1, sizeof *r);
	if (r == NULL)
		fail(err, errlen, "out of memory for %zu records", n);
	return r;
}

/* "runs": each element one record. */
static int read_runs(const char *name, const json_t *root, struct dump *d, char *err,
		     size_t errlen)
{
	const json_t *runs = json_object_get(root, "runs");
	if (!json_is_array(runs))
		return fail(err, errlen, "%s: %s document without a \"runs\" list", name,
			    dump_format_name(d->format));
	size_t n = json_array_size(runs);
	if ((d->runs = new_runs(n, err, errlen)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char why[256];
		if (stats_from_json(json_array_get(runs, i), &d->runs[i], why, sizeof why) != 0)
			return fail(err, errlen, "%s: runs[%zu]: %s", name, i, why);
	}
	d->nruns = (unsigned)n;
	return 0;
}

static void copy_text(char *dst, size_t len, const json_t *v)
{
	if (json_is_string(v))
		snprintf(dst, len, "%s", json_string_value(v));
}

/* A replay cell: absent or null is unknown; else a number of the right kind. */
static int replay_cell(const json_t *row, const char *key, bool real, struct stats_results *r,
		       enum stats_field f)
{
	const json_t *v = json_object_get(row, key);
	if (v == NULL || json_is_null(v))
		return 0;
	if (real) {
		if (!json_is_number(v))
			return -1;
		stats_set_f64(r, f, json_number_value(v));
	} else {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return -1;
		stats_set_u64(r, f, (uint64_t)json_integer_value(v));
	}
	return 0;
}

/* A replay: one record per valid trace (an invalid one has no figures). */
static int read_replay(const char *name, const json_t *root, struct dump *d, char *err,
		       size_t errlen)
{
	const json_t *config = json_object_get(root, "config");
	const json_t *traces = json_object_get(root, "traces");
	if (!json_is_object(config) || !json_is_string(json_object_get(config, "allocator")))
		return fail(err, errlen, "%s: config.allocator is missing or not a string", name);
	if (!json_is_array(traces))
		return fail(err, errlen, "%s: mmlab-replay document without a \"traces\" list",
			    name);
	size_t n = json_array_size(traces);
	if ((d->runs = new_runs(n, err, errlen)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const json_t *row = json_array_get(traces, i);
		const json_t *trace = json_object_get(row, "trace");
		const json_t *valid = json_object_get(row, "valid");
		if (!json_is_string(trace))
			return fail(err, errlen, "%s: traces[%zu].trace is missing or not a string",
				    name, i);
		if (valid != NULL && !json_is_null(valid) && !json_is_string(valid))
			return fail(err, errlen, "%s: traces[%zu].valid is not a string", name, i);
		if (!json_is_string(valid) || strcmp(json_string_value(valid), "yes") != 0)
			continue;
		struct stats *s = &d->runs[d->nruns];
		struct stats_config *c = &s->config;
		copy_text(c->workload, sizeof c->workload, trace);
		snprintf(c->model, sizeof c->model, "replay");
		snprintf(c->ops_unit, sizeof c->ops_unit, "ops");
		copy_text(c->allocator, sizeof c->allocator, json_object_get(config, "allocator"));
		copy_text(c->mmlab_version, sizeof c->mmlab_version,
			  json_object_get(config, "mmlab_version"));
		copy_text(c->compiler, sizeof c->compiler, json_object_get(config, "compiler"));
		copy_text(c->host, sizeof c->host, json_object_get(config, "host"));
		struct stats_results *r = &s->results;
		if (replay_cell(row, "ops", false, r, STATS_F_ops) != 0 ||
		    replay_cell(row, "peak_live_bytes", false, r, STATS_F_peak_live_bytes) != 0 ||
		    replay_cell(row, "peak_footprint_bytes", false, r,
				STATS_F_peak_footprint_bytes) != 0 ||
		    replay_cell(row, "utilization", true, r, STATS_F_utilization) != 0 ||
		    replay_cell(row, "ops_per_s", true, r, STATS_F_ops_per_s) != 0)
			return fail(err, errlen, "%s: traces[%zu] has a figure of the wrong type",
				    name, i);
		d->nruns++;
	}
	return 0;
}

/* A sweep ratio: absent or null is unknown (NAN); else a number. */
static int sweep_ratio(const json_t *row, const char *key, double *out)
{
	const json_t *v = json_object_get(row, key);
	*out = NAN;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return -1;
	*out = json_number_value(v);
	return 0;
}

/* A sweep: the reference's record, then each row's (when it ran). */
static int read_sweep(const char *name, const json_t *root, struct dump *d, char *err,
		      size_t errlen)
{
	const json_t *ref = json_object_get(root, "reference");
	const json_t *rows = json_object_get(root, "rows");
	if (!json_is_object(json_object_get(root, "config")))
		return fail(err, errlen, "%s: mmlab-sweep document without a \"config\" object",
			    name);
	if (!json_is_object(ref))
		return fail(err, errlen, "%s: mmlab-sweep document without a \"reference\" record",
			    name);
	if (!json_is_array(rows))
		return fail(err, errlen, "%s: mmlab-sweep document without a \"rows\" list", name);
	size_t n = json_array_size(rows);
	if ((d->runs = new_runs(n + 1, err, errlen)) == NULL)
		return -1;
	if ((d->sweep = calloc(n ? n : 1, sizeof *d->sweep)) == NULL)
		return fail(err, errlen, "out of memory for %zu rows", n);
	char why[256];
	if (stats_from_json(ref, &d->runs[0], why, sizeof why) != 0)
		return fail(err, errlen, "%s: reference: %s", name, why);
	d->nruns = 1;
	for (size_t i = 0; i < n; i++) {
		const json_t *row = json_array_get(rows, i);
		const json_t *mult = json_object_get(row, "multiple");
		const json_t *limit = json_object_get(row, "heap_limit_bytes");
		const json_t *status = json_object_get(row, "status");
		const json_t *rec = json_object_get(row, "record");
		struct dump_sweep_row *w = &d->sweep[i];
		if (!json_is_number(mult) || !(json_number_value(mult) > 0))
			return fail(err, errlen, "%s: rows[%zu].multiple is not a positive number",
				    name, i);
		if (!json_is_integer(limit) || json_integer_value(limit) < 0)
			return fail(err, errlen,
				    "%s: rows[%zu].heap_limit_bytes is not a byte count", name, i);
		if (!json_is_string(status))
			return fail(err, errlen, "%s: rows[%zu].status is missing or not a string",
				    name, i);
		if (sweep_ratio(row, "relative_time", &w->relative_time) != 0 ||
		    sweep_ratio(row, "relative_rss", &w->relative_rss) != 0 ||
		    sweep_ratio(row, "relative_footprint", &w->relative_footprint) != 0)
			return fail(err, errlen, "%s: rows[%zu] has a ratio that is not a number",
				    name, i);
		if (rec != NULL && !json_is_null(rec) && !json_is_object(rec))
			return fail(err, errlen, "%s: rows[%zu].record is not an object", name, i);
		w->multiple = json_number_value(mult);
		w->heap_limit_bytes = (uint64_t)json_integer_value(limit);
		copy_text(w->status, sizeof w->status, status);
		w->ok = strcmp(w->status, "ok") == 0;
		w->run = -1;
		if (json_is_object(rec)) {
			if (stats_from_json(rec, &d->runs[d->nruns], why, sizeof why) != 0)
				return fail(err, errlen, "%s: rows[%zu].record: %s", name, i, why);
			w->run = (int)d->nruns++;
		}
		d->nsweep = (unsigned)i + 1;
	}
	return 0;
}

/* A JSON document: mmlab's (by its "schema") or jemalloc's. */
static int read_json(const char *name, json_t *root, enum dump_format want, struct dump *d,
		     char *err, size_t errlen)
{
	const json_t *schema = json_object_get(root, "schema");
	if (json_is_object(root) && schema == NULL && json_is_object(json_object_get(root, "jemalloc"))) {
		if (want != DUMP_ANY && want != DUMP_JEMALLOC) {
			json_decref(root);
			return fail(err, errlen, "%s: a jemalloc stats dump, not %s", name,
				    dump_format_name(want));
		}
		d->format = DUMP_JEMALLOC;
		char why[256];
		int rc = (d->runs = new_runs(1, err, errlen)) == NULL ? -1
			 : dump_native_jemalloc(root, d->runs, why, sizeof why);
		json_decref(root);
		if (d->runs != NULL && rc != 0)
			return fail(err, errlen, "%s: %s", name, why);
		if (rc != 0)
			return -1;
		d->nruns = 1;
		dump_unmapped(&d->runs->alloc, d->unmapped, sizeof d->unmapped);
		return 0;
	}
	enum dump_format f = want;
	if (f == DUMP_ANY && json_is_string(schema)) {
		for (unsigned k = 0; k < MMLAB_KINDS; k++)
			if (strcmp(json_string_value(schema), kinds[k].schema) == 0)
				f = (enum dump_format)k;
		if (f == DUMP_ANY) {
			char known[256] = "";
			for (unsigned k = 0, at = 0; k < MMLAB_KINDS && at < sizeof known; k++)
				at += (unsigned)snprintf(known + at, sizeof known - at, "%s%s",
							 k == 0		      ? ""
							 : k + 1 < MMLAB_KINDS ? ", "
									       : " and ",
							 kinds[k].schema);
			fail(err, errlen, "%s: an %s document; this mmlab reads %s", name,
			     json_string_value(schema), known);
			json_decref(root);
			return -1;
		}
	}
	if (f == DUMP_ANY)
		f = DUMP_STATS; /* for the message: not an mmlab document */
	if ((unsigned)f >= MMLAB_KINDS) {
		json_decref(root);
		return fail(err, errlen, "%s: a JSON document, not %s", name, dump_format_name(f));
	}
	root = stats_doc_check(name, root, &kinds[f], err, errlen);
	if (root == NULL)
		return -1;
	d->format = f;
	d->version = kinds[f].version;
	d->doc = root;
	int rc;
	if (f == DUMP_STATS) {
		char why[256];
		rc = (d->runs = new_runs(1, err, errlen)) == NULL ? -1
		     : stats_from_json(root, d->runs, why, sizeof why) != 0
			     ? fail(err, errlen, "%s: %s", name, why)
			     : (d->nruns = 1, 0);
	} else if (f == DUMP_REPLAY) {
		rc = read_replay(name, root, d, err, errlen);
	} else if (f == DUMP_SWEEP) {
		rc = read_sweep(name, root, d, err, errlen);
	} else {
		rc = read_runs(name, root, d, err, errlen);
	}
	return rc;
}

static int parse_json(const char *name, const char *text, size_t len, enum dump_format want,
		      struct dump *d, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	/* jemalloc writes "stats_print" and "stats_print_opts" twice in its
	 * "opt" object: a duplicate is taken only from a jemalloc dump */
	if (root == NULL && json_error_code(&je) == json_error_duplicate_key) {
		json_error_t je2;
		json_t *again = json_loadb(text, len, 0, &je2);
		if (json_is_object(json_object_get(again, "jemalloc")) &&
		    json_object_get(again, "schema") == NULL)
			root = again;
		else
			json_decref(again);
	}
	if (root == NULL) {
		if (je.line > 0)
			return fail(err, errlen, "%s: line %d, column %d: %s", name, je.line,
				    je.column, je.text);
		return fail(err, errlen, "%s: %s", name, je.text);
	}
	return read_json(name, root, want, d, err, errlen);
}

/* A message may quote the input (a tag's attribute, a JSON token): its
 * control characters become '?', so it stays one line on a terminal. */
static void one_line(char *err)
{
	for (unsigned char *p = (unsigned char *)err; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
}

/* ---- text formats ---- */

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static bool starts(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(end - p) >= n && memcmp(p, word, n) == 0;
}

/* A gperftools dump: a line that begins with "MALLOC:" among the first few. */
static bool looks_gperftools(const char *p, const char *end)
{
	for (int line = 0; line < 4 && p < end; line++) {
		if (starts(p, end, "MALLOC:"))
			return true;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	return false;
}

static enum dump_format sniff(const char *text, size_t len)
{
	const char *end = text + len, *p = skip_space(text, end);
	if (p < end && (*p == '{' || *p == '['))
		return DUMP_STATS; /* JSON: which kind, the document says */
	if (starts(p, end, "<malloc") || starts(p, end, "<?xml"))
		return DUMP_GLIBC;
	if (starts(p, end, "heap stats:"))
		return DUMP_MIMALLOC;
	if (looks_gperftools(p, end))
		return DUMP_GPERFTOOLS;
	return DUMP_ANY;
}

int dump_read(const char *name, const char *text, size_t len, enum dump_format f, struct dump *d,
	      char *err, size_t errlen)
{
	memset(d, 0, sizeof *d);
	if (len == 0)
		return fail(err, errlen, "%s: empty, not a stats dump", name);
	enum dump_format seen = sniff(text, len);
	if (seen == DUMP_ANY && f == DUMP_ANY)
		return fail(err, errlen,
			    "%s: not a stats dump mmlab reads (mmlab's JSON, jemalloc's JSON, "
			    "glibc's malloc_info XML, mimalloc's or gperftools' stats text)",
			    name);
	enum dump_format want = f;
	if (f == DUMP_ANY)
		f = seen;
	int rc;
	if ((unsigned)f < MMLAB_KINDS || f == DUMP_JEMALLOC) {
		rc = parse_json(name, text, len, want, d, err, errlen);
	} else {
		if (memchr(text, '\0', len) != NULL) {
			rc = fail(err, errlen, "%s: not text (a NUL byte at offset %zu)", name,
				  (size_t)((const char *)memchr(text, '\0', len) - text));
		} else if ((d->runs = new_runs(1, err, errlen)) == NULL) {
			rc = -1;
		} else {
			char why[256];
			d->format = f;
			rc = f == DUMP_GLIBC	  ? dump_native_glibc(text, len, d->runs, why, sizeof why)
			     : f == DUMP_MIMALLOC ? dump_native_mimalloc(text, len, d->runs, why,
									  sizeof why)
						  : dump_native_gperftools(text, len, d->runs, why,
									    sizeof why);
			if (rc != 0) {
				fail(err, errlen, "%s: %s", name, why);
			} else {
				d->nruns = 1;
				dump_unmapped(&d->runs->alloc, d->unmapped, sizeof d->unmapped);
			}
		}
	}
	if (rc != 0) {
		dump_free(d);
		one_line(err);
	}
	return rc;
}

int dump_load(const char *path, enum dump_format f, struct dump *d, char *err, size_t errlen)
{
	memset(d, 0, sizeof *d);
	FILE *in = fopen(path, "rb");
	if (in == NULL) {
		fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
		one_line(err);
		return -1;
	}
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	int rc = 0;
	while (buf != NULL) {
		if (len == cap) {
			if (cap >= DUMP_SIZE_MAX) {
				rc = fail(err, errlen, "%s: larger than %zu MiB, not a stats dump", path,
					  DUMP_SIZE_MAX >> 20);
				break;
			}
			char *more = realloc(buf, cap * 2);
			if (more == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = more;
			cap *= 2;
		}
		size_t got = fread(buf + len, 1, cap - len, in);
		len += got;
		if (got == 0) {
			if (ferror(in))
				rc = fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
			break;
		}
	}
	fclose(in);
	if (buf == NULL)
		rc = fail(err, errlen, "cannot read %s: out of memory", path);
	else if (rc == 0)
		rc = dump_read(path, buf, len, f, d, err, errlen);
	free(buf);
	if (rc != 0)
		one_line(err);
	return rc;
}
