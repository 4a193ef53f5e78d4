/* cmd_sweep.c — `mmlab sweep`: the time-space curve of a collector.
 *
 * The manual model runs once as the reference (explicit freeing: its wall
 * time, its peak RSS, and its peak live bytes, which are exact); then the
 * gc model runs once per heap multiple, with Boehm's heap limited to that
 * multiple of the reference's peak live size (--heap-limit), each in a
 * fresh process (child.c).  The table gives each multiple's time and peak
 * RSS relative to the reference: Hertz and Berger's curve (2005), measured
 * here.  A multiple too small to run says "heap limit reached".  The
 * checksums must agree: a mismatch exits 1.  --json writes the same rows
 * as an mmlab-sweep document (docs/stats-schema.md), whole or not at all.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: mmlab sweep [options]\n"
	"\n"
	"Run the workload under manual (the reference: explicit freeing), then under\n"
	"gc with Boehm's heap limited to each multiple of manual's peak live size,\n"
	"each run in a fresh process, and print each multiple's wall time and peak\n"
	"RSS relative to manual's: the collector's time-space curve.\n"
	"\n"
	"  -w, --workload NAME     workload to run (default binary-trees; see mmlab list)\n"
	"  -m, --model gc[:OPTS]   the collector and its mode, e.g. gc:markers=2\n"
	"                          (default gc; docs/models.md lists the options)\n"
	"  -a, --allocator NAME    the reference's allocator (default glibc)\n"
	"  -p, --param KEY=VALUE   set a workload parameter; repeatable\n"
	"      --heap-multiple LIST comma-separated multiples of the peak live size,\n"
	"                          each 1 to 100 (default 1.25,1.5,2,3,4,6)\n"
	"      --seed N            seed, 0 to 2^64-1 (default 1)\n"
	"      --mem-limit SIZE    address-space limit per run (default: physical memory)\n"
	"      --timeout SECS      stop a run still going after SECS seconds, 1 to 86400\n"
	"      --json FILE         also write the sweep as JSON (mmlab-sweep; '-': stdout,\n"
	"                          which then holds the JSON alone); mmlab plot draws it\n"
	"  -h, --help              show this help\n"
	"\n"
	"Exit status: 0 ok (a multiple that reaches its heap limit is a row, not a\n"
	"failure), 1 checksums differ, 2 bad input (a --json FILE that cannot be\n"
	"written is refused before any run), 3 the reference run or a multiple failed\n"
	"otherwise, or the output could not be written (a full disk).\n";

enum { OPT_MULTIPLES = OPT_FIRST_LOCAL };
enum { SWEEP_MAX = 16 };

static int parse_multiples(const char *text, double *out, unsigned *n)
{
	*n = 0;
	const char *p = text;
	while (*p != '\0') {
		char *end;
		double v = strtod(p, &end);
		if (end == p || (*end != ',' && *end != '\0') || !(v >= 1 && v <= 100) ||
		    *n == SWEEP_MAX) {
			cli_error("--heap-multiple: '%s' is not a list of up to %d numbers from 1 to "
				  "100 (e.g. 1.25,1.5,2,3,4,6)",
				  text, SWEEP_MAX);
			return -1;
		}
		out[(*n)++] = v;
		p = *end == ',' ? end + 1 : end;
	}
	if (*n == 0) {
		cli_error("--heap-multiple names no multiple");
		return -1;
	}
	return 0;
}

/* One multiple's run: what the table prints and the document keeps. */
struct sweep_row {
	double multiple;
	uint64_t heap_limit;
	bool ran;              /* the gc run finished: rec holds its record */
	const char *status;    /* "ok", "heap limit reached", "checksum differs", or why */
	char why[256];
};

/* What the JSON document is made of. */
struct sweep_doc {
	const struct run_spec *spec;
	const struct stats *ref;
	const struct stats *recs; /* recs[i]: row i's gc record (when it ran) */
	const struct sweep_row *rows;
	unsigned n;
};

/* field f of x over the reference's, or unknown when either is not known
 * and positive */
static struct emit_value ratio(const struct stats_results *x, const struct stats_results *r0,
			       enum stats_field f)
{
	struct emit_value a = stats_value(x, f), b = stats_value(r0, f);
	if (!a.known || !b.known)
		return EMIT_NONE(EMIT_RATIO);
	double va = stats_is_real(f) ? a.f : (double)a.u, vb = stats_is_real(f) ? b.f : (double)b.u;
	return va > 0 && vb > 0 && isfinite(va / vb) ? EMIT_F64(EMIT_RATIO, va / vb)
						      : EMIT_NONE(EMIT_RATIO);
}

static void sweep_doc(struct emitter *e, const void *arg)
{
	const struct sweep_doc *d = arg;
	const struct stats_config *c = &d->ref->config;
	const struct stats_results *r0 = &d->ref->results;
	emit_begin(e);
	emit_schema(e, "mmlab-sweep", 1);
	emit_object_begin(e, "config", "sweep");
	emit_kv(e, "workload", "workload", EMIT_STR(c->workload));
	emit_kv(e, "model", "collector", EMIT_STR(mm_model_name(d->spec->model)));
	emit_kv(e, "model_options", "collector options", EMIT_STR(d->spec->model_options));
	emit_kv(e, "allocator", "reference allocator", EMIT_STR(c->allocator));
	emit_kv(e, "seed", "seed", EMIT_U64(EMIT_COUNT, c->seed));
	emit_object_begin(e, "params", "parameters");
	for (unsigned p = 0; p < c->nparams; p++)
		emit_kv(e, c->params[p].name, c->params[p].name, EMIT_I64(c->params[p].value));
	emit_object_end(e);
	emit_array_begin(e, "multiples", "heap multiples");
	for (unsigned i = 0; i < d->n; i++)
		emit_array_value(e, EMIT_F64(EMIT_RATIO, d->rows[i].multiple));
	emit_array_end(e);
	emit_object_end(e);
	emit_object_begin(e, "reference", "reference (manual)");
	stats_emit_members(e, d->ref);
	emit_object_end(e);
	emit_list_begin(e, "rows", "multiples");
	for (unsigned i = 0; i < d->n; i++) {
		const struct sweep_row *w = &d->rows[i];
		const struct stats_results *x = &d->recs[i].results;
		emit_object_begin(e, NULL, NULL);
		emit_kv(e, "multiple", "multiple of peak live", EMIT_F64(EMIT_RATIO, w->multiple));
		emit_kv(e, "heap_limit_bytes", "heap limit", EMIT_U64(EMIT_BYTES, w->heap_limit));
		emit_kv(e, "status", "result", EMIT_STR(w->status));
		emit_kv(e, "relative_time", "time/ref",
			w->ran ? ratio(x, r0, STATS_F_wall_s) : EMIT_NONE(EMIT_RATIO));
		emit_kv(e, "relative_rss", "peak RSS/ref",
			w->ran ? ratio(x, r0, STATS_F_peak_rss_bytes) : EMIT_NONE(EMIT_RATIO));
		emit_kv(e, "relative_footprint", "peak footprint/ref",
			w->ran ? ratio(x, r0, STATS_F_peak_footprint_bytes) : EMIT_NONE(EMIT_RATIO));
		if (w->ran) {
			emit_object_begin(e, "record", "gc run");
			stats_emit_members(e, &d->recs[i]);
			emit_object_end(e);
		}
		emit_object_end(e);
	}
	emit_list_end(e);
	emit_end(e);
}

int cmd_sweep(int argc, char **argv)
{
	static const struct option longopts[] = {
		SPEC_LONGOPTS,
		{ "heap-multiple", required_argument, 0, OPT_MULTIPLES },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct run_spec spec;
	struct cli_seen seen = { .n = 0 };
	double mult[SWEEP_MAX] = { 1.25, 1.5, 2, 3, 4, 6 };
	unsigned nmult = 6;
	spec_init(&spec);
	spec.model = MM_MODEL_gc;
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, SPEC_SHORTOPTS "h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		if (opt != 'p' && opt != '?' && cli_once(&seen, longopts, opt) != EXIT_OK)
			return EXIT_USAGE;
		if (opt == OPT_MULTIPLES) {
			if (parse_multiples(optarg, mult, &nmult) != 0)
				return EXIT_USAGE;
			continue;
		}
		if (opt == OPT_HEAP_LIMIT) {
			cli_error("sweep: %s is not a sweep option (the sweep sets each run's heap "
				  "limit itself)",
				  argv[optind - 1]);
			return EXIT_USAGE;
		}
		int r = spec_option(&spec, opt, optarg);
		if (r == EXIT_USAGE)
			return r;
		if (r == 0)
			return cli_bad_option("sweep", optopt, argv[optind - 1]);
	}
	if (optind < argc) {
		cli_error("sweep: unexpected argument '%s' (see mmlab sweep --help)", argv[optind]);
		return EXIT_USAGE;
	}
	if (spec.model != MM_MODEL_gc) {
		cli_error("sweep: -m names the collector, and only gc has a heap to size (got %s)",
			  mm_model_name(spec.model));
		return EXIT_USAGE;
	}
	if (spec_finish(&spec) != EXIT_OK || spec_check(&spec, MM_MODEL_manual) != EXIT_OK)
		return EXIT_USAGE;

	/* --json FILE is checked before the runs, not after them; with "-"
	 * stdout holds the JSON alone */
	struct cli_out out = { 0 };
	if (spec.json_path && cli_out_open(&out, spec.json_path) != EXIT_OK)
		return EXIT_USAGE;
	bool json_only = spec.json_path && strcmp(spec.json_path, "-") == 0;

	/* on the heap: a static would be data Boehm scans as roots */
	struct stats *ref = calloc(1, sizeof *ref), *recs = calloc(nmult, sizeof *recs);
	struct sweep_row *rows = calloc(nmult, sizeof *rows);
	if (ref == NULL || recs == NULL || rows == NULL) {
		free(ref);
		free(recs);
		free(rows);
		cli_out_discard(&out);
		cli_error("out of memory for the runs' stats");
		return EXIT_RUN;
	}
	/* untimed pauses: the clock reads of a probed run would tax manual's
	 * many small frees more than gc's few collections */
	spec.probes = "off";
	if (!json_only)
		runs_header(&spec, "manual, then gc at each heap multiple, each in a fresh process");
	char why[256];
	int rc = child_run(&spec, MM_MODEL_manual, ref, why, sizeof why);
	if (rc != EXIT_OK) {
		free(ref);
		free(recs);
		free(rows);
		cli_out_discard(&out);
		return rc;
	}
	const struct stats_results *r0 = &ref->results;
	uint64_t live = r0->peak_live_bytes;
	if (!json_only) {
		printf("reference: manual on %s, %.3f s, peak RSS %.1f MiB, peak live %.1f MiB\n\n",
		       spec.alloc->name, r0->wall_s, (double)r0->peak_rss_bytes / 1048576.0,
		       (double)live / 1048576.0);
		printf("%8s  %12s  %10s  %9s  %12s  %9s  %11s  %s\n", "multiple", "heap limit",
		       "wall", "time/ref", "peak RSS", "RSS/ref", "collections", "result");
		cli_stdout_flush();
	}
	for (unsigned i = 0; i < nmult; i++) {
		struct run_spec s = spec;
		struct sweep_row *w = &rows[i];
		w->multiple = mult[i];
		s.heap_limit = (uint64_t)ceil(mult[i] * (double)live);
		if (s.heap_limit == 0)
			s.heap_limit = 1;
		w->heap_limit = s.heap_limit;
		int r = child_run(&s, MM_MODEL_gc, &recs[i], w->why, sizeof w->why);
		const struct stats_results *x = &recs[i].results;
		if (r != EXIT_OK) {
			bool limit = strstr(w->why, "heap limit reached") != NULL;
			w->status = limit ? "heap limit reached" : w->why;
			if (!json_only)
				printf("%8.2f  %10.1f M  %10s  %9s  %12s  %9s  %11s  %s\n", mult[i],
				       (double)s.heap_limit / 1048576.0, "-", "-", "-", "-", "-",
				       w->status);
			if (!limit && rc == EXIT_OK)
				rc = r;
		} else {
			bool same = x->checksum == r0->checksum;
			w->ran = true;
			w->status = same ? "ok" : "checksum differs";
			if (!json_only) {
				/* the ratios the JSON holds: "-" where one is unknown */
				struct emit_value tr = ratio(x, r0, STATS_F_wall_s),
						  rr = ratio(x, r0, STATS_F_peak_rss_bytes);
				char tbuf[32] = "-", rbuf[32] = "-";
				if (tr.known)
					snprintf(tbuf, sizeof tbuf, "%.2f", tr.f);
				if (rr.known)
					snprintf(rbuf, sizeof rbuf, "%.2f", rr.f);
				printf("%8.2f  %10.1f M  %8.3f s  %9s  %10.1f M  %9s  %11" PRIu64
				       "  %s\n",
				       mult[i], (double)s.heap_limit / 1048576.0, x->wall_s, tbuf,
				       (double)x->peak_rss_bytes / 1048576.0, rbuf, x->collections,
				       same ? "ok" : "CHECKSUM DIFFERS");
			}
			if (!same)
				rc = EXIT_CHECK;
		}
		if (!json_only)
			cli_stdout_flush();
	}
	if (!json_only)
		printf("\ntime/ref and RSS/ref: gc's wall time and peak RSS over manual's; one run "
		       "each on a shared machine, so read the trend, not a digit\n");
	else if (rc == EXIT_CHECK)
		cli_error("sweep: checksums differ between manual and gc");
	cli_stdout_flush();
	if (spec.json_path) {
		struct sweep_doc doc = { &spec, ref, recs, rows, nmult };
		int wrc = cli_out_json(&out, sweep_doc, &doc);
		if (rc == EXIT_OK)
			rc = wrc;
	}
	free(ref);
	free(recs);
	free(rows);
	return rc;
}
