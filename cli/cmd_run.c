/* cmd_run.c — `mmlab run`: one workload, one model, in this process. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../runtime/session.h"
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
	"      --probes on|off   time pauses and steps (default on); off attaches the\n"
	"                        null listener, which reads no clock\n"
	"  -q, --quiet           do not print the workload's output\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: 0 ok, 2 bad input, 3 the run failed (e.g. out of memory).\n";

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

enum { OPT_PROBES = OPT_FIRST_LOCAL };

static void print_line(void *st, const char *text)
{
	FILE *out = st;
	fputs(text, out);
	fputc('\n', out);
}

static int write_json(const char *path, const struct stats *st)
{
	bool to_stdout = strcmp(path, "-") == 0;
	FILE *f = to_stdout ? stdout : fopen(path, "w");
	if (f == NULL) {
		cli_error("cannot write %s: %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	struct emitter e;
	emit_init(&e, EMIT_JSON, f);
	stats_emit(&e, st);
	if (!to_stdout && fclose(f) != 0) {
		cli_error("cannot write %s: %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		SPEC_LONGOPTS,
		{ "quiet", no_argument, 0, 'q' },
		{ "probes", required_argument, 0, OPT_PROBES },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct run_spec spec;
	bool probes = true;
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
			if (strcmp(optarg, "on") != 0 && strcmp(optarg, "off") != 0) {
				cli_error("--probes: '%s' is not on or off", optarg);
				return EXIT_USAGE;
			}
			probes = strcmp(optarg, "on") == 0;
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
	struct stats st;
	memset(&st, 0, sizeof st);
	char err[256];
	enum session_status status = session_run(&ses, &st, err, sizeof err);
	fflush(stdout);
	if (status != SESSION_OK) {
		cli_error("%s", err);
		return status == SESSION_CONFIG ? EXIT_USAGE : EXIT_RUN;
	}
	spec_config(&spec, spec.model, &st.config);

	if (!json_only) {
		struct emitter e;
		emit_init(&e, EMIT_TABLE, stdout);
		if (!spec.quiet)
			fputc('\n', stdout);
		stats_emit(&e, &st);
	}
	return spec.json_path ? write_json(spec.json_path, &st) : EXIT_OK;
}
