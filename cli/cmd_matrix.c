/* cmd_matrix.c — `mmlab matrix`: models x allocators x workloads, one table.
 *
 * Each run is its own child process (see child.c); the table and the JSON
 * list come from the same emitter calls.  The checksums must agree across
 * models and allocators within each workload: that is the project's
 * central invariant, and a mismatch exits 1.  A model that brings its own
 * heap (gc) runs once per workload, whatever the allocators.
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
	"Run workloads under every memory model and allocator asked for, each run in\n"
	"a fresh process, and print one table: wall time, throughput, pauses, peak\n"
	"RSS, peak live bytes and leaked bytes per run.  Checks that every run of a\n"
	"workload saw the same checksum.\n"
	"\n"
	"  -w, --workload LIST   comma-separated workloads (default binary-trees; see\n"
	"                        mmlab list); with more than one, the table gains a\n"
	"                        workload column\n"
	"  -a, --allocator LIST  comma-separated allocators under manual, rc and own\n"
	"                        (default glibc), each NAME or NAME:OPTIONS; gc always\n"
	"                        allocates from Boehm's heap (bdwgc) and runs once per\n"
	"                        workload; jemalloc, mimalloc and tcmalloc are preloaded\n"
	"  -p, --param KEY=VALUE set a parameter of every listed workload that has KEY;\n"
	"                        repeatable (ranges: mmlab list); a KEY no listed\n"
	"                        workload has is refused\n"
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
	"A list names each item once, none empty.  A run that fails (out of memory, a\n"
	"crash, a time-out) keeps its row, with the error, in the table and in the\n"
	"JSON.  Options may be given once each (but -p).\n"
	"\n"
	"Exit status: 0 ok, 1 checksums differ, 2 bad input (a --json FILE that\n"
	"cannot be written is refused before any run), 3 a run failed or the output\n"
	"could not be written (a full disk).\n";

enum { OPT_MODELS = OPT_FIRST_LOCAL, LIST_MAX = 16 };

/* Split text (a copy the items point into) at its commas.  With
 * alloc_opts, a comma inside NAME:OPTIONS stays in the options unless what
 * follows it names an allocator.  -1 after one line on an empty item. */
static int split_list(const char *what, const char *orig, char *text, bool alloc_opts,
		      char **items, unsigned *n)
{
	*n = 0;
	for (char *p = text;;) {
		char *comma = strchr(p, ',');
		if (comma != NULL)
			*comma = '\0';
		bool joined = false;
		if (alloc_opts && *n > 0 && strchr(items[*n - 1], ':') != NULL && *p != '\0') {
			char *name = strndup(p, strcspn(p, ":"));
			joined = name != NULL && alloc_find(name) == NULL;
			free(name);
		}
		if (joined) {
			p[-1] = ','; /* the comma belongs to the options before it */
		} else if (*p == '\0') {
			cli_error("%s: an empty item in the list '%s'", what, orig);
			return -1;
		} else if (*n == LIST_MAX) {
			cli_error("%s: more than %d items in '%s'", what, LIST_MAX, orig);
			return -1;
		} else {
			items[(*n)++] = p;
		}
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static int parse_models(const char *text, bool *want)
{
	char *buf = strdup(text), *items[LIST_MAX];
	unsigned n;
	if (buf == NULL) {
		cli_error("out of memory");
		return -1;
	}
	memset(want, 0, sizeof(bool) * MM_MODEL_COUNT);
	int rc = split_list("--models", text, buf, false, items, &n);
	for (unsigned i = 0; i < n && rc == 0; i++) {
		enum mm_model m = mm_model_find(items[i]);
		if (m == MM_MODEL_COUNT) {
			char known[256];
			cli_known_models(known, sizeof known);
			cli_error("unknown model '%s' in --models (known: %s)", items[i], known);
			rc = -1;
		} else if (want[m]) {
			cli_error("--models names %s twice", items[i]);
			rc = -1;
		}
		if (rc == 0)
			want[m] = true;
	}
	free(buf);
	return rc;
}

/* One run of the grid: which workload (its index), under what spec. */
struct row {
	unsigned wl;
	const struct run_spec *spec;
	enum mm_model model;
};

/* The grid's rows and what their runs left. */
struct grid {
	struct row *rows;
	unsigned n;
	struct stats *runs;
	bool *ok;
	char (*why)[256];
	char **alloc_text; /* the allocator column in full */
	const char **wl_text, **model_text; /* the other columns' texts */
	bool workloads;    /* more than one: the table shows the column */
	bool allocators;   /* more than one allocator listed */
	const char *unit;  /* the runs' unit, or "ops" when they differ */
};

/* The widest of a column's label and texts, as a left-aligned width. */
static int text_width(const char *label, const char *const *texts, unsigned n)
{
	size_t w = strlen(label);
	for (unsigned i = 0; i < n; i++)
		if (texts[i] != NULL && strlen(texts[i]) > w)
			w = strlen(texts[i]);
	return -(int)(w < 200 ? w : 200);
}

/* One row per run: its figures, or its error when it failed.  The
 * workload column when the table spans workloads, and always in JSON. */
static void emit_runs(struct emitter *e, const struct grid *g, bool workload_col)
{
	char rate[64];
	snprintf(rate, sizeof rate, "%s/s", g->unit);
	bool failed = false;
	for (unsigned i = 0; i < g->n; i++)
		failed |= !g->ok[i];
	/* the figures that compare across models lead: a collection and a
	 * drop cascade are different things, so their counts stand apart,
	 * named; docs/metrics.md defines every column */
	const struct emit_column cols[] = {
		{ "workload", "workload", text_width("workload", g->wl_text, g->n) },
		{ "model", "model", text_width("model", g->model_text, g->n) },
		{ "allocator", "allocator",
		  text_width("allocator", (const char *const *)g->alloc_text, g->n) },
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
	_Static_assert(3 + NFROM + 1 + NAFTER + 1 == NCOLS, "a value for every column");
	/* the error column only when a run failed: a clean table stays as it was */
	size_t skip = workload_col ? 0 : 1;
	emit_table_begin(e, "table", cols + skip, (failed ? NCOLS : NCOLS - 1) - skip);
	for (unsigned i = 0; i < g->n; i++) {
		const struct stats_results *r = &g->runs[i].results;
		bool ok = g->ok[i];
		struct emit_value cells[NCOLS];
		size_t c = 0;
		if (workload_col)
			cells[c++] = EMIT_STR(g->wl_text[i]);
		cells[c++] = EMIT_STR(g->model_text[i]);
		cells[c++] = EMIT_STR(g->alloc_text[i]);
		for (size_t k = 0; k < NFROM; k++)
			cells[c++] = ok ? stats_value(r, from[k]) : EMIT_NONE(stats_value(r, from[k]).unit);
		const char *class =
			probe_class_name(probe_pause_class(mm_model_get(g->rows[i].model)->pause));
		cells[c++] = ok && stats_known(r, STATS_F_pause_count) ? EMIT_STR(class)
								       : EMIT_NONE(EMIT_TEXT);
		for (size_t k = 0; k < NAFTER; k++)
			cells[c++] = ok ? stats_value(r, after[k])
					: EMIT_NONE(stats_value(r, after[k]).unit);
		cells[c++] = ok ? EMIT_NONE(EMIT_TEXT) : EMIT_STR(g->why[i]);
		emit_table_row(e, cells);
	}
	emit_table_end(e);
}

static void matrix_doc(struct emitter *e, const void *arg)
{
	const struct grid *g = arg;
	emit_begin(e);
	emit_schema(e, "mmlab-matrix", STATS_SCHEMA_VERSION);
	emit_runs(e, g, true);
	cli_emit_runs(e, g->runs, g->ok, g->n);
	emit_end(e);
}

/* Whether the workload has the parameter KEY of "KEY=VALUE". */
static bool param_in(const struct wl_impl *meta, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *key = strndup(arg, eq ? (size_t)(eq - arg) : strlen(arg));
	bool has = key != NULL && wl_param_find(meta, key) != NULL;
	free(key);
	return has;
}

/* One spec per workload x allocator, from the options (base) and the
 * lists; false after one line on bad input. */
static bool build_specs(const struct run_spec *base, char **wls, unsigned nw, char **allocs,
			unsigned na, struct run_spec *specs)
{
	/* -p KEY=VALUE goes to every workload with KEY; one no workload has
	 * is an error (with one workload, that workload's own message) */
	for (unsigned p = 0; p < base->nparam_args && nw > 1; p++) {
		const char *arg = base->param_args[p];
		bool somewhere = strchr(arg, '=') == NULL || arg[0] == '=';
		for (unsigned w = 0; w < nw && !somewhere; w++) {
			struct run_spec t = *base;
			if (spec_option(&t, 'w', wls[w]) != 1)
				return false;
			somewhere = param_in(t.meta, arg);
		}
		if (!somewhere) {
			cli_error("-p %s: no listed workload has parameter '%.*s' (see mmlab list)",
				  arg, (int)strcspn(arg, "="), arg);
			return false;
		}
	}
	for (unsigned w = 0; w < nw; w++) {
		struct run_spec t = *base;
		if (wls != NULL && spec_option(&t, 'w', wls[w]) != 1)
			return false;
		for (unsigned w2 = 0; w2 < w; w2++)
			if (specs[w2 * na].wl == t.wl) {
				cli_error("-w names %s twice", t.meta->name);
				return false;
			}
		t.nparam_args = 0;
		for (unsigned p = 0; p < base->nparam_args; p++) {
			const char *arg = base->param_args[p];
			if (nw == 1 || strchr(arg, '=') == NULL || arg[0] == '=' || param_in(t.meta, arg))
				t.param_args[t.nparam_args++] = arg;
		}
		if (spec_finish(&t) != EXIT_OK)
			return false;
		for (unsigned a = 0; a < na; a++) {
			specs[w * na + a] = t;
			if (allocs != NULL && spec_option(&specs[w * na + a], 'a', allocs[a]) != 1)
				return false;
		}
	}
	for (unsigned a = 0; a < na; a++)
		for (unsigned a2 = 0; a2 < a; a2++)
			if (specs[a].alloc == specs[a2].alloc &&
			    strcmp(specs[a].alloc_options, specs[a2].alloc_options) == 0) {
				cli_error("-a names %s twice", allocs[a]);
				return false;
			}
	return true;
}

/* The runs' heading: each workload with its parameters, then the seed. */
static void grid_header(const struct run_spec *specs, unsigned nw, unsigned na)
{
	if (nw == 1) {
		runs_header(&specs[0], na > 1 ? "each run in a fresh process"
					      : "each model in a fresh process");
		return;
	}
	for (unsigned w = 0; w < nw; w++) {
		runs_workload(&specs[w * na]);
		printf("\n");
	}
	printf("seed %" PRIu64 ", each run in a fresh process\n\n", specs[0].seed);
}

/* The checksum check, one workload at a time: rows [from, to) are its. */
static int check_workload(const struct grid *g, unsigned from, unsigned to, bool print)
{
	bool same;
	int first = runs_checksums(g->runs + from, g->ok + from, to - from, &same);
	if (first < 0)
		return EXIT_OK;
	const struct run_spec *s = g->rows[from].spec;
	const char *every = g->allocators ? "every model and allocator" : "every model";
	char where[96] = "";
	if (g->workloads)
		snprintf(where, sizeof where, "%s: ", s->meta->name);
	if (same) {
		if (print)
			printf("%schecksum 0x%016" PRIx64 ", the same under %s that ran\n", where,
			       g->runs[from + (unsigned)first].results.checksum, every);
		return EXIT_OK;
	}
	if (print) {
		printf("%schecksums differ:", where);
		for (unsigned i = from; i < to; i++)
			if (g->ok[i])
				printf(" %s%s%s 0x%016" PRIx64, mm_model_name(g->rows[i].model),
				       g->allocators ? "/" : "", g->allocators ? g->alloc_text[i] : "",
				       g->runs[i].results.checksum);
		printf("\n");
	}
	if (g->workloads)
		cli_error("checksums of %s differ between runs: a model or allocator changed "
			  "what the workload saw",
			  s->meta->name);
	else
		cli_error("checksums differ between models: a model changed what the workload saw");
	return EXIT_CHECK;
}

/* Run every row, fill the table and the JSON; the command's status. */
static int run_grid(struct grid *g, const struct run_spec *specs, unsigned nw, unsigned na,
		    struct cli_out *out, bool json_only, const char *json_path)
{
	int rc = EXIT_OK;
	if (!json_only) {
		grid_header(specs, nw, na);
		/* stdout cannot be written: say so now, not after the runs */
		if (cli_stdout_flush() != 0) {
			cli_out_discard(out);
			return EXIT_RUN;
		}
	}
	struct cli_progress prog;
	cli_progress_start(&prog, g->n);
	for (unsigned i = 0; i < g->n; i++) {
		const struct row *r = &g->rows[i];
		char what[200];
		snprintf(what, sizeof what, "%s%s%s on %s", g->workloads ? r->spec->meta->name : "",
			 g->workloads ? ": " : "", mm_model_name(r->model), g->alloc_text[i]);
		cli_progress_step(&prog, i, what);
		int c = child_run(r->spec, r->model, &g->runs[i], g->why[i], sizeof g->why[i]);
		if (c == EXIT_OK)
			g->ok[i] = true;
		else if (rc == EXIT_OK || c == EXIT_USAGE)
			rc = c;
		/* the row of a run that failed still names what ran */
		if (c != EXIT_OK)
			spec_config(r->spec, r->model, &g->runs[i].config);
	}
	cli_progress_end(&prog);

	if (!json_only) {
		struct emitter e;
		emit_init_file(&e, EMIT_TABLE, stdout);
		emit_begin(&e);
		emit_runs(&e, g, g->workloads);
		emit_end(&e);
		printf("\npauses: a collection stops the mutator to trace the heap, a drop cascade "
		       "frees what one drop\nowned; compare them by p99, max and MMU "
		       "(definitions: docs/metrics.md)\n");
		printf("\n");
	}
	for (unsigned from = 0; from < g->n;) {
		unsigned to = from;
		while (to < g->n && g->rows[to].wl == g->rows[from].wl)
			to++;
		int c = check_workload(g, from, to, !json_only);
		if (c != EXIT_OK && rc == EXIT_OK)
			rc = c;
		from = to;
	}
	cli_stdout_flush();
	if (json_path) {
		int w = cli_out_json(out, matrix_doc, g);
		if (rc == EXIT_OK)
			rc = w;
	}
	return rc;
}

/* Copy a list option's text and split it; -1 after one line. */
static int take_list(const char *what, const char *text, bool alloc_opts, char **buf,
		     char **items, unsigned *n)
{
	free(*buf);
	*buf = strdup(text);
	if (*buf == NULL) {
		cli_error("out of memory");
		return -1;
	}
	return split_list(what, text, *buf, alloc_opts, items, n);
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
	char *wbuf = NULL, *abuf = NULL, *wls[LIST_MAX], *allocs[LIST_MAX];
	unsigned nw = 0, na = 0;
	int rc = EXIT_USAGE;
	struct run_spec *specs = NULL;
	struct grid g = { 0 };
	struct cli_out out = { 0 };
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, SPEC_SHORTOPTS "h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage, stdout);
			rc = EXIT_OK;
			goto done;
		}
		if (opt != 'p' && opt != 'm' && opt != '?' && cli_once(&seen, longopts, opt) != EXIT_OK)
			goto done;
		if (opt == 'm') {
			cli_error("matrix runs every model; choose some with --models, not -m");
			goto done;
		}
		if (opt == OPT_MODELS) {
			if (parse_models(optarg, want) != 0)
				goto done;
			continue;
		}
		if (opt == 'w' || opt == 'a') {
			bool w = opt == 'w';
			if (take_list(w ? "-w" : "-a", optarg, !w, w ? &wbuf : &abuf, w ? wls : allocs,
				      w ? &nw : &na) != 0)
				goto done;
			/* each name checked now, with run's message */
			struct run_spec t = spec;
			for (unsigned i = 0; i < (w ? nw : na); i++)
				if (spec_option(&t, opt, w ? wls[i] : allocs[i]) != 1)
					goto done;
			continue;
		}
		int r = spec_option(&spec, opt, optarg);
		if (r == EXIT_USAGE)
			goto done;
		if (r == 0) {
			cli_bad_option("matrix", optopt, argv[optind - 1]);
			goto done;
		}
	}
	if (optind < argc) {
		cli_error("matrix: unexpected argument '%s' (see mmlab matrix --help)", argv[optind]);
		goto done;
	}
	unsigned nwl = nw ? nw : 1, nal = na ? na : 1;
	specs = calloc((size_t)nwl * nal, sizeof *specs);
	if (specs == NULL) {
		cli_error("out of memory");
		goto done;
	}
	if (!build_specs(&spec, nw ? wls : NULL, nwl, na ? allocs : NULL, nal, specs))
		goto done;
	for (unsigned a = 0; a < nal; a++)
		for (unsigned m = 0; m < MM_MODEL_COUNT; m++)
			if (want[m] && mm_model_get((enum mm_model)m)->takes_allocator &&
			    spec_check(&specs[a], (enum mm_model)m) != EXIT_OK)
				goto done;

	/* the rows: per workload, each model, on each allocator if it takes one */
	size_t cap = (size_t)nwl * nal * MM_MODEL_COUNT;
	g.rows = calloc(cap, sizeof *g.rows);
	/* on the heap: a static would be data Boehm scans as roots in every
	 * gc run of this binary, and counts in when to collect */
	g.runs = calloc(cap, sizeof *g.runs);
	g.ok = calloc(cap, sizeof *g.ok);
	g.why = calloc(cap, sizeof *g.why);
	g.alloc_text = calloc(cap, sizeof *g.alloc_text);
	g.wl_text = calloc(cap, sizeof *g.wl_text);
	g.model_text = calloc(cap, sizeof *g.model_text);
	if (!g.rows || !g.runs || !g.ok || !g.why || !g.alloc_text || !g.wl_text ||
	    !g.model_text) {
		cli_error("out of memory for the runs' stats");
		rc = EXIT_RUN;
		goto done;
	}
	g.workloads = nwl > 1;
	g.allocators = nal > 1;
	g.unit = specs[0].meta->ops_unit;
	for (unsigned w = 0; w < nwl; w++) {
		if (strcmp(specs[w * nal].meta->ops_unit, g.unit) != 0)
			g.unit = "ops";
		for (unsigned m = 0; m < MM_MODEL_COUNT; m++) {
			if (!want[m])
				continue;
			bool takes = mm_model_get((enum mm_model)m)->takes_allocator;
			for (unsigned a = 0; a < (takes ? nal : 1); a++) {
				const struct run_spec *s = &specs[w * nal + a];
				const char *name = spec_alloc_name(s, (enum mm_model)m);
				bool opts = *s->alloc_options && strcmp(name, s->alloc->name) == 0;
				g.rows[g.n] = (struct row){ w, s, (enum mm_model)m };
				g.wl_text[g.n] = s->meta->name;
				g.model_text[g.n] = mm_model_name((enum mm_model)m);
				g.alloc_text[g.n] = cli_aprintf("%s%s%s", name, opts ? ":" : "",
								opts ? s->alloc_options : "");
				if (g.alloc_text[g.n++] == NULL) {
					cli_error("out of memory");
					rc = EXIT_RUN;
					goto done;
				}
			}
		}
	}

	/* --json FILE is checked before the runs, not after them; with "-"
	 * stdout holds the JSON alone */
	if (spec.json_path && cli_out_open(&out, spec.json_path) != EXIT_OK)
		goto done;
	bool json_only = spec.json_path && strcmp(spec.json_path, "-") == 0;
	rc = run_grid(&g, specs, nwl, nal, &out, json_only, spec.json_path);
done:
	for (unsigned i = 0; g.alloc_text && i < g.n; i++)
		free(g.alloc_text[i]);
	free(g.alloc_text);
	free(g.wl_text);
	free(g.model_text);
	free(g.why);
	free(g.ok);
	free(g.runs);
	free(g.rows);
	free(specs);
	free(wbuf);
	free(abuf);
	return rc;
}
