/* cmd_run.c — `mmlab run`: one workload, one model, in this process
 * (or, with --repeat, in K fresh processes; see repeat.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/session/session.h"
#include "cli.h"

static const char usage[] =
	"usage: mmlab run [options]\n"
	"\n"
	"Run one workload under one memory model; print its output, then its stats.\n"
	"\n"
	"  -w, --workload NAME   workload to run (default binary-trees; see mmlab list)\n"
	"  -m, --model MODEL     manual, rc, gc or own (default manual)\n"
	"  -a, --allocator NAME  allocator under manual, rc and own (default glibc);\n"
	"                        gc always allocates from Boehm's heap (bdwgc)\n"
	"  -p, --param KEY=VALUE set a workload parameter; repeatable\n"
	"      --seed N          seed for workloads that draw random numbers (default 1)\n"
	"      --json FILE       also write the stats as JSON to FILE; with '-', write\n"
	"                        only the JSON, to stdout\n"
	"      --mem-limit SIZE  address-space limit, e.g. 512M or 4G; 0 for none\n"
	"                        (default: the machine's physical memory)\n"
	"      --probes LEVEL    off, on or full (default on).  on: pause and step\n"
	"                        percentiles, MMU, a memory timeline; off: the null\n"
	"                        listener, which reads no clock; full: on, plus the\n"
	"                        time inside allocation calls (slower runs)\n"
	"      --repeat K        run K times, each in a fresh process, and report\n"
	"                        the median, min and max of the main figures\n"
	"      --record FILE     write the run's allocation trace to FILE (manual\n"
	"                        model only; replay it with mmlab replay)\n"
	"  -q, --quiet           do not print the workload's output\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: 0 ok, 1 the checksums of --repeat runs differ, 2 bad input,\n"
	"3 a run failed (e.g. out of memory).\n";

/* ASan and friends reserve terabytes of address space up front, so an
 * address-space limit would only break them. */
#if defined(__SANITIZE_ADDRESS__)
static const bool sanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
static const bool sanitized = true;
#else
static const bool sanitized = false;
#endif
#else
static const bool sanitized = false;
#endif

enum { OPT_PROBES = OPT_FIRST_LOCAL, OPT_REPEAT, OPT_RECORD };
enum { REPEAT_MAX = 1000 };

static void print_line(void *st, const char *text)
{
	FILE *out = st;
	fputs(text, out);
	fputc('\n', out);
}

static int write_json(const char *path, const struct stats *st)
{
	FILE *f = cli_json_open(path);
	if (f == NULL)
		return EXIT_USAGE;
	struct emitter e;
	emit_init(&e, EMIT_JSON, f);
	stats_emit(&e, st);
	return cli_json_close(f, path);
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		SPEC_LONGOPTS,
		{ "quiet", no_argument, 0, 'q' },
		{ "probes", required_argument, 0, OPT_PROBES },
		{ "repeat", required_argument, 0, OPT_REPEAT },
		{ "record", required_argument, 0, OPT_RECORD },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct run_spec spec;
	enum probe_level probes = PROBE_ON;
	uint64_t repeat = 0;
	const char *record_path = NULL;
	spec_init(&spec);
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, SPEC_SHORTOPTS "qh", longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		if (opt == 'q') {
			spec.quiet = true;
			continue;
		}
		if (opt == OPT_PROBES) {
			probes = probe_level_find(optarg);
			if (probes == PROBE_LEVEL_COUNT) {
				cli_error("--probes: '%s' is not off, on or full", optarg);
				return EXIT_USAGE;
			}
			spec.probes = probe_level_name(probes);
			continue;
		}
		if (opt == OPT_REPEAT) {
			if (parse_u64(optarg, &repeat) != 0 || repeat < 1 || repeat > REPEAT_MAX) {
				cli_error("--repeat: '%s' is not a number of runs from 1 to %d", optarg,
					  REPEAT_MAX);
				return EXIT_USAGE;
			}
			continue;
		}
		if (opt == OPT_RECORD) {
			record_path = optarg;
			continue;
		}
		int r = spec_option(&spec, opt, optarg);
		if (r == EXIT_USAGE)
			return r;
		if (r == 0)
			return cli_bad_option("run", optopt, argv[optind - 1]);
	}
	if (optind < argc) {
		cli_error("run: unexpected argument '%s' (see mmlab run --help)", argv[optind]);
		return EXIT_USAGE;
	}
	if (spec_finish(&spec) != EXIT_OK || spec_check(&spec, spec.model) != EXIT_OK)
		return EXIT_USAGE;
	if (record_path != NULL && run_record_check(&spec, repeat > 0) != EXIT_OK)
		return EXIT_USAGE;
	if (repeat > 0)
		return repeat_run(&spec, (unsigned)repeat);
	int pre = preload_select(spec.alloc, argc, argv);
	if (pre != EXIT_OK)
		return pre;

	bool json_only = spec.json_path && strcmp(spec.json_path, "-") == 0;
	if (!sanitized && cli_apply_mem_limit(spec.mem_limit) != 0) {
		cli_error("cannot set the memory limit: %s", strerror(errno));
		return EXIT_RUN;
	}

	struct mm_job job = {
		.params = spec.params,
		.seed = spec.seed,
		.line = spec.quiet || json_only ? NULL : print_line,
		.line_state = stdout,
	};
	struct session ses = {
		.model = spec.model,
		.alloc = spec.model == MM_GC ? NULL : spec.alloc->ops,
		.alloc_options = spec.alloc_options,
		.entry = spec.wl->impl[spec.model]->entry,
		.job = &job,
		.probes = probes,
	};
	char record_opts[256];
	if (record_path != NULL &&
	    run_record_attach(&spec, record_path, &ses, record_opts, sizeof record_opts) != EXIT_OK)
		return EXIT_USAGE;
	/* on the heap, not the stack: the record is ~34 KiB, and under gc the
	 * stack is scanned as roots and counted in when to collect */
	struct stats *stp = calloc(1, sizeof *stp);
	if (stp == NULL) {
		cli_error("out of memory for the stats");
		return EXIT_RUN;
	}
	char err[256];
	enum session_status status = session_run(&ses, stp, err, sizeof err);
	fflush(stdout);
	if (status != SESSION_OK) {
		free(stp);
		cli_error("%s", err);
		return status == SESSION_CONFIG ? EXIT_USAGE : EXIT_RUN;
	}
	spec_config(&spec, spec.model, &stp->config);
	snprintf(stp->config.probes, sizeof stp->config.probes, "%s", probe_level_name(probes));

	if (!json_only) {
		struct emitter e;
		emit_init(&e, EMIT_TABLE, stdout);
		if (!spec.quiet)
			fputc('\n', stdout);
		stats_emit(&e, stp);
	}
	int rc = spec.json_path ? write_json(spec.json_path, stp) : EXIT_OK;
	free(stp);
	return rc;
}
