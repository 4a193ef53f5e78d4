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
	"  -p, --param KEY=VALUE set a workload parameter; repeatable\n"
	"      --models LIST     comma-separated models (default manual,rc,gc,own)\n"
	"      --seed N          seed for workloads that draw random numbers (default 1)\n"
	"      --json FILE       also write every run's full stats as JSON to FILE\n"
	"      --mem-limit SIZE  address-space limit per run (default: physical memory)\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: 0 ok, 1 checksums differ, 2 bad input, 3 a run failed.\n";

enum { OPT_MODELS = OPT_FIRST_LOCAL };

static int parse_models(const char *text, bool *want)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", text);
	memset(want, 0, sizeof(bool) * MM_MODEL_COUNT);
	int count = 0;
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		enum mm_model m = mm_model_find(tok);
		if (m == MM_MODEL_COUNT) {
			cli_error("unknown model '%s' in --models (known: manual, rc, gc, own)", tok);
			return -1;
		}
		count += !want[m];
		want[m] = true;
	}
	if (count == 0) {
		cli_error("--models names no model");
		return -1;
	}
	return 0;
}

static void emit_runs(struct emitter *e, const struct stats *runs, const bool *ok,
		      const char *unit)
{
	char rate[64];
	snprintf(rate, sizeof rate, "%s/s", unit);
	const struct emit_column cols[] = {
		{ "model", "model", -6 },
		{ "allocator", "allocator", -9 },
		{ stats_key(STATS_F_wall_s), "wall", 11 },
		{ stats_key(STATS_F_ops_per_s), rate, 12 },
		{ stats_key(STATS_F_pause_count), "pauses", 8 },
		{ stats_key(STATS_F_pause_total_s), "pause total", 11 },
		{ stats_key(STATS_F_pause_max_s), "pause max", 11 },
		{ stats_key(STATS_F_peak_rss_bytes), "peak RSS", 10 },
		{ stats_key(STATS_F_peak_live_bytes), "peak live", 10 },
		{ stats_key(STATS_F_leaked_bytes), "leaked", 8 },
	};
	static const enum stats_field from[] = {
		STATS_F_wall_s,		STATS_F_ops_per_s,	STATS_F_pause_count,
		STATS_F_pause_total_s,	STATS_F_pause_max_s,	STATS_F_peak_rss_bytes,
		STATS_F_peak_live_bytes, STATS_F_leaked_bytes,
	};
	emit_table_begin(e, "table", cols, sizeof cols / sizeof cols[0]);
	for (unsigned m = 0; m < MM_MODEL_COUNT; m++) {
		if (!ok[m])
			continue;
		struct emit_value cells[sizeof cols / sizeof cols[0]];
		cells[0] = EMIT_STR(runs[m].config.model);
		cells[1] = EMIT_STR(runs[m].config.allocator);
		for (size_t i = 0; i < sizeof from / sizeof from[0]; i++)
			cells[2 + i] = stats_value(&runs[m].results, from[i]);
		emit_table_row(e, cells);
	}
	emit_table_end(e);
}

static int write_json(const char *path, const struct stats *runs, const bool *ok,
		      const char *unit)
{
	FILE *f = cli_json_open(path);
	if (f == NULL)
		return EXIT_USAGE;
	struct emitter e;
	emit_init(&e, EMIT_JSON, f);
	emit_begin(&e);
	emit_schema(&e, "mmlab-matrix", STATS_SCHEMA_VERSION);
	emit_runs(&e, runs, ok, unit);
	cli_emit_runs(&e, runs, ok, MM_MODEL_COUNT);
	emit_end(&e);
	return cli_json_close(f, path);
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
		if (want[m] && m != MM_GC && spec_check(&spec, (enum mm_model)m) != EXIT_OK)
			return EXIT_USAGE;

	/* on the heap: a static would be data Boehm scans as roots in every
	 * gc run of this binary, and counts in when to collect */
	struct stats *runs = calloc(MM_MODEL_COUNT, sizeof *runs);
	if (runs == NULL) {
		cli_error("out of memory for the runs' stats");
		return EXIT_RUN;
	}
	bool ok[MM_MODEL_COUNT] = { 0 };
	int rc = EXIT_OK;

	printf("%s", spec.meta->name);
	for (unsigned i = 0; i < spec.meta->nparams; i++)
		printf(" %s=%" PRId64, spec.meta->params[i].name, spec.params[i]);
	printf(", seed %" PRIu64 ", each model in a fresh process\n\n", spec.seed);
	fflush(stdout);

	for (unsigned m = 0; m < MM_MODEL_COUNT; m++) {
		if (!want[m])
			continue;
		int r = child_run(&spec, (enum mm_model)m, &runs[m]);
		if (r == EXIT_OK)
			ok[m] = true;
		else if (rc == EXIT_OK || r == EXIT_USAGE)
			rc = r;
	}

	struct emitter e;
	emit_init(&e, EMIT_TABLE, stdout);
	emit_runs(&e, runs, ok, spec.meta->ops_unit);

	int first = -1;
	bool same = true;
	for (unsigned m = 0; m < MM_MODEL_COUNT; m++) {
		if (!ok[m])
			continue;
		if (first < 0)
			first = (int)m;
		else if (runs[m].results.checksum != runs[first].results.checksum)
			same = false;
	}
	if (first >= 0 && same) {
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
	fflush(stdout);
	if (spec.json_path) {
		int w = write_json(spec.json_path, runs, ok, spec.meta->ops_unit);
		if (rc == EXIT_OK)
			rc = w;
	}
	free(runs);
	return rc;
}
