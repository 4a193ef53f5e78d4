/* cmd_grade.c — `mmlab grade PLUGIN.so [TRACE...]`: the malloc lab's driver.
 *
 * The plug-in is loaded once here (a file that is no plug-in: one line,
 * status 2), then the correctness gate and every trace run each in a
 * forked child under --timeout, so a crash or a hang fails that step and
 * the grader goes on.  One emitter writes the table and the JSON; the
 * score's definition lives in grade/grade.h (docs/labs/grading.md). */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allocators/builtin.h"
#include "grade/grade.h"
#include "replay/replay.h"
#include "runtime/stats/emit.h"
#include "runtime/stats/stats.h"
#include "cli.h"

static const char usage[] =
	"usage: mmlab grade [options] PLUGIN.so [TRACE...]\n"
	"       mmlab grade [options] NAME [TRACE...]\n"
	"\n"
	"Grade a plug-in allocator as the malloc lab's driver does (docs/labs/grading.md);\n"
	"NAME grades a built-in allocator instead (segfits, buddy, glibc: see mmlab\n"
	"list), to compare.\n"
	"First the correctness gate: built-in traces replayed with every check\n"
	"(alignment, overlap, realloc, large); then each TRACE (default: the shipped\n"
	"lab set, lab/traces) is checked (non-NULL, aligned, no overlap, payload\n"
	"intact), its utilization U measured (peak live payload / peak footprint, as\n"
	"the plug-in reports it), and its throughput timed against glibc's in paired\n"
	"rounds in the same process.  The score is\n"
	"  P = 100 * (0.6 * U + 0.4 * min(1, T / T_glibc))\n"
	"with U the mean over the traces and T, T_glibc the throughput over all of\n"
	"them.  A plug-in that fails the gate or any trace scores 0, with the first\n"
	"failure named.  The gate and every trace run in a fresh process.\n"
	"\n"
	"      --json FILE       also write the results as JSON to FILE; with '-',\n"
	"                        write only the JSON, to stdout\n"
	"      --rounds N        paired timing rounds per trace, 1 to 50 (default 5)\n"
	"      --timeout SECS    fail a trace (or the gate) still going after SECS\n"
	"                        seconds, 1 to 86400 (default 60)\n"
	"  -h, --help            show this help\n"
	"\n"
	"Options may be given once each.  MMLAB_TRACES names another default trace\n"
	"folder.\n"
	"\n"
	"Exit status: 0 graded, every check passed; 1 the gate or a trace failed\n"
	"(score 0); 2 bad input (not a plug-in, a malformed trace); 3 the output\n"
	"could not be written.\n";

enum { OPT_ROUNDS = OPT_FIRST_LOCAL };
enum { ROUNDS_MAX = 50, DEFAULT_TIMEOUT = 60 };

/* What a child hands back through its pipe. */
struct outcome {
	int rc; /* 0, or -1 with err */
	char err[256];
	struct grade_gate_result gate;
	struct replay_result r;
	double secs, ref_secs;
};

struct job {
	const struct alloc_ops *ops; /* alloc_plugin, or a built-in allocator's */
	const char *plugin; /* the options for ops: the plug-in's path, or "" */
	unsigned rounds;
	unsigned timeout;
	uint64_t mem_limit;
	const struct trace *t; /* NULL: the gate */
};

static void child_work(const struct job *j, struct outcome *o)
{
	if (j->t == NULL) {
		o->rc = grade_gate(j->ops, j->plugin, &o->gate, o->err, sizeof o->err);
		return;
	}
	o->rc = replay_check(j->t, j->ops, j->plugin, &o->r, o->err, sizeof o->err);
	if (o->rc == 0 && o->r.valid)
		o->rc = grade_time_paired(j->t, j->ops, j->plugin, &alloc_system, j->rounds,
					  &o->secs, &o->ref_secs, o->err, sizeof o->err);
}

static _Noreturn void child(const struct job *j, int fd)
{
	static struct outcome o;
	memset(&o, 0, sizeof o);
	if (cli_apply_mem_limit(j->mem_limit) != 0) {
		fprintf(stderr, "mmlab: cannot set the memory limit: %s\n", strerror(errno));
		_exit(EXIT_RUN);
	}
	child_work(j, &o);
	cli_send_and_exit(fd, &o, sizeof o);
}

/* Run one step in a child: 0 with *o filled, or -1 with the reason (a
 * signal, the time limit) in o->err. */
static int run_step(const struct job *j, struct outcome *o)
{
	memset(o, 0, sizeof *o);
	int fds[2];
	pid_t pid = cli_fork_piped(fds, 0);
	if (pid < 0) {
		snprintf(o->err, sizeof o->err, "cannot fork");
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		child(j, fds[1]);
	}
	close(fds[1]);
	char how[160];
	if (cli_child_result(pid, fds[0], o, sizeof *o, j->timeout, how, sizeof how) != EXIT_OK) {
		snprintf(o->err, sizeof o->err, "the plug-in %s%s", cli_was(how), how);
		return -1;
	}
	if (o->rc != 0)
		return -1;
	return 0;
}

struct row {
	const char *path;
	bool ok;
	char why[256];
	struct outcome o;
};

static struct emit_value known_f(enum emit_unit unit, bool known, double v)
{
	return known ? EMIT_F64(unit, v) : EMIT_NONE(unit);
}

struct grade_doc {
	const char *plugin;
	const struct job *j;
	bool gate_ok;
	const char *gate_failed; /* the gate's name, or NULL */
	const char *gate_why;
	const struct row *rows;
	unsigned n;
	const struct grade_total *total;
};

static void emit_grade(struct emitter *e, const struct grade_doc *d)
{
	struct stats_config host;
	memset(&host, 0, sizeof host);
	stats_config_host(&host);
	emit_begin(e);
	emit_schema(e, "mmlab-grade", 1);
	emit_object_begin(e, "config", "configuration");
	emit_kv(e, "plugin", "plug-in", EMIT_STR(d->plugin));
	emit_kv(e, "reference", "timed against", EMIT_STR("glibc"));
	emit_kv(e, "rounds", "paired rounds", EMIT_U64(EMIT_COUNT, d->j->rounds));
	emit_kv(e, "timeout_s", "time limit per step", EMIT_U64(EMIT_COUNT, d->j->timeout));
	emit_kv(e, "weight", "w (weight of U)", EMIT_F64(EMIT_RATIO, GRADE_WEIGHT));
	emit_kv(e, "mmlab_version", "mmlab version", EMIT_STR(host.mmlab_version));
	emit_kv(e, "host", "host", EMIT_STR(host.host));
	emit_object_end(e);
	emit_break(e);
	emit_object_begin(e, "gate", "correctness gate");
	emit_kv(e, "passed", "passed", EMIT_STR(d->gate_ok ? "yes" : "no"));
	emit_kv(e, "failed_check", "failed check",
		d->gate_failed ? EMIT_STR(d->gate_failed) : EMIT_NONE(EMIT_TEXT));
	emit_kv(e, "error", "first failure",
		d->gate_ok ? EMIT_NONE(EMIT_TEXT) : EMIT_STR(d->gate_why));
	emit_object_end(e);
	emit_break(e);

	struct emit_column cols[] = {
		{ "trace", "trace", -24 },
		{ "ops", "ops", 8 },
		{ "valid", "valid", 6 },
		{ "utilization", "U", 6 },
		{ "time_s", "time", 11 },
		{ "glibc_time_s", "glibc time", 11 },
		{ "t_ratio", "T/T_glibc", 10 },
		{ "error", "error", 0 },
	};
	enum { NCOLS = sizeof cols / sizeof cols[0] };
	for (unsigned i = 0; i < d->n; i++) {
		size_t len = strlen(d->rows[i].path);
		if (len < 1000 && (int)len > -cols[0].width)
			cols[0].width = -(int)len;
	}
	emit_table_begin(e, "traces", cols, NCOLS);
	for (unsigned i = 0; i < d->n; i++) {
		const struct row *w = &d->rows[i];
		const struct replay_result *r = &w->o.r;
		struct emit_value cells[NCOLS] = {
			EMIT_STR(w->path),
			EMIT_U64(EMIT_COUNT, r->ops),
			EMIT_STR(w->ok ? "yes" : "no"),
			known_f(EMIT_RATIO, w->ok && r->utilization >= 0, r->utilization),
			known_f(EMIT_SECONDS, w->ok, w->o.secs),
			known_f(EMIT_SECONDS, w->ok, w->o.ref_secs),
			known_f(EMIT_RATIO, w->ok && w->o.secs > 0,
				w->o.ref_secs / (w->o.secs > 0 ? w->o.secs : 1)),
			w->ok ? EMIT_NONE(EMIT_TEXT) : EMIT_STR(w->why),
		};
		emit_table_row(e, cells);
	}
	emit_table_end(e);
	emit_break(e);
	const struct grade_total *t = d->total;
	emit_object_begin(e, "total", "score (P = 100 * (w*U + (1-w)*min(1, T/T_glibc)))");
	emit_kv(e, "traces", "traces", EMIT_U64(EMIT_COUNT, t->traces));
	emit_kv(e, "passed", "passed", EMIT_U64(EMIT_COUNT, t->passed));
	emit_kv(e, "utilization", "U (mean)", EMIT_F64(EMIT_RATIO, t->util));
	emit_kv(e, "t_ratio", "T/T_glibc", EMIT_F64(EMIT_RATIO, t->t_ratio));
	emit_kv(e, "score", "score (of 100)", EMIT_F64(EMIT_RATIO, t->score));
	emit_object_end(e);
	emit_end(e);
}

static void grade_doc_fn(struct emitter *e, const void *arg)
{
	emit_grade(e, arg);
}

/* The default traces: $MMLAB_TRACES, else the lab set of the source tree
 * (B/obj/mmlab: lab/traces) or of an installed kit (PREFIX/lib/mmlab/bin/
 * mmlab: PREFIX/share/mmlab/traces/lab).  0 with the sorted list in *g. */
static int default_traces(glob_t *g)
{
	const char *env = getenv("MMLAB_TRACES");
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash != NULL)
		*slash = '\0';
	/* the tree's build dirs are B/obj (B: build, or build/NAME) */
	static const char *const rel[] = { "../../lab/traces", "../../../lab/traces",
					   "../../../share/mmlab/traces/lab" };
	enum { NREL = sizeof rel / sizeof rel[0] };
	for (unsigned i = 0; i < (env ? 1u : NREL); i++) {
		char cand[PATH_MAX + 64];
		if (env)
			snprintf(cand, sizeof cand, "%s", env);
		else
			snprintf(cand, sizeof cand, "%s/%s", exe, rel[i]);
		struct stat st;
		if (stat(cand, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		char pat[PATH_MAX + 80];
		snprintf(pat, sizeof pat, "%s/*.rep", cand);
		int r = glob(pat, 0, NULL, g);
		snprintf(pat, sizeof pat, "%s/*.trace", cand);
		r = glob(pat, r == 0 ? GLOB_APPEND : 0, NULL, g);
		if (g->gl_pathc > 0)
			return 0;
		globfree(g);
	}
	return -1;
}

int cmd_grade(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", required_argument, 0, OPT_JSON },
		{ "rounds", required_argument, 0, OPT_ROUNDS },
		{ "timeout", required_argument, 0, OPT_TIMEOUT },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct run_spec spec;
	struct cli_seen seen = { .n = 0 };
	spec_init(&spec);
	spec.timeout = DEFAULT_TIMEOUT;
	struct job j = { .rounds = 5 };
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt != 'h' && opt != '?' && cli_once(&seen, longopts, opt) != EXIT_OK)
			return EXIT_USAGE;
		switch (opt) {
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case OPT_JSON:
		case OPT_TIMEOUT:
			if (spec_option(&spec, opt, optarg) != 1)
				return EXIT_USAGE;
			break;
		case OPT_ROUNDS:
			if (parse_count("--rounds", optarg, ROUNDS_MAX, "rounds", &j.rounds) != EXIT_OK)
				return EXIT_USAGE;
			break;
		default:
			return cli_bad_option("grade", optopt, argv[optind - 1]);
		}
	}
	if (optind == argc) {
		cli_error("grade: no plug-in given (see mmlab grade --help)");
		return EXIT_USAGE;
	}
	const char *what = argv[optind++];
	j.timeout = spec.timeout;
	j.mem_limit = spec.mem_limit;
	/* a built-in allocator's name grades it, for comparison */
	const struct alloc_entry *builtin = strchr(what, '/') ? NULL : alloc_find(what);
	if (builtin != NULL && builtin->ops != NULL && builtin->ops != &alloc_plugin &&
	    builtin->preload == NULL) {
		j.ops = builtin->ops;
		j.plugin = "";
	} else {
		j.ops = &alloc_plugin;
		j.plugin = what;
	}
	if (strchr(j.plugin, ':') != NULL) {
		cli_error("grade: %s: a plug-in's path may not hold ':'", j.plugin);
		return EXIT_USAGE;
	}
	/* loaded once here: not a shared object, no table, a refused init */
	void *state;
	char err[512];
	if (j.ops->init(&state, j.plugin, err, sizeof err) != 0) {
		cli_error("grade: %s", err);
		return EXIT_USAGE;
	}
	j.ops->fini(state);

	glob_t g = { 0 };
	bool globbed = false;
	unsigned n = (unsigned)(argc - optind);
	char **paths = argv + optind;
	if (n == 0) {
		if (default_traces(&g) != 0) {
			cli_error("grade: no trace given and no lab trace set found (set MMLAB_TRACES)");
			return EXIT_USAGE;
		}
		globbed = true;
		n = (unsigned)g.gl_pathc;
		paths = g.gl_pathv;
	}
	struct cli_out out = { 0 };
	if (spec.json_path && cli_out_open(&out, spec.json_path) != EXIT_OK) {
		if (globbed)
			globfree(&g);
		return EXIT_USAGE;
	}
	struct trace *traces = calloc(n, sizeof *traces);
	struct row *rows = calloc(n, sizeof *rows);
	struct grade_row *grow = calloc(n, sizeof *grow);
	int rc = EXIT_OK;
	if (traces == NULL || rows == NULL || grow == NULL) {
		cli_error("out of memory for %u traces", n);
		rc = EXIT_USAGE;
	}
	unsigned loaded = 0;
	for (unsigned i = 0; i < n && rc == EXIT_OK; i++, loaded++) {
		rows[i].path = paths[i];
		if (trace_load(paths[i], &traces[i], err, sizeof err) != 0) {
			cli_error("%s", err);
			rc = EXIT_USAGE;
		}
	}
	bool json_only = spec.json_path && strcmp(spec.json_path, "-") == 0;
	if (rc == EXIT_OK && !json_only) {
		printf("grading %s on %u trace%s, each in a fresh process; glibc timed in the "
		       "same %u paired rounds\n\n",
		       what, n, n == 1 ? "" : "s", j.rounds);
		if (cli_stdout_flush() != 0)
			rc = EXIT_USAGE;
	}
	struct grade_doc doc = { .plugin = what, .j = &j, .rows = rows, .n = n };
	struct grade_total total;
	if (rc == EXIT_OK) {
		struct outcome o;
		struct cli_progress prog;
		cli_progress_start(&prog, n + 1);
		cli_progress_step(&prog, 0, "correctness gate");
		j.t = NULL;
		int r = run_step(&j, &o);
		cli_progress_clear(&prog);
		static char gate_why[320];
		doc.gate_ok = r == 0 && o.gate.passed;
		if (r != 0) {
			doc.gate_failed = "run";
			snprintf(gate_why, sizeof gate_why, "%s", o.err);
		} else if (!o.gate.passed) {
			doc.gate_failed = grade_gate_name(0);
			for (unsigned k = 0; k < grade_gate_count(); k++)
				if (strcmp(grade_gate_name(k), o.gate.check) == 0)
					doc.gate_failed = grade_gate_name(k);
			snprintf(gate_why, sizeof gate_why, "%s", o.gate.why);
		}
		doc.gate_why = gate_why;
		if (!doc.gate_ok) {
			cli_error("%s: fails the correctness gate (%s): %s", what, doc.gate_failed,
				  gate_why);
			rc = EXIT_CHECK;
		}
		for (unsigned i = 0; i < n; i++) {
			cli_progress_step(&prog, i + 1, rows[i].path);
			j.t = &traces[i];
			r = run_step(&j, &rows[i].o);
			cli_progress_clear(&prog);
			const struct outcome *w = &rows[i].o;
			rows[i].ok = r == 0 && w->r.valid;
			if (r != 0)
				snprintf(rows[i].why, sizeof rows[i].why, "%s", w->err);
			else if (!w->r.valid)
				snprintf(rows[i].why, sizeof rows[i].why, "%s", w->r.why);
			if (!rows[i].ok) {
				cli_error("%s: %s", rows[i].path, rows[i].why);
				rc = EXIT_CHECK;
			}
			grow[i] = (struct grade_row){ .ok = rows[i].ok,
						      .utilization = w->r.utilization,
						      .ops = w->r.ops,
						      .secs = w->secs,
						      .ref_secs = w->ref_secs };
		}
		cli_progress_end(&prog);
		grade_total(grow, n, doc.gate_ok, &total);
		doc.total = &total;
		if (!json_only) {
			struct emitter e;
			emit_init_file(&e, EMIT_TABLE, stdout);
			emit_grade(&e, &doc);
		}
		if (spec.json_path) {
			int w = cli_out_json(&out, grade_doc_fn, &doc);
			if (rc == EXIT_OK)
				rc = w;
		}
	} else {
		cli_out_discard(&out);
	}
	for (unsigned i = 0; i < loaded; i++)
		trace_free(&traces[i]);
	free(traces);
	free(rows);
	free(grow);
	if (globbed)
		globfree(&g);
	return rc;
}
