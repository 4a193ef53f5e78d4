/* cmd_run.c — `mmlab run`: one workload, one model, in this process
 * (or, with --repeat, in K fresh processes; see repeat.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/session/session.h"
#include "cli.h"

/* The session's panic hook: a workload broke an ownership rule (own).
 * One line naming the rule and the workload's file:line, then exit status
 * EXIT_RULE; the workload's output so far is flushed first. */
static void rule_broken(void *st, const char *file, int line, const char *msg)
{
	(void)st;
	fflush(stdout);
	fprintf(stderr, "mmlab: %s:%d: %s\n", file, line, msg);
	exit(EXIT_RULE);
}

static const char usage[] =
	"usage: mmlab run [options]\n"
	"\n"
	"Run one workload under one memory model; print its output, then its stats.\n"
	"\n"
	"  -w, --workload NAME   workload to run (default binary-trees; see mmlab list)\n"
	"  -m, --model MODEL     manual, rc, gc, own or own_unchecked (default manual);\n"
	"                        MODEL:OPTIONS for rc (cycles=1, cycle_buffer=N) and gc\n"
	"                        (markers=N, incremental=1, divisor=N, full_freq=N):\n"
	"                        docs/models.md\n"
	"  -a, --allocator NAME  allocator under manual, rc and own (default glibc);\n"
	"                        gc always allocates from Boehm's heap (bdwgc)\n"
	"  -p, --param KEY=VALUE set a workload parameter; repeatable (ranges: mmlab list)\n"
	"      --seed N          seed for workloads that draw random numbers, 0 to\n"
	"                        2^64-1 (default 1)\n"
	"      --json FILE       also write the stats as JSON to FILE; with '-', write\n"
	"                        only the JSON, to stdout\n"
	"      --mem-limit SIZE  address-space limit: 0 for none, else 16M to 2^64-1\n"
	"                        bytes, e.g. 512M or 4G (default: physical memory)\n"
	"      --timeout SECS    stop a run still going after SECS seconds, 1 to 86400\n"
	"                        (exit status 3; default: no limit)\n"
	"      --heap-limit SIZE cap the model's heap (gc: Boehm's heap; the others: the\n"
	"                        bytes they hold); reaching it ends the run with \"heap\n"
	"                        limit reached\", exit status 3\n"
	"      --probes LEVEL    off, on or full (default on).  on: pause and step\n"
	"                        percentiles, MMU, a memory timeline; off: the null\n"
	"                        listener, which reads no clock; full: on, plus the\n"
	"                        time inside allocation calls (slower runs)\n"
	"      --repeat K        run K times (1 to 1000), each in a fresh process, and\n"
	"                        report the median, min and max of the main figures\n"
	"      --record FILE     write the run's allocation trace to FILE (manual\n"
	"                        model only; not '-', not the --json file; replay\n"
	"                        it with mmlab replay)\n"
	"      --pause-log FILE  write every pause and step to FILE as CSV lines\n"
	"                        kind,start_ns,end_ns (ns since the run's start; not\n"
	"                        '-', not with --repeat or --probes off)\n"
	"  -q, --quiet           do not print the workload's output\n"
	"  -h, --help            show this help\n"
	"\n"
	"Options may be given once each (but -p).  The run happens in a child\n"
	"process, so a crash is reported, not suffered.  MMLAB_SPLIT=off in the\n"
	"environment runs without the sampled split (to measure what it costs).\n"
	"\n"
	"Exit status: 0 ok, 1 the checksums of --repeat runs differ or the workload's\n"
	"result at its default parameters is not its reference, 2 bad input (a\n"
	"--json FILE that cannot be written is refused before the run; parameters a\n"
	"model cannot run), 3 a run failed (out of memory, heap limit reached, killed\n"
	"by a signal, timed out) or the output could\n"
	"not be written (a full disk), 4 the workload broke an ownership rule (own:\n"
	"one line names the rule and the workload's file:line).\n";

enum { OPT_PROBES = OPT_FIRST_LOCAL, OPT_REPEAT, OPT_RECORD, OPT_PAUSE_LOG };
enum { REPEAT_MAX = 1000 };

static void print_line(void *st, const char *text)
{
	FILE *out = st;
	fputs(text, out);
	fputc('\n', out);
}

static void run_doc(struct emitter *e, const void *st)
{
	stats_emit(e, st);
}

static int run_here(const struct run_spec *sp, enum probe_level probes, const char *record_path,
		    struct cli_out *out, FILE *pause_log);

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		SPEC_LONGOPTS,
		{ "quiet", no_argument, 0, 'q' },
		{ "probes", required_argument, 0, OPT_PROBES },
		{ "repeat", required_argument, 0, OPT_REPEAT },
		{ "record", required_argument, 0, OPT_RECORD },
		{ "pause-log", required_argument, 0, OPT_PAUSE_LOG },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct run_spec spec;
	enum probe_level probes = PROBE_ON;
	unsigned repeat = 0;
	const char *record_path = NULL;
	const char *log_path = NULL;
	struct cli_seen seen = { .n = 0 };
	spec_init(&spec);
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, SPEC_SHORTOPTS "qh", longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		if (opt != 'p' && opt != '?' && cli_once(&seen, longopts, opt) != EXIT_OK)
			return EXIT_USAGE;
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
			if (parse_count("--repeat", optarg, REPEAT_MAX, "runs", &repeat) != EXIT_OK)
				return EXIT_USAGE;
			continue;
		}
		if (opt == OPT_RECORD) {
			if (strcmp(optarg, "-") == 0 || *optarg == '\0') {
				cli_error("--record: '%s' is not a file name (a trace cannot share stdout "
					  "with the run's output)", optarg);
				return EXIT_USAGE;
			}
			record_path = optarg;
			continue;
		}
		if (opt == OPT_PAUSE_LOG) {
			if (strcmp(optarg, "-") == 0 || *optarg == '\0') {
				cli_error("--pause-log: '%s' is not a file name (the log cannot share "
					  "stdout with the run's output)", optarg);
				return EXIT_USAGE;
			}
			log_path = optarg;
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
	if (record_path != NULL && spec.json_path != NULL &&
	    cli_same_file(record_path, spec.json_path)) {
		cli_error("--record and --json both name %s: give each its own file", record_path);
		return EXIT_USAGE;
	}
	if (log_path != NULL && (repeat > 0 || probes == PROBE_OFF)) {
		cli_error("--pause-log needs one run with the probes on (not --repeat, not "
			  "--probes off)");
		return EXIT_USAGE;
	}
	if (log_path != NULL && ((spec.json_path != NULL && cli_same_file(log_path, spec.json_path)) ||
				 (record_path != NULL && cli_same_file(log_path, record_path)))) {
		cli_error("--pause-log names the file of --json or --record: give each its own file");
		return EXIT_USAGE;
	}
	if (repeat > 0)
		return repeat_run(&spec, repeat);
	int pre = preload_select(spec.alloc, argc, argv);
	if (pre != EXIT_OK)
		return pre;

	/* --json FILE is checked before the run, not after it; the child
	 * writes it, and commits it (renames it into place) only when whole */
	struct cli_out out = { 0 };
	if (spec.json_path && cli_out_open(&out, spec.json_path) != EXIT_OK)
		return EXIT_USAGE;
	/* the pause log is created before the run too, and removed if the
	 * run fails */
	FILE *pause_log = NULL;
	if (log_path != NULL && (pause_log = fopen(log_path, "we")) == NULL) {
		cli_error("--pause-log: cannot write %s: %s", log_path, strerror(errno));
		cli_out_discard(&out);
		return EXIT_USAGE;
	}
	/* the work in a child, this process its supervisor: a crash or a
	 * time-out becomes a message and status 3 */
	pid_t pid = cli_fork();
	if (pid < 0) {
		cli_out_discard(&out);
		if (pause_log != NULL)
			fclose(pause_log), unlink(log_path);
		return EXIT_RUN;
	}
	if (pid > 0) {
		struct cli_limit limit;
		cli_limit_start(&limit, spec.timeout);
		int status = cli_wait(pid, &limit);
		char why[128];
		int rc = cli_child_failed(status, &limit, why, sizeof why);
		if (rc == EXIT_RUN && (limit.expired || WIFSIGNALED(status)))
			cli_error("the run %s%s", cli_was(why), why);
		/* our copy of the output: a child that committed renamed the
		 * file aside into place, one that failed left it to drop */
		cli_out_discard(&out);
		if (pause_log != NULL) {
			fclose(pause_log); /* the child wrote it; nothing is buffered here */
			if (rc != EXIT_OK)
				unlink(log_path);
		}
		return rc;
	}
	return run_here(&spec, probes, record_path, &out, pause_log);
}

/* The run itself, in the child cmd_run forked. */
static int run_here(const struct run_spec *sp, enum probe_level probes, const char *record_path,
		    struct cli_out *out, FILE *pause_log)
{
	struct run_spec spec = *sp;
	bool json_only = spec.json_path && strcmp(spec.json_path, "-") == 0;
	if (cli_apply_mem_limit(spec.mem_limit) != 0) {
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
		.alloc = mm_model_get(spec.model)->takes_allocator ? spec.alloc->ops : NULL,
		.alloc_options = spec.alloc_options,
		.entry = spec.wl->impl[spec.model]->entry,
		.job = &job,
		.probes = probes,
		.panic = rule_broken,
		.pause_log = pause_log,
		.model_options = spec.model_options,
		.heap_limit = spec.heap_limit,
		.no_split = spec_split_off(),
	};
	char *record_opts = NULL;
	if (record_path != NULL && run_record_attach(&spec, record_path, &ses, &record_opts) != EXIT_OK)
		return EXIT_USAGE;
	/* on the heap, not the stack: the record is ~34 KiB, and under gc the
	 * stack is scanned as roots and counted in when to collect */
	struct stats *stp = calloc(1, sizeof *stp);
	if (stp == NULL) {
		free(record_opts);
		cli_error("out of memory for the stats");
		return EXIT_RUN;
	}
	char err[256];
	enum session_status status = session_run(&ses, stp, err, sizeof err);
	cli_stdout_flush();
	if (status != SESSION_OK) {
		free(stp);
		free(record_opts);
		cli_error("%s", err);
		return status == SESSION_CONFIG  ? EXIT_USAGE
		       : status == SESSION_WRONG ? EXIT_CHECK
						 : EXIT_RUN;
	}
	spec_config(&spec, spec.model, &stp->config);
	snprintf(stp->config.probes, sizeof stp->config.probes, "%s", probe_level_name(probes));

	if (!json_only) {
		struct emitter e;
		emit_init_file(&e, EMIT_TABLE, stdout);
		if (!spec.quiet)
			fputc('\n', stdout);
		stats_emit(&e, stp);
	}
	if (pause_log != NULL && (ferror(pause_log) | fclose(pause_log)) != 0) {
		free(stp);
		free(record_opts);
		cli_error("cannot write the pause log: %s", strerror(errno));
		return EXIT_RUN;
	}
	int rc = spec.json_path ? cli_out_json(out, run_doc, stp) : EXIT_OK;
	free(stp);
	free(record_opts);
	return rc;
}
