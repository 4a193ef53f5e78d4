/* cmd_matrix.c — `mmlab matrix`: every model on one workload, one table.
 *
 * Each model runs in its own child process (see child.c); the table and
 * the JSON list come from the same emitter calls.  The checksums must
 * agree across models: that is the project's central invariant, and a
 * mismatch exits 1.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: mmlab matrix [options]\n"
	"\n"
	"Run one workload under every memory model, each in a fresh process, and\n"
	"print one table: wall time, throughput, pauses, peak RSS, peak live bytes\n"
	"and leaked bytes per model.  Checks that every model saw the same checksum.\n"
	"\n"
	"  -w, --workload NAME   workload to run (default binary-trees; see mmlab list)\n"
	"  -a, --allocator NAME  allocator under manual, rc and own (default glibc);\n"
	"                        gc always allocates from Boehm's heap (bdwgc)\n"
	"  -p, --param KEY=VALUE set a workload parameter; repeatable (ranges: mmlab list)\n"
	"      --models LIST     comma-separated models (default: every model, as\n"
	"                        mmlab list shows them)\n"
	"      --seed N          seed for workloads that draw random numbers, 0 to\n"
	"                        2^64-1 (default 1)\n"
	"      --json FILE       also write every run's full stats as JSON to FILE; with\n"
	"                        '-', write only the JSON, to stdout\n"
	"      --mem-limit SIZE  address-space limit per run: 0 for none, else 16M to\n"
	"                        2^64-1 bytes, e.g. 4G (default: physical memory)\n"
	"      --timeout SECS    stop a run still going after SECS seconds, 1 to 86400;\n"
	"                        its row says so (default: no limit)\n"
	"      --heap-limit SIZE cap each model's heap (see mmlab run --help); a model\n"
	"                        that reaches it keeps its row, with the error\n"
	"  -h, --help            show this help\n"
	"\n"
	"A run that fails (out of memory, a crash, a time-out) keeps its row, with\n"
	"the error, in the table and in the JSON.  Options may be given once each\n"
	"(but -p).\n"
	"\n"
	"Exit status: 0 ok, 1 checksums differ, 2 bad input (a --json FILE that\n"
	"cannot be written is refused before any run), 3 a run failed or the output\n"
	"could not be written (a full disk).\n";

enum { OPT_MODELS = OPT_FIRST_LOCAL };

static int parse_models(const char *text, bool *want)
{
	char *buf = strdup(text);
	if (buf == NULL) {
		cli_error("out of memory");
		return -1;
	}
	memset(want, 0, sizeof(bool) * MM_MODEL_COUNT);
	int count = 0;
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		enum mm_model m = mm_model_find(tok);
		if (m == MM_MODEL_COUNT) {
			char known[256];
			cli_known_models(known, sizeof known);
			cli_error("unknown model '%s' in --models (known: %s)", tok, known);
			free(buf);
			return -1;
		}
		count += !want[m];
		want[m] = true;
	}
	free(buf);
	if (count == 0) {
		cli_error("--models names no model");
		return -1;
	}
	return 0;
}

/* The widest of a column's label and texts, as a left-aligned width. */
static int text_width(const char *label, const char *const *texts, unsigned n)
{
	size_t w = strlen(label);
	for (unsigned i = 0; i < n; i++)
		if (texts[i] != NULL && strlen(texts[i]) > w)
			w = strlen(texts[i]);
	return -(int)(w < 200 ? w : 200);
}

/* One row per model asked for: its figures, or its error when it failed. */
static void emit_runs(struct emitter *e, const struct stats *runs, const bool *ok,
		      char (*why)[256], const bool *want, char *const *alloc_text,
		      const char *unit)
{
	char rate[64];
	snprintf(rate, sizeof rate, "%s/s", unit);
	const char *models[MM_MODEL_COUNT], *allocs[MM_MODEL_COUNT];
	bool failed = false;
	for (unsigned m = 0; m < MM_MODEL_COUNT; m++) {
		models[m] = want[m] ? mm_model_name((enum mm_model)m) : NULL;
		allocs[m] = !want[m] ? NULL : alloc_text[m] ? alloc_text[m] : runs[m].config.allocator;
		failed |= want[m] && !ok[m];
	}
	/* the figures that compare across models lead: a collection and a
	 * drop cascade are different things, so their counts stand apart,
	 * named; docs/metrics.md defines every column */
	const struct emit_column cols[] = {
		{ "model", "model", text_width("model", models, MM_MODEL_COUNT) },
		{ "allocator", "allocator", text_width("allocator", allocs, MM_MODEL_COUNT) },
		{ stats_key(STATS_F_wall_s), "wall", 11 },
		{ stats_key(STATS_F_ops_per_s), rate, 12 },
		{ stats_key(STATS_F_pause_p99_s), "p99 pause", 11 },
		{ stats_key(STATS_F_pause_max_s), "max pause", 11 },
		{ stats_key(STATS_F_mmu_10ms), "MMU 10ms", 8 },
		{ stats_key(STATS_F_pause_count), "pauses", 8 },
		{ "pause_class", "of", -13 },
		{ stats_key(STATS_F_peak_rss_bytes), "peak RSS", 10 },
		{ stats_key(STATS_F_peak_live_bytes), "peak live", 10 },
		{ stats_key(STATS_F_leaked_bytes), "leaked", 8 },
		{ "error", "error", -5 },
	};
	static const enum stats_field from[] = {
		STATS_F_wall_s,	       STATS_F_ops_per_s, STATS_F_pause_p99_s,
		STATS_F_pause_max_s,   STATS_F_mmu_10ms,  STATS_F_pause_count,
	};
	static const enum stats_field after[] = {
		STATS_F_peak_rss_bytes,
		STATS_F_peak_live_bytes,
		STATS_F_leaked_bytes,
	};
	enum {
		NCOLS = sizeof cols / sizeof cols[0],
		NFROM = sizeof from / sizeof from[0],
		NAFTER = sizeof after / sizeof after[0],
	};
	_Static_assert(2 + NFROM + 1 + NAFTER + 1 == NCOLS, "a value for every column");
	/* the error column only when a run failed: a clean table stays as it was */
	emit_table_begin(e, "table", cols, failed ? NCOLS : NCOLS - 1);
	for (unsigned m = 0; m < MM_MODEL_COUNT; m++) {
		if (!want[m])
			continue;
		const struct stats_results *r = &runs[m].results;
		struct emit_value cells[NCOLS];
		size_t c = 0;
		cells[c++] = EMIT_STR(models[m]);
		cells[c++] = EMIT_STR(allocs[m]);
		for (size_t i = 0; i < NFROM; i++)
			cells[c++] = ok[m] ? stats_value(r, from[i])
					   : EMIT_NONE(stats_value(r, from[i]).unit);
		const char *class = probe_class_name(
			probe_pause_class(mm_model_get((enum mm_model)m)->pause));
		cells[c++] = ok[m] && stats_known(r, STATS_F_pause_count) ? EMIT_STR(class)
								       : EMIT_NONE(EMIT_TEXT);
		for (size_t i = 0; i < NAFTER; i++)
			cells[c++] = ok[m] ? stats_value(r, after[i])
					   : EMIT_NONE(stats_value(r, after[i]).unit);
		cells[c++] = ok[m] ? EMIT_NONE(EMIT_TEXT) : EMIT_STR(why[m]);
		emit_table_row(e, cells);
	}
	emit_table_end(e);
}

/* What the JSON document is made of. */
struct matrix_doc {
	const struct stats *runs;
	const bool *ok;
	char (*why)[256];
	const bool *want;
	char *const *alloc_text;
	const char *unit;
};

static void matrix_doc(struct emitter *e, const void *arg)
{
	const struct matrix_doc *d = arg;
	emit_begin(e);
	emit_schema(e, "mmlab-matrix", STATS_SCHEMA_VERSION);
	emit_runs(e, d->runs, d->ok, d->why, d->want, d->alloc_text, d->unit);
	cli_emit_runs(e, d->runs, d->ok, MM_MODEL_COUNT);
	emit_end(e);
}

int cmd_matrix(int argc, char **argv)
{
	static const struct option longopts[] = {
		SPEC_LONGOPTS,
		{ "models", required_argument, 0, OPT_MODELS },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct run_spec spec;
	struct cli_seen seen = { .n = 0 };
	spec_init(&spec);
	bool want[MM_MODEL_COUNT];
	for (unsigned m = 0; m < MM_MODEL_COUNT; m++)
		want[m] = true;
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, SPEC_SHORTOPTS "h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		if (opt != 'p' && opt != 'm' && opt != '?' && cli_once(&seen, longopts, opt) != EXIT_OK)
			return EXIT_USAGE;
		if (opt == 'm') {
			cli_error("matrix runs every model; choose some with --models, not -m");
			return EXIT_USAGE;
		}
		if (opt == OPT_MODELS) {
			if (parse_models(optarg, want) != 0)
				return EXIT_USAGE;
			continue;
		}
		int r = spec_option(&spec, opt, optarg);
		if (r == EXIT_USAGE)
			return r;
		if (r == 0)
			return cli_bad_option("matrix", optopt, argv[optind - 1]);
	}
	if (optind < argc) {
		cli_error("matrix: unexpected argument '%s' (see mmlab matrix --help)", argv[optind]);
		return EXIT_USAGE;
	}
	if (spec_finish(&spec) != EXIT_OK)
		return EXIT_USAGE;
	for (unsigned m = 0; m < MM_MODEL_COUNT; m++)
		if (want[m] && mm_model_get((enum mm_model)m)->takes_allocator &&
		    spec_check(&spec, (enum mm_model)m) != EXIT_OK)
			return EXIT_USAGE;

	/* --json FILE is checked before the runs, not after them; with "-"
	 * stdout holds the JSON alone */
	struct cli_out out = { 0 };
	if (spec.json_path && cli_out_open(&out, spec.json_path) != EXIT_OK)
		return EXIT_USAGE;
	bool json_only = spec.json_path && strcmp(spec.json_path, "-") == 0;

	/* on the heap: a static would be data Boehm scans as roots in every
	 * gc run of this binary, and counts in when to collect */
	struct stats *runs = calloc(MM_MODEL_COUNT, sizeof *runs);
	if (runs == NULL) {
		cli_error("out of memory for the runs' stats");
		cli_out_discard(&out);
		return EXIT_RUN;
	}
	bool ok[MM_MODEL_COUNT] = { 0 };
	char why[MM_MODEL_COUNT][256];
	int rc = EXIT_OK;

	if (!json_only) {
		runs_header(&spec, "each model in a fresh process");
		/* stdout cannot be written: say so now, not after the runs */
		if (cli_stdout_flush() != 0) {
			cli_out_discard(&out);
			free(runs);
			return EXIT_RUN;
		}
	}

	unsigned nwant = 0, done = 0;
	for (unsigned m = 0; m < MM_MODEL_COUNT; m++)
		nwant += want[m];
	struct cli_progress prog;
	cli_progress_start(&prog, nwant);
	for (unsigned m = 0; m < MM_MODEL_COUNT; m++) {
		if (!want[m])
			continue;
		char what[160];
		snprintf(what, sizeof what, "%s on %s", mm_model_name((enum mm_model)m),
			 spec_alloc_name(&spec, (enum mm_model)m));
		cli_progress_step(&prog, done++, what);
		int r = child_run(&spec, (enum mm_model)m, &runs[m], why[m], sizeof why[m]);
		if (r == EXIT_OK)
			ok[m] = true;
		else if (rc == EXIT_OK || r == EXIT_USAGE)
			rc = r;
		/* the row of a run that failed still names what ran */
		if (r != EXIT_OK)
			spec_config(&spec, (enum mm_model)m, &runs[m].config);
	}
	cli_progress_end(&prog);
	/* the allocator column in full: a record's config keeps a bounded copy */
	char *alloc_text[MM_MODEL_COUNT] = { 0 };
	for (unsigned m = 0; m < MM_MODEL_COUNT; m++) {
		const char *name = spec_alloc_name(&spec, (enum mm_model)m);
		bool opts = *spec.alloc_options && strcmp(name, spec.alloc->name) == 0;
		if (want[m])
			alloc_text[m] = cli_aprintf("%s%s%s", name, opts ? ":" : "",
						    opts ? spec.alloc_options : "");
	}

	if (!json_only) {
		struct emitter e;
		emit_init_file(&e, EMIT_TABLE, stdout);
		emit_begin(&e);
		emit_runs(&e, runs, ok, why, want, alloc_text, spec.meta->ops_unit);
		emit_end(&e);
		printf("\npauses: a collection stops the mutator to trace the heap, a drop cascade "
		       "frees what one drop\nowned; compare them by p99, max and MMU "
		       "(definitions: docs/metrics.md)\n");
	}

	bool same;
	int first = runs_checksums(runs, ok, MM_MODEL_COUNT, &same);
	if (json_only) {
		if (first >= 0 && !same)
			cli_error("checksums differ between models: a model changed what the workload saw");
		if (first >= 0 && !same && rc == EXIT_OK)
			rc = EXIT_CHECK;
	} else if (first >= 0 && same) {
		printf("\nchecksum 0x%016" PRIx64 ", the same under every model that ran\n",
		       runs[first].results.checksum);
	} else if (first >= 0) {
		printf("\nchecksums differ:");
		for (unsigned m = 0; m < MM_MODEL_COUNT; m++)
			if (ok[m])
				printf(" %s 0x%016" PRIx64, mm_model_name((enum mm_model)m),
				       runs[m].results.checksum);
		printf("\n");
		cli_error("checksums differ between models: a model changed what the workload saw");
		if (rc == EXIT_OK)
			rc = EXIT_CHECK;
	}
	cli_stdout_flush();
	if (spec.json_path) {
		struct matrix_doc doc = { runs, ok, why, want, alloc_text, spec.meta->ops_unit };
		int w = cli_out_json(&out, matrix_doc, &doc);
		if (rc == EXIT_OK)
			rc = w;
	}
	for (unsigned m = 0; m < MM_MODEL_COUNT; m++)
		free(alloc_text[m]);
	free(runs);
	return rc;
}
