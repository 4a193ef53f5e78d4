/* cmd_replay.c — `mmlab replay FILE...`: traces on one allocator.
 *
 * Every trace is read before any runs (a malformed one stops the command
 * with FILE:LINE, status 2); each then replays in a forked child, so a
 * system heap starts unshaped by earlier traces and a crash loses one row.
 * One emitter writes the table and the JSON. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay/replay.h"
#include "runtime/stats/emit.h"
#include "runtime/stats/stats.h"
#include "cli.h"

static const char usage[] =
	"usage: mmlab replay [options] FILE...\n"
	"\n"
	"Replay allocation traces on one allocator, as the CS:APP malloc lab's driver\n"
	"does: check every block (non-NULL, aligned, no overlap with a live block,\n"
	"payload intact across realloc), then report space utilization (peak live\n"
	"payload / peak footprint) and throughput, per trace and in total.  A FILE is\n"
	"a malloc-lab .rep trace or an mmlab trace (mmlab run --record); see\n"
	"docs/replay.md.  Each trace replays in a fresh process.\n"
	"\n"
	"  -a, --allocator NAME  allocator to replay on (default glibc; see mmlab list)\n"
	"      --json FILE       also write the results as JSON to FILE; with '-',\n"
	"                        write only the JSON, to stdout\n"
	"      --reps N          at least N timed passes per trace, 1 to 100 (default 3)\n"
	"      --min-time SECS   and passes adding up to at least SECS, a decimal\n"
	"                        number from 0 to 60 (default 0.05)\n"
	"      --mem-limit SIZE  address-space limit per trace: 0 for none, else 16M\n"
	"                        to 2^64-1 bytes, e.g. 4G (default: physical memory)\n"
	"      --timeout SECS    stop a trace's replay still going after SECS seconds,\n"
	"                        1 to 86400 (default: no limit)\n"
	"  -h, --help            show this help\n"
	"\n"
	"Options may be given once each.\n"
	"\n"
	"Exit status: 0 every trace valid, 1 a check failed, 2 bad input (a malformed\n"
	"trace: FILE:LINE; a --json FILE that cannot be written), 3 a replay failed\n"
	"(out of memory, the allocator crashed, a time-out) or the output could not\n"
	"be written (a full disk).\n";

enum { OPT_REPS = OPT_FIRST_LOCAL, OPT_MIN_TIME };
enum { REPS_MAX = 100 };

/* What a child hands back through its pipe. */
struct outcome {
	int rc;            /* 0, or -1 with err */
	char err[256];
	struct replay_result r;
};

struct job {
	const struct run_spec *spec;
	unsigned reps;
	double min_secs;
};

static _Noreturn void child(const struct job *j, const struct trace *t, int fd)
{
	struct outcome o;
	memset(&o, 0, sizeof o);
	const struct alloc_ops *ops = j->spec->alloc->ops;
	if (cli_apply_mem_limit(j->spec->mem_limit) != 0) {
		fprintf(stderr, "mmlab: cannot set the memory limit: %s\n", strerror(errno));
		_exit(EXIT_RUN);
	}
	o.rc = replay_check(t, ops, j->spec->alloc_options, &o.r, o.err, sizeof o.err);
	if (o.rc == 0 && o.r.valid)
		o.rc = replay_time(t, ops, j->spec->alloc_options, j->reps, j->min_secs, &o.r, o.err,
				   sizeof o.err);
	cli_send_and_exit(fd, &o, sizeof o);
}

/* Replay t in a child; EXIT_OK (the result in *o, valid or not) or
 * EXIT_RUN after printing why. */
static int replay_one(const struct job *j, const char *path, const struct trace *t,
		      struct outcome *o)
{
	int fds[2];
	pid_t pid = cli_fork_piped(fds, 0);
	if (pid < 0)
		return EXIT_RUN;
	if (pid == 0) {
		close(fds[0]);
		child(j, t, fds[1]);
	}
	close(fds[1]);
	char how[160];
	if (cli_child_result(pid, fds[0], o, sizeof *o, j->spec->timeout, how, sizeof how) !=
	    EXIT_OK) {
		cli_error("%s: the replay on %s %s%s", path, j->spec->alloc->name, cli_was(how), how);
		snprintf(o->err, sizeof o->err, "%s", how);
		return EXIT_RUN;
	}
	if (o->rc != 0) {
		cli_error("%s: %s", path, o->err);
		return EXIT_RUN;
	}
	return EXIT_OK;
}

static const struct emit_column cols_default[] = {
	{ "trace", "trace", -24 },
	{ "ops", "ops", 8 },
	{ "valid", "valid", 6 },
	{ "peak_live_bytes", "peak live", 10 },
	{ "peak_footprint_bytes", "peak footprint", 15 },
	{ "utilization", "utilization", 12 },
	{ "time_s", "time", 11 },
	{ "ops_per_s", "throughput", 11 },
	{ "error", "error", 0 },
};
enum { NCOLS = sizeof cols_default / sizeof cols_default[0] };

struct row {
	const char *path;
	bool ran;
	struct outcome o;
};

static struct emit_value known_f(enum emit_unit unit, bool known, double v)
{
	return known ? EMIT_F64(unit, v) : EMIT_NONE(unit);
}

static void emit_replay(struct emitter *e, const struct job *j, const char *alloc_text,
			const struct row *rows, unsigned n)
{
	struct stats_config host;
	memset(&host, 0, sizeof host);
	stats_config_host(&host);
	const char *backend = "";
	for (unsigned i = 0; i < n && !*backend; i++)
		if (rows[i].ran)
			backend = rows[i].o.r.backend;
	emit_begin(e);
	emit_schema(e, "mmlab-replay", 1);
	emit_object_begin(e, "config", "configuration");
	emit_kv(e, "allocator", "allocator", EMIT_STR(alloc_text));
	emit_kv(e, "backend", "backend", EMIT_STR(backend));
	emit_kv(e, "min_reps", "timed passes, at least", EMIT_U64(EMIT_COUNT, j->reps));
	emit_kv(e, "min_time_s", "timed, at least", EMIT_F64(EMIT_SECONDS, j->min_secs));
	emit_kv(e, "mmlab_version", "mmlab version", EMIT_STR(host.mmlab_version));
	emit_kv(e, "compiler", "compiler", EMIT_STR(host.compiler));
	emit_kv(e, "host", "host", EMIT_STR(host.host));
	emit_object_end(e);
	emit_break(e);

	uint64_t ops = 0, valid = 0, nutil = 0;
	double secs = 0, util = 0;
	bool timed_all = true;
	/* the trace column as wide as the longest path */
	struct emit_column cols[NCOLS];
	memcpy(cols, cols_default, sizeof cols);
	for (unsigned i = 0; i < n; i++) {
		size_t len = strlen(rows[i].path);
		if (len < 1000 && (int)len > -cols[0].width)
			cols[0].width = -(int)len;
	}
	emit_table_begin(e, "traces", cols, NCOLS);
	for (unsigned i = 0; i < n; i++) {
		const struct replay_result *r = &rows[i].o.r;
		bool ok = rows[i].ran && r->valid;
		struct emit_value cells[NCOLS] = {
			EMIT_STR(rows[i].path),
			rows[i].ran ? EMIT_U64(EMIT_COUNT, r->ops) : EMIT_NONE(EMIT_COUNT),
			rows[i].ran ? EMIT_STR(r->valid ? "yes" : "no") : EMIT_NONE(EMIT_TEXT),
			rows[i].ran ? EMIT_U64(EMIT_BYTES, r->peak_live) : EMIT_NONE(EMIT_BYTES),
			ok && r->footprint_known ? EMIT_U64(EMIT_BYTES, r->peak_footprint)
						 : EMIT_NONE(EMIT_BYTES),
			known_f(EMIT_RATIO, ok && r->utilization >= 0, r->utilization),
			known_f(EMIT_SECONDS, ok && r->reps > 0, r->secs),
			known_f(EMIT_RATE, ok && r->ops_per_s >= 0, r->ops_per_s),
			ok ? EMIT_NONE(EMIT_TEXT) : EMIT_STR(rows[i].ran ? r->why : rows[i].o.err),
		};
		emit_table_row(e, cells);
		valid += ok;
		if (!ok)
			continue;
		ops += r->ops;
		secs += r->secs;
		timed_all &= r->reps > 0;
		if (r->utilization >= 0)
			util += r->utilization, nutil++;
	}
	emit_table_end(e);
	emit_break(e);
	emit_object_begin(e, "total", "total (valid traces; utilization is their mean)");
	emit_kv(e, "traces", "traces", EMIT_U64(EMIT_COUNT, n));
	emit_kv(e, "valid", "valid", EMIT_U64(EMIT_COUNT, valid));
	emit_kv(e, "ops", "ops", EMIT_U64(EMIT_COUNT, ops));
	emit_kv(e, "utilization", "utilization",
		known_f(EMIT_RATIO, nutil > 0, util / (double)(nutil ? nutil : 1)));
	emit_kv(e, "time_s", "time", known_f(EMIT_SECONDS, valid > 0 && timed_all, secs));
	emit_kv(e, "ops_per_s", "throughput",
		known_f(EMIT_RATE, ops > 0 && timed_all && secs > 0,
			(double)ops / (secs > 0 ? secs : 1)));
	emit_object_end(e);
	emit_end(e);
}

/* What the JSON document is made of. */
struct replay_doc {
	const struct job *j;
	const char *alloc_text;
	const struct row *rows;
	unsigned n;
};

static void replay_doc(struct emitter *e, const void *arg)
{
	const struct replay_doc *d = arg;
	emit_replay(e, d->j, d->alloc_text, d->rows, d->n);
}

/* Seconds as a plain decimal number, "0.05" or "2": digits with at most
 * one point between digits, nothing else (no sign, hex, exponent, space,
 * "inf"), as strict as every other number the command line reads. */
static int parse_secs(const char *text, double *out)
{
	size_t whole = strspn(text, "0123456789");
	size_t frac = text[whole] == '.' ? strspn(text + whole + 1, "0123456789") : 0;
	size_t len = whole + (text[whole] == '.' ? 1 + frac : 0);
	if (whole == 0 || text[len] != '\0' || (text[whole] == '.' && frac == 0))
		return -1;
	double v = strtod(text, NULL);
	if (!(v >= 0 && v <= 60))
		return -1;
	*out = v;
	return 0;
}

/* The allocator's options are checked once here, so a refusal is one
 * line and status 2 rather than a failure in every child. */
static int check_allocator(const struct run_spec *s)
{
	if (s->alloc->ops == NULL) {
		cli_error("allocator %s serves only the gc model; replay needs one with an ops table",
			  s->alloc->name);
		return EXIT_USAGE;
	}
	void *state;
	char err[256];
	if (s->alloc->ops->init(&state, s->alloc_options, err, sizeof err) != 0) {
		cli_error("%s", err);
		return EXIT_USAGE;
	}
	s->alloc->ops->fini(state);
	return EXIT_OK;
}

int cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "allocator", required_argument, 0, 'a' },
		{ "json", required_argument, 0, OPT_JSON },
		{ "reps", required_argument, 0, OPT_REPS },
		{ "min-time", required_argument, 0, OPT_MIN_TIME },
		{ "mem-limit", required_argument, 0, OPT_MEM_LIMIT },
		{ "timeout", required_argument, 0, OPT_TIMEOUT },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct run_spec spec;
	struct cli_seen seen = { .n = 0 };
	spec_init(&spec);
	struct job j = { .spec = &spec, .reps = 3, .min_secs = 0.05 };
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, "a:h", longopts, NULL)) != -1) {
		if (opt != 'h' && opt != '?' && cli_once(&seen, longopts, opt) != EXIT_OK)
			return EXIT_USAGE;
		switch (opt) {
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case 'a':
		case OPT_JSON:
		case OPT_MEM_LIMIT:
		case OPT_TIMEOUT:
			if (spec_option(&spec, opt, optarg) != 1)
				return EXIT_USAGE;
			break;
		case OPT_REPS:
			if (parse_count("--reps", optarg, REPS_MAX, "passes", &j.reps) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case OPT_MIN_TIME:
			if (parse_secs(optarg, &j.min_secs) != 0) {
				cli_error("--min-time: '%s' is not a number of seconds from 0 to 60", optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			return cli_bad_option("replay", optopt, argv[optind - 1]);
		}
	}
	if (optind == argc) {
		cli_error("replay: no trace given (see mmlab replay --help)");
		return EXIT_USAGE;
	}
	if (check_allocator(&spec) != EXIT_OK)
		return EXIT_USAGE;
	int pre = preload_select(spec.alloc, argc, argv);
	if (pre != EXIT_OK)
		return pre;
	/* --json FILE is checked before the replays, not after them */
	struct cli_out out = { 0 };
	if (spec.json_path && cli_out_open(&out, spec.json_path) != EXIT_OK)
		return EXIT_USAGE;

	unsigned n = (unsigned)(argc - optind);
	struct trace *traces = calloc(n, sizeof *traces);
	struct row *rows = calloc(n, sizeof *rows);
	if (traces == NULL || rows == NULL) {
		free(traces);
		free(rows);
		cli_out_discard(&out);
		cli_error("out of memory for %u traces", n);
		return EXIT_RUN;
	}
	int rc = EXIT_OK;
	for (unsigned i = 0; i < n && rc == EXIT_OK; i++) {
		char err[512];
		rows[i].path = argv[optind + (int)i];
		if (trace_load(rows[i].path, &traces[i], err, sizeof err) != 0) {
			cli_error("%s", err);
			rc = EXIT_USAGE;
		}
	}
	char *alloc_text = cli_aprintf("%s%s%s", spec.alloc->name, *spec.alloc_options ? ":" : "",
				       spec.alloc_options);
	if (alloc_text == NULL) {
		cli_error("out of memory");
		rc = EXIT_USAGE; /* nothing ran: leave at once */
	}
	bool json_only = spec.json_path && strcmp(spec.json_path, "-") == 0;
	if (rc == EXIT_OK && !json_only) {
		printf("replaying %u trace%s on %s, each in a fresh process\n\n", n, n == 1 ? "" : "s",
		       alloc_text);
		/* stdout cannot be written: say so now, not after the replays
		 * (main reports it) */
		if (cli_stdout_flush() != 0)
			rc = EXIT_USAGE;
	}
	struct cli_progress prog;
	cli_progress_start(&prog, rc == EXIT_OK ? n : 0);
	for (unsigned i = 0; i < n && rc != EXIT_USAGE; i++) {
		cli_progress_step(&prog, i, rows[i].path);
		int r = replay_one(&j, rows[i].path, &traces[i], &rows[i].o);
		cli_progress_clear(&prog);
		rows[i].ran = r == EXIT_OK;
		if (r != EXIT_OK) {
			rc = r;
		} else if (rows[i].o.r.oom) { /* a failed run, not a failed check */
			cli_error("%s: %s: %s", rows[i].path, alloc_text, rows[i].o.r.why);
			rc = EXIT_RUN;
		} else if (!rows[i].o.r.valid) {
			cli_error("%s: %s: %s", rows[i].path, alloc_text, rows[i].o.r.why);
			if (rc == EXIT_OK)
				rc = EXIT_CHECK;
		}
	}
	cli_progress_end(&prog);
	if (rc != EXIT_USAGE) {
		if (!json_only) {
			struct emitter e;
			emit_init_file(&e, EMIT_TABLE, stdout);
			emit_replay(&e, &j, alloc_text, rows, n);
		}
		if (spec.json_path) {
			struct replay_doc doc = { &j, alloc_text, rows, n };
			int w = cli_out_json(&out, replay_doc, &doc);
			if (rc == EXIT_OK)
				rc = w;
		}
	} else {
		cli_out_discard(&out); /* nothing ran: FILE stays as it was */
		if (cli_stdout_flush() != 0)
			rc = EXIT_RUN;
	}
	for (unsigned i = 0; i < n; i++)
		trace_free(&traces[i]);
	free(traces);
	free(rows);
	free(alloc_text);
	return rc;
}
