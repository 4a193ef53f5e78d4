/* cmd_sweep.c — `mmlab sweep`: the time-space curve of a collector.
 *
 * The manual model runs once as the reference (explicit freeing: its wall
 * time, its peak RSS, and its peak live bytes, which are exact); then the
 * gc model runs once per heap multiple, with Boehm's heap limited to that
 * multiple of the reference's peak live size (--heap-limit), each in a
 * fresh process (child.c).  The table gives each multiple's time and peak
 * RSS relative to the reference: Hertz and Berger's curve (2005), measured
 * here.  A multiple too small to run says "heap limit reached".  The
 * checksums must agree: a mismatch exits 1.
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
	"  -h, --help              show this help\n"
	"\n"
	"Exit status: 0 ok (a multiple that reaches its heap limit is a row, not a\n"
	"failure), 1 checksums differ, 2 bad input, 3 the reference run failed.\n";

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
		if (opt == OPT_JSON || opt == OPT_HEAP_LIMIT) {
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

	struct stats *ref = calloc(1, sizeof *ref), *run = calloc(1, sizeof *run);
	if (ref == NULL || run == NULL) {
		free(ref);
		free(run);
		cli_error("out of memory for the runs' stats");
		return EXIT_RUN;
	}
	/* untimed pauses: the clock reads of a probed run would tax manual's
	 * many small frees more than gc's few collections */
	spec.probes = "off";
	runs_header(&spec, "manual, then gc at each heap multiple, each in a fresh process");
	char why[256];
	int rc = child_run(&spec, MM_MODEL_manual, ref, why, sizeof why);
	if (rc != EXIT_OK) {
		free(ref);
		free(run);
		return rc;
	}
	const struct stats_results *r0 = &ref->results;
	uint64_t live = r0->peak_live_bytes;
	printf("reference: manual on %s, %.3f s, peak RSS %.1f MiB, peak live %.1f MiB\n\n",
	       spec.alloc->name, r0->wall_s, (double)r0->peak_rss_bytes / 1048576.0,
	       (double)live / 1048576.0);
	printf("%8s  %12s  %10s  %9s  %12s  %9s  %11s  %s\n", "multiple", "heap limit", "wall",
	       "time/ref", "peak RSS", "RSS/ref", "collections", "result");
	cli_stdout_flush();
	for (unsigned i = 0; i < nmult; i++) {
		struct run_spec s = spec;
		s.heap_limit = (uint64_t)ceil(mult[i] * (double)live);
		if (s.heap_limit == 0)
			s.heap_limit = 1;
		memset(run, 0, sizeof *run);
		int r = child_run(&s, MM_MODEL_gc, run, why, sizeof why);
		const struct stats_results *x = &run->results;
		if (r != EXIT_OK) {
			printf("%8.2f  %10.1f M  %10s  %9s  %12s  %9s  %11s  %s\n", mult[i],
			       (double)s.heap_limit / 1048576.0, "-", "-", "-", "-", "-",
			       strstr(why, "heap limit reached") ? "heap limit reached" : why);
			if (!strstr(why, "heap limit reached") && rc == EXIT_OK)
				rc = r;
		} else {
			bool same = x->checksum == r0->checksum;
			printf("%8.2f  %10.1f M  %8.3f s  %9.2f  %10.1f M  %9.2f  %11" PRIu64 "  %s\n",
			       mult[i], (double)s.heap_limit / 1048576.0, x->wall_s,
			       x->wall_s / r0->wall_s, (double)x->peak_rss_bytes / 1048576.0,
			       (double)x->peak_rss_bytes / (double)r0->peak_rss_bytes,
			       x->collections, same ? "ok" : "CHECKSUM DIFFERS");
			if (!same)
				rc = EXIT_CHECK;
		}
		cli_stdout_flush();
	}
	printf("\ntime/ref and RSS/ref: gc's wall time and peak RSS over manual's; one run "
	       "each on a shared machine, so read the trend, not a digit\n");
	free(ref);
	free(run);
	return rc;
}
