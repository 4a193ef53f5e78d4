/* cmd_show.c — `mmlab show FILE...`: any stats dump as the human table.
 *
 * A file is read by the one dump reader (runtime/stats/dump_read.h).  A
 * run record prints as `mmlab run` prints it (stats_emit); the other
 * parts of an mmlab document (a matrix's table, a repeat's summary, a
 * replay's traces; a sweep's rows as one table) are walked key by key, each value given the unit its
 * key names; a native dump shows the figures it mapped, its own raw
 * figures and what it could not map.  Everything goes through the
 * emitter in table mode.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/stats/dump_read.h"
#include "runtime/stats/emit.h"
#include "cli.h"

static const char usage[] =
	"usage: mmlab show FILE...\n"
	"\n"
	"Print stats dumps as tables: any dump mmlab writes (run, matrix, repeat,\n"
	"replay, sweep, the shims' MMLAB_STATS) or an allocator's own (jemalloc's\n"
	"stats_print JSON, glibc's malloc_info XML, mimalloc's MIMALLOC_SHOW_STATS\n"
	"and gperftools' MALLOCSTATS text; docs/compare.md).  Every file is read\n"
	"before anything is printed.\n"
	"\n"
	"  -h, --help   show this help\n"
	"\n"
	"Exit status: 0 shown, 2 a file that cannot be read or is not a dump (one\n"
	"line naming it), 3 the output could not be written.\n";

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && strcmp(s + n - t, tail) == 0;
}

/* The unit a key names: a results key's own, else by its suffix. */
static enum emit_unit key_unit(const char *key, bool real)
{
	enum stats_field f = stats_find(key);
	if (f != STATS_FIELDS) {
		struct stats_results none;
		memset(&none, 0, sizeof none);
		return stats_value(&none, f).unit;
	}
	if (ends_with(key, "_per_s"))
		return EMIT_RATE;
	if (ends_with(key, "_s"))
		return EMIT_SECONDS;
	if (ends_with(key, "_bytes"))
		return EMIT_BYTES;
	return real ? EMIT_RATIO : EMIT_COUNT;
}

/* A JSON value as the emitter takes it; unit_key names its unit. */
static struct emit_value json_value(const char *unit_key, const json_t *v)
{
	if (json_is_string(v))
		return EMIT_STR(json_string_value(v));
	if (json_is_boolean(v))
		return EMIT_STR(json_is_true(v) ? "true" : "false");
	if (!json_is_number(v))
		return EMIT_NONE(EMIT_TEXT);
	enum emit_unit u = key_unit(unit_key, json_is_real(v));
	bool whole = u == EMIT_COUNT || u == EMIT_BYTES || u == EMIT_HEX;
	if (whole && json_is_integer(v) && json_integer_value(v) >= 0)
		return EMIT_U64(u, (uint64_t)json_integer_value(v));
	if (whole)
		return json_is_integer(v) ? EMIT_I64(json_integer_value(v))
					  : EMIT_F64(EMIT_RATIO, json_real_value(v));
	return EMIT_F64(u, json_number_value(v));
}

/* In a summary row the figures' unit is the row's "figure". */
static const char *unit_key_of(const json_t *row, const char *key)
{
	const json_t *fig = json_object_get(row, "figure");
	if (json_is_string(fig) && (strcmp(key, "median") == 0 || strcmp(key, "min") == 0 ||
				    strcmp(key, "max") == 0))
		return json_string_value(fig);
	return key;
}

enum { SHOW_COLS_MAX = 32 };

/* An array of flat objects as a table: the columns every row's keys. */
static void show_table(struct emitter *e, const char *key, const json_t *rows)
{
	struct emit_column cols[SHOW_COLS_MAX];
	unsigned n = 0;
	size_t i;
	const json_t *row;
	json_array_foreach((json_t *)rows, i, row) {
		const char *k;
		const json_t *v;
		json_object_foreach((json_t *)row, k, v) {
			bool have = false;
			for (unsigned c = 0; c < n; c++)
				have |= strcmp(cols[c].key, k) == 0;
			if (!have && n < SHOW_COLS_MAX)
				cols[n++] = (struct emit_column){ k, k, (int)strlen(k) + 2 };
		}
	}
	struct emit_value cells[SHOW_COLS_MAX];
	json_array_foreach((json_t *)rows, i, row) {
		for (unsigned c = 0; c < n; c++) {
			char buf[256];
			emit_human(buf, sizeof buf,
				   json_value(unit_key_of(row, cols[c].key),
					      json_object_get(row, cols[c].key)));
			int w = (int)strlen(buf) + 2;
			if (w > cols[c].width && w < 200)
				cols[c].width = w;
		}
	}
	for (unsigned c = 0; c < n; c++) {
		const json_t *first = json_object_get(json_array_get(rows, 0), cols[c].key);
		if (json_is_string(first))
			cols[c].width = -cols[c].width;
	}
	emit_table_begin(e, key, cols, n);
	json_array_foreach((json_t *)rows, i, row) {
		for (unsigned c = 0; c < n; c++)
			cells[c] = json_value(unit_key_of(row, cols[c].key),
					      json_object_get(row, cols[c].key));
		emit_table_row(e, cells);
	}
	emit_table_end(e);
}

static bool is_table(const json_t *a)
{
	if (!json_is_array(a) || json_array_size(a) == 0)
		return false;
	size_t i;
	const json_t *row;
	json_array_foreach((json_t *)a, i, row) {
		if (!json_is_object(row))
			return false;
		const char *k;
		const json_t *v;
		json_object_foreach((json_t *)row, k, v)
			if (json_is_object(v) || json_is_array(v))
				return false;
	}
	return true;
}

/* The members of an object, key by key; depth bounds the nesting. */
static void show_members(struct emitter *e, const json_t *obj, int depth)
{
	const char *k;
	const json_t *v;
	bool first = true;
	json_object_foreach((json_t *)obj, k, v) {
		if (depth == 0 && (strcmp(k, "schema") == 0 || strcmp(k, "schema_version") == 0 ||
				   strcmp(k, "runs") == 0 || strcmp(k, "rows") == 0))
			continue;
		if (json_is_object(v) && depth < EMIT_DEPTH_MAX - 3) {
			emit_object_begin(e, k, k);
			show_members(e, v, depth + 1);
			emit_object_end(e);
		} else if (is_table(v)) {
			if (!first)
				emit_break(e);
			show_table(e, k, v);
			emit_break(e);
		} else if (json_is_array(v)) {
			char what[48];
			snprintf(what, sizeof what, "%zu values", json_array_size(v));
			emit_kv(e, k, k, EMIT_STR(what));
		} else {
			emit_kv(e, k, k, json_value(k, v));
		}
		first = false;
	}
}

static void show_native(struct emitter *e, const struct dump *d)
{
	const struct alloc_stats *a = &d->runs[0].alloc;
	emit_object_begin(e, "allocator", "allocator figures, as mmlab names them");
	for (unsigned f = 0; f < ALLOC_FIGURE_COUNT; f++)
		emit_kv(e, alloc_figure_key((enum alloc_figure)f),
			alloc_figure_label((enum alloc_figure)f),
			(a->known & (1u << f)) ? EMIT_U64(EMIT_BYTES, alloc_figure(a, (enum alloc_figure)f))
					       : EMIT_NONE(EMIT_BYTES));
	emit_object_end(e);
	emit_object_begin(e, "raw", "the dump's own figures");
	for (unsigned i = 0; i < a->nraw; i++)
		emit_kv(e, a->raw[i].key, a->raw[i].key,
			EMIT_U64(EMIT_COUNT, a->raw[i].value));
	emit_object_end(e);
	emit_kv(e, "unmapped", "not in this format",
		d->unmapped[0] ? EMIT_STR(d->unmapped) : EMIT_STR("(every figure mapped)"));
}

/* A sweep's rows, one line per multiple (the gc records are not repeated). */
static void show_sweep(struct emitter *e, const struct dump *d)
{
	static const struct emit_column cols[] = {
		{ "multiple", "multiple", 8 },
		{ "heap_limit_bytes", "heap limit", 12 },
		{ "relative_time", "time/ref", 9 },
		{ "relative_rss", "RSS/ref", 8 },
		{ "relative_footprint", "footprint/ref", 13 },
		{ "status", "result", -20 },
	};
	emit_break(e);
	emit_table_begin(e, "rows", cols, sizeof cols / sizeof cols[0]);
	for (unsigned i = 0; i < d->nsweep; i++) {
		const struct dump_sweep_row *w = &d->sweep[i];
		double rel[3] = { w->relative_time, w->relative_rss, w->relative_footprint };
		struct emit_value cells[6] = { EMIT_F64(EMIT_RATIO, w->multiple),
					       EMIT_U64(EMIT_BYTES, w->heap_limit_bytes) };
		for (unsigned k = 0; k < 3; k++)
			cells[2 + k] = isnan(rel[k]) ? EMIT_NONE(EMIT_RATIO)
						     : EMIT_F64(EMIT_RATIO, rel[k]);
		cells[5] = EMIT_STR(w->status);
		emit_table_row(e, cells);
	}
	emit_table_end(e);
}

static void show_one(const char *path, const struct dump *d)
{
	printf("%s: %s, %s", path, dump_format_name(d->format), dump_format_what(d->format));
	if (d->version)
		printf(", schema version %u", d->version);
	printf("\n\n");
	struct emitter e;
	emit_init_file(&e, EMIT_TABLE, stdout);
	if (d->format == DUMP_STATS) {
		stats_emit(&e, &d->runs[0]);
		return;
	}
	emit_begin(&e);
	if (d->doc != NULL)
		show_members(&e, d->doc, 0);
	else
		show_native(&e, d);
	if (d->format == DUMP_SWEEP)
		show_sweep(&e, d);
	if (d->format == DUMP_MATRIX || d->format == DUMP_REPEAT) {
		for (unsigned i = 0; i < d->nruns; i++) {
			char label[64];
			snprintf(label, sizeof label, "run %u", i + 1);
			emit_break(&e);
			emit_object_begin(&e, "run", label);
			stats_emit_members(&e, &d->runs[i]);
			emit_object_end(&e);
		}
	}
	emit_end(&e);
}

int cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		return cli_bad_option("show", optopt, argv[optind - 1]);
	}
	if (optind >= argc) {
		cli_error("show: no FILE to show (see mmlab show --help)");
		return EXIT_USAGE;
	}
	unsigned n = (unsigned)(argc - optind);
	struct dump *d = calloc(n, sizeof *d);
	if (d == NULL) {
		cli_error("out of memory");
		return EXIT_RUN;
	}
	int rc = EXIT_OK;
	for (unsigned i = 0; i < n && rc == EXIT_OK; i++) {
		char err[512];
		if (dump_load(argv[optind + (int)i], DUMP_ANY, &d[i], err, sizeof err) != 0) {
			cli_error("%s", err);
			rc = EXIT_USAGE;
		}
	}
	for (unsigned i = 0; i < n && rc == EXIT_OK; i++) {
		if (i > 0)
			putchar('\n');
		show_one(argv[optind + (int)i], &d[i]);
	}
	for (unsigned i = 0; i < n; i++)
		dump_free(&d[i]);
	free(d);
	return rc;
}
