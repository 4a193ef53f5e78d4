/* repeat.c — `mmlab run --repeat K`: one run K times, each in a fresh process.
 *
 * Each run is a child (child.c) whose record is read back; the summary is the
 * median, min and max of the main figures over the runs that measured them
 * (an even count's median is the mean of the middle two).  The checksum must
 * be the same in every run, else exit 1. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The figures summarized, in the order shown. */
static const enum stats_field summary_fields[] = {
	STATS_F_wall_s,		 STATS_F_cpu_s,		    STATS_F_mutator_s,
	STATS_F_mm_s,		 STATS_F_alloc_s,	    STATS_F_ops_per_s,
	STATS_F_allocs_per_s,	 STATS_F_alloc_bytes_per_s, STATS_F_pause_count,
	STATS_F_pause_total_s,	 STATS_F_pause_p50_s,	    STATS_F_pause_p99_s,
	STATS_F_pause_p999_s,	 STATS_F_pause_max_s,	    STATS_F_mmu_1ms,
	STATS_F_mmu_10ms,	 STATS_F_mmu_100ms,	    STATS_F_mmu_1s,
	STATS_F_step_p50_s,	 STATS_F_step_p99_s,	    STATS_F_step_max_s,
	STATS_F_peak_rss_bytes,	 STATS_F_peak_live_bytes,   STATS_F_peak_allocated_bytes,
	STATS_F_peak_footprint_bytes, STATS_F_sampled_peak_allocated_bytes,
	STATS_F_sampled_peak_footprint_bytes, STATS_F_frag_internal, STATS_F_frag_external,
	STATS_F_utilization,
};

/* The columns of the one-row-per-run table. */
static const enum stats_field run_fields[] = {
	STATS_F_wall_s,	     STATS_F_ops_per_s, STATS_F_pause_p99_s,
	STATS_F_pause_max_s, STATS_F_mmu_10ms,	STATS_F_peak_rss_bytes,
};

static double as_double(const struct stats_results *r, enum stats_field f)
{
	struct emit_value v = stats_value(r, f);
	return stats_is_real(f) ? v.f : (double)v.u;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median, min and max of field f over the runs that measured it; false
 * when none did.  vals has room for one value per run. */
static bool summarize(const struct stats *runs, const bool *ok, unsigned n, enum stats_field f,
		      double *vals, double out[3])
{
	unsigned k = 0;
	for (unsigned i = 0; i < n; i++)
		if (ok[i] && stats_known(&runs[i].results, f))
			vals[k++] = as_double(&runs[i].results, f);
	if (k == 0)
		return false;
	qsort(vals, k, sizeof vals[0], cmp_double);
	out[0] = k % 2 ? vals[k / 2] : (vals[k / 2 - 1] + vals[k / 2]) / 2;
	out[1] = vals[0];
	out[2] = vals[k - 1];
	return true;
}

static struct emit_value cell(enum stats_field f, enum emit_unit unit, bool known, double v)
{
	if (!known)
		return EMIT_NONE(unit);
	if (stats_is_real(f))
		return EMIT_F64(unit, v);
	return EMIT_U64(unit, (uint64_t)(v + 0.5));
}

static void emit_repeat(struct emitter *e, const struct stats *runs, const bool *ok, unsigned n,
			const char *unit)
{
	char labels[sizeof run_fields / sizeof run_fields[0]][64];
	struct emit_column cols[1 + sizeof run_fields / sizeof run_fields[0]] = {
		{ "run", "run", 4 },
	};
	for (size_t i = 0; i < sizeof run_fields / sizeof run_fields[0]; i++) {
		const char *label = stats_label(run_fields[i], unit, labels[i], sizeof labels[i]);
		int width = (int)strlen(label);
		cols[1 + i] = (struct emit_column){ stats_key(run_fields[i]), label,
						    width > 11 ? width : 11 };
	}
	emit_table_begin(e, "table", cols, 1 + sizeof run_fields / sizeof run_fields[0]);
	for (unsigned i = 0; i < n; i++) {
		if (!ok[i])
			continue;
		struct emit_value cells[1 + sizeof run_fields / sizeof run_fields[0]];
		cells[0] = EMIT_U64(EMIT_COUNT, i + 1);
		for (size_t j = 0; j < sizeof run_fields / sizeof run_fields[0]; j++)
			cells[1 + j] = stats_value(&runs[i].results, run_fields[j]);
		emit_table_row(e, cells);
	}
	emit_table_end(e);
	emit_break(e);

	static const struct emit_column sum_cols[] = {
		{ "figure", "figure", -26 },
		{ "median", "median", 13 },
		{ "min", "min", 13 },
		{ "max", "max", 13 },
	};
	double *vals = malloc(sizeof(double) * (n ? n : 1));
	char buf[64];
	emit_table_begin(e, "summary", sum_cols, 4);
	for (size_t i = 0; vals != NULL && i < sizeof summary_fields / sizeof summary_fields[0]; i++) {
		enum stats_field f = summary_fields[i];
		double m[3];
		bool known = summarize(runs, ok, n, f, vals, m);
		struct emit_value shape = stats_value(&runs[0].results, f);
		struct emit_value cells[4] = {
			EMIT_NAME_OF(stats_key(f), stats_label(f, unit, buf, sizeof buf)),
			cell(f, shape.unit, known, m[0]),
			cell(f, shape.unit, known, m[1]),
			cell(f, shape.unit, known, m[2]),
		};
		if (known)
			emit_table_row(e, cells);
	}
	emit_table_end(e);
	free(vals);
}

/* What the JSON document is made of. */
struct repeat_doc {
	const struct stats *runs;
	const bool *ok;
	unsigned n;
	const char *unit;
};

static void repeat_doc(struct emitter *e, const void *arg)
{
	const struct repeat_doc *d = arg;
	emit_begin(e);
	emit_schema(e, "mmlab-repeat", STATS_SCHEMA_VERSION);
	emit_repeat(e, d->runs, d->ok, d->n, d->unit);
	cli_emit_runs(e, d->runs, d->ok, d->n);
	emit_end(e);
}

int repeat_run(const struct run_spec *s, unsigned n)
{
	/* --json FILE is checked before the runs, not after them */
	struct cli_out out = { 0 };
	if (s->json_path && cli_out_open(&out, s->json_path) != EXIT_OK)
		return EXIT_USAGE;
	struct stats *runs = calloc(n, sizeof *runs);
	bool *ok = calloc(n, sizeof *ok);
	if (runs == NULL || ok == NULL) {
		free(runs);
		free(ok);
		cli_out_discard(&out);
		cli_error("out of memory for %u runs' stats", n);
		return EXIT_RUN;
	}
	bool json_only = s->json_path && strcmp(s->json_path, "-") == 0;
	if (!json_only) {
		char *how = cli_aprintf("%s on %s, probes %s, %u run%s each in a fresh process",
					mm_model_name(s->model), spec_alloc_name(s, s->model),
					s->probes ? s->probes : "on", n, n == 1 ? "" : "s");
		runs_header(s, how ? how : "each run in a fresh process");
		free(how);
		/* stdout cannot be written: say so now, not after the runs */
		if (cli_stdout_flush() != 0) {
			free(runs);
			free(ok);
			cli_out_discard(&out);
			return EXIT_RUN;
		}
	}
	int rc = EXIT_OK;
	unsigned good = 0;
	struct cli_progress prog;
	cli_progress_start(&prog, n);
	for (unsigned i = 0; i < n; i++) {
		char why[256];
		cli_progress_step(&prog, i, mm_model_name(s->model));
		int r = child_run(s, s->model, &runs[i], why, sizeof why);
		if (r == EXIT_OK) {
			ok[i] = true;
			good++;
		} else if (rc == EXIT_OK) {
			rc = r;
		}
	}
	cli_progress_end(&prog);
	bool same;
	int first = runs_checksums(runs, ok, n, &same);
	if (good > 0 && !json_only) {
		struct emitter e;
		emit_init_file(&e, EMIT_TABLE, stdout);
		emit_begin(&e);
		emit_repeat(&e, runs, ok, n, s->meta->ops_unit);
		emit_end(&e);
		if (same)
			printf("\nchecksum 0x%016" PRIx64 ", the same in every run\n",
			       runs[first].results.checksum);
		cli_stdout_flush();
	}
	if (!same) {
		cli_error("checksums differ between runs of the same workload");
		if (rc == EXIT_OK)
			rc = EXIT_CHECK;
	}
	if (good > 0 && s->json_path) {
		struct repeat_doc doc = { runs, ok, n, s->meta->ops_unit };
		int w = cli_out_json(&out, repeat_doc, &doc);
		if (rc == EXIT_OK)
			rc = w;
	} else {
		cli_out_discard(&out); /* no run to write: FILE stays as it was */
	}
	free(runs);
	free(ok);
	return rc;
}
