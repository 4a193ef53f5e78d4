/* cmd_exec.c — `mmlab exec -a ALLOC -- PROGRAM ARGS...`: any program on any
 * malloc, measured from outside, with the allocator's own figures at exit.
 *
 * A system allocator is its library in LD_PRELOAD, followed by the
 * collector (shims/collector.c) that reads the serving malloc's stats at
 * exit; a teaching allocator is its shim, which writes its own record.
 * Either writes one mmlab-stats record into a private directory named by
 * MMLAB_STATS; wall time is taken around fork and wait4, CPU time and peak
 * RSS come from wait4's rusage, which is the child's own.  Invariant: the
 * program's stdin, stdout and stderr are its own, untouched; mmlab's dump
 * goes only to --json FILE, and its summary to stderr after the program
 * ended.  mmlab exits with the program's status (128 + N after signal N).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/stats/stats_read.h"
#include "runtime/stats/version.h"
#include "cli.h"

#define EXEC_SCHEMA "mmlab-exec"
#define EXEC_SCHEMA_VERSION 1

enum { REPEAT_MAX = 1000, OPT_REPEAT = OPT_FIRST_LOCAL, OPT_QUIET };

static const char usage[] =
	"usage: mmlab exec [options] [--] PROGRAM [ARGS...]\n"
	"\n"
	"Run PROGRAM on an allocator and measure it from outside: wall and CPU time\n"
	"and peak RSS of the process, its exit status, and the allocator's own\n"
	"statistics at exit (read by a small preloaded collector, or written by a\n"
	"teaching allocator's shim).  PROGRAM's input and output are its own; the\n"
	"dump goes to --json FILE, a short summary to stderr once PROGRAM ended.\n"
	"See docs/exec.md.\n"
	"\n"
	"  -a, --allocator NAME  glibc (default), jemalloc, mimalloc, tcmalloc, or a\n"
	"                        teaching allocator through its shim (make shims)\n"
	"      --repeat K        run PROGRAM K times, 1 to 1000: median, min, max\n"
	"      --json FILE       write the mmlab-exec dump to FILE (not '-': stdout\n"
	"                        is PROGRAM's)\n"
	"      --timeout SECS    kill a run still going after SECS seconds, 1 to 86400\n"
	"  -q, --quiet           no summary on stderr\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: PROGRAM's own (of the first run that failed), 128 + N when it\n"
	"was killed by signal N; 2 bad input (mmlab's options, a PROGRAM that cannot\n"
	"be run); 3 a run timed out or the dump could not be written.\n";

/* One run of the program. */
struct exec_run {
	int status;     /* wait status */
	bool timed_out; /* killed at --timeout */
	double wall_s, user_s, sys_s;
	uint64_t peak_rss;
	bool has_record;
	char note[360]; /* why there is no record */
	struct stats rec;
};

struct exec_doc {
	char **argv; /* the program and its arguments */
	int argc;
	const char *allocator;
	const char *preload;
	unsigned n;
	struct exec_run *runs;
	struct stats_config host;
	bool with_runs; /* the whole dump, not the summary */
};

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static double tv_s(const struct timeval *t)
{
	return (double)t->tv_sec + (double)t->tv_usec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The run the dump reports as the program's end: the first that did not
 * exit 0, else the last. */
static const struct exec_run *reported(const struct exec_doc *d)
{
	for (unsigned i = 0; i < d->n; i++)
		if (d->runs[i].timed_out || !WIFEXITED(d->runs[i].status) ||
		    WEXITSTATUS(d->runs[i].status) != 0)
			return &d->runs[i];
	return &d->runs[d->n - 1];
}

static double run_figure(const struct exec_run *r, int which)
{
	switch (which) {
	case 0:
		return r->wall_s;
	case 1:
		return r->user_s + r->sys_s;
	default:
		return (double)r->peak_rss;
	}
}

/* "wall_s": {"median", "min", "max"} over the runs. */
static void emit_summary(struct emitter *e, const struct exec_doc *d, int which,
			 const char *key, const char *label)
{
	double vals[REPEAT_MAX];
	for (unsigned i = 0; i < d->n; i++)
		vals[i] = run_figure(&d->runs[i], which);
	qsort(vals, d->n, sizeof vals[0], cmp_double);
	unsigned k = d->n;
	double m[3] = { k % 2 ? vals[k / 2] : (vals[k / 2 - 1] + vals[k / 2]) / 2, vals[0],
			vals[k - 1] };
	static const char *const names[3] = { "median", "min", "max" };
	emit_object_begin(e, key, label);
	for (int i = 0; i < 3; i++)
		emit_kv(e, names[i], names[i],
			which == 2 ? EMIT_U64(EMIT_BYTES, (uint64_t)(m[i] + 0.5))
				   : EMIT_F64(EMIT_SECONDS, m[i]));
	emit_object_end(e);
}

static void emit_end_of(struct emitter *e, const struct exec_run *r)
{
	bool exited = !r->timed_out && WIFEXITED(r->status);
	bool signalled = !r->timed_out && WIFSIGNALED(r->status);
	emit_kv(e, "ended", "ended",
		EMIT_STR(r->timed_out ? "timeout" : exited ? "exit" : "signal"));
	emit_kv(e, "exit_status", "exit status",
		exited ? EMIT_I64(WEXITSTATUS(r->status)) : EMIT_NONE(EMIT_INT));
	emit_kv(e, "signal", "signal",
		signalled ? EMIT_I64(WTERMSIG(r->status)) : EMIT_NONE(EMIT_INT));
}

static void exec_emit(struct emitter *e, const void *arg)
{
	const struct exec_doc *d = arg;
	emit_begin(e);
	emit_schema(e, EXEC_SCHEMA, EXEC_SCHEMA_VERSION);
	emit_object_begin(e, "config", "configuration");
	emit_kv(e, "program", "program", EMIT_STR(d->argv[0]));
	emit_array_begin(e, "args", "arguments");
	for (int i = 1; i < d->argc; i++)
		emit_array_value(e, EMIT_STR(d->argv[i]));
	emit_array_end(e);
	emit_kv(e, "allocator", "allocator", EMIT_STR(d->allocator));
	emit_kv(e, "preload", "preloaded", EMIT_STR(d->preload));
	emit_kv(e, "repeat", "runs", EMIT_U64(EMIT_COUNT, d->n));
	emit_kv(e, "mmlab_version", "mmlab version", EMIT_STR(d->host.mmlab_version));
	emit_kv(e, "compiler", "compiler", EMIT_STR(d->host.compiler));
	emit_kv(e, "host", "host", EMIT_STR(d->host.host));
	emit_object_end(e);

	emit_object_begin(e, "results", "results");
	emit_end_of(e, reported(d));
	emit_summary(e, d, 0, "wall_s", "wall time");
	emit_summary(e, d, 1, "cpu_s", "cpu time");
	emit_summary(e, d, 2, "peak_rss_bytes", "peak RSS");
	const struct exec_run *last = &d->runs[d->n - 1];
	const struct stats_results *r = last->has_record ? &last->rec.results : NULL;
	emit_kv(e, "allocs", "allocations (last run)",
		r && stats_known(r, STATS_F_allocs) ? EMIT_U64(EMIT_COUNT, r->allocs)
						    : EMIT_NONE(EMIT_COUNT));
	const struct alloc_stats *a = last->has_record && last->rec.has_alloc ? &last->rec.alloc
									      : NULL;
	emit_kv(e, "allocated_bytes", "allocated at exit (last run)",
		a && (a->known & ALLOC_KNOW_ALLOCATED) ? EMIT_U64(EMIT_BYTES, a->allocated)
						       : EMIT_NONE(EMIT_BYTES));
	emit_kv(e, "footprint_bytes", "footprint at exit (last run)",
		a && (a->known & ALLOC_KNOW_FOOTPRINT) ? EMIT_U64(EMIT_BYTES, a->footprint)
						       : EMIT_NONE(EMIT_BYTES));
	emit_object_end(e);

	if (d->with_runs) {
		emit_list_begin(e, "runs", "runs");
		for (unsigned i = 0; i < d->n; i++) {
			const struct exec_run *x = &d->runs[i];
			emit_object_begin(e, NULL, NULL);
			emit_end_of(e, x);
			emit_kv(e, "wall_s", "wall time", EMIT_F64(EMIT_SECONDS, x->wall_s));
			emit_kv(e, "user_s", "user time", EMIT_F64(EMIT_SECONDS, x->user_s));
			emit_kv(e, "sys_s", "system time", EMIT_F64(EMIT_SECONDS, x->sys_s));
			emit_kv(e, "cpu_s", "cpu time", EMIT_F64(EMIT_SECONDS, x->user_s + x->sys_s));
			emit_kv(e, "peak_rss_bytes", "peak RSS", EMIT_U64(EMIT_BYTES, x->peak_rss));
			if (x->has_record) {
				emit_object_begin(e, "record", "allocator's record");
				stats_emit_members(e, &x->rec);
				emit_object_end(e);
			} else {
				emit_kv(e, "record", "allocator's record", EMIT_NONE(EMIT_TEXT));
				emit_kv(e, "record_note", "why no record", EMIT_STR(x->note));
			}
			emit_object_end(e);
		}
		emit_list_end(e);
	}
	emit_end(e);
}

/* Where the shims live: $MMLAB_SHIMS, else beside this mmlab's folder
 * (B/obj/mmlab: B/shims). */
static bool shim_dir(char *out, size_t len)
{
	const char *env = getenv("MMLAB_SHIMS");
	if (env != NULL && *env)
		return snprintf(out, len, "%s", env) < (int)len;
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return false;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (slash == NULL)
		return false;
	*slash = '\0';
	return snprintf(out, len, "%s/../shims", self) < (int)len;
}

/* LD_PRELOAD for allocator a, into out.  EXIT_OK or EXIT_USAGE. */
static int preload_for(const struct alloc_entry *a, char *out, size_t len)
{
	char dir[PATH_MAX], lib[PATH_MAX], path[PATH_MAX + 64];
	if (a->ops == NULL) {
		cli_error("exec: allocator %s serves the gc model only; exec needs a malloc (see "
			  "mmlab list)", a->name);
		return EXIT_USAGE;
	}
	if (!shim_dir(dir, sizeof dir)) {
		cli_error("exec: cannot find the shims' folder (set MMLAB_SHIMS)");
		return EXIT_USAGE;
	}
	bool system = a->ops == &alloc_system;
	if (system)
		snprintf(path, sizeof path, "%s/mmlab-collector.so", dir);
	else
		snprintf(path, sizeof path, "%s/libmmlab-%s.so", dir, a->name);
	if (access(path, R_OK) != 0) {
		if (system)
			cli_error("exec: the stats collector %s is missing (make shims)", path);
		else
			cli_error("exec: allocator %s has no preload shim %s (make shims builds one "
				  "per teaching allocator)", a->name, path);
		return EXIT_USAGE;
	}
	if (system && a->preload != NULL) {
		if (!preload_library(a, lib, sizeof lib)) {
			cli_error("exec: allocator %s needs %s, which is not installed: apt-get "
				  "install %s", a->name, a->preload, a->package);
			return EXIT_USAGE;
		}
		if (snprintf(out, len, "%.*s %.*s", PATH_MAX, lib, PATH_MAX, path) >= (int)len)
			return EXIT_USAGE;
	} else {
		snprintf(out, len, "%.*s", PATH_MAX, path);
	}
	return EXIT_OK;
}

/* Remove every file in dir (the records of a run and its children). */
static void empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	for (struct dirent *ent; (ent = readdir(d)) != NULL;)
		if (ent->d_name[0] != '.')
			unlinkat(dirfd(d), ent->d_name, 0);
	closedir(d);
}

/* wait4 for pid; with a limit (secs > 0), a child still running at its
 * end is killed first (*expired). */
static void wait_child(pid_t pid, int *status, struct rusage *ru, unsigned secs, bool *expired)
{
	struct cli_limit l;
	cli_limit_start(&l, secs);
	*expired = !cli_wait_end(pid, &l);
	if (*expired)
		kill(pid, SIGKILL);
	while (wait4(pid, status, 0, ru) < 0 && errno == EINTR)
		;
}

/* One run.  EXIT_OK, or EXIT_USAGE when the program cannot be run, or
 * EXIT_RUN when mmlab could not fork. */
static int run_once(struct exec_doc *d, struct exec_run *r, const char *dir, unsigned secs)
{
	int fds[2];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = cli_fork_piped(fds, O_CLOEXEC);
	if (pid < 0)
		return EXIT_RUN;
	if (pid == 0) {
		char pidtext[24], where[PATH_MAX + 16];
		close(fds[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		snprintf(pidtext, sizeof pidtext, "%ld", (long)getpid());
		snprintf(where, sizeof where, "%s/stats.%%p", dir);
		const char *theirs = getenv("LD_PRELOAD");
		char *preload = theirs && *theirs ? cli_aprintf("%s %s", d->preload, theirs)
						  : cli_aprintf("%s", d->preload);
		if (preload == NULL || setenv("LD_PRELOAD", preload, 1) != 0 ||
		    setenv("MMLAB_STATS", where, 1) != 0 ||
		    setenv("MMLAB_STATS_PID", pidtext, 1) != 0)
			_exit(127);
		execvp(d->argv[0], d->argv);
		int err = errno;
		ssize_t w = write(fds[1], &err, sizeof err);
		(void)w;
		_exit(127);
	}
	close(fds[1]);
	int err = 0;
	ssize_t got;
	while ((got = read(fds[0], &err, sizeof err)) < 0 && errno == EINTR)
		;
	close(fds[0]);
	struct rusage ru = { 0 };
	wait_child(pid, &r->status, &ru, secs, &r->timed_out);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (got == (ssize_t)sizeof err) {
		cli_error("exec: cannot run %s: %s", d->argv[0], strerror(err));
		empty_dir(dir);
		return EXIT_USAGE;
	}
	r->wall_s = ts_diff(&t0, &t1);
	r->user_s = tv_s(&ru.ru_utime);
	r->sys_s = tv_s(&ru.ru_stime);
	r->peak_rss = (uint64_t)ru.ru_maxrss * 1024u;

	char path[PATH_MAX + 32], msg[320];
	_Static_assert(sizeof msg + 32 <= sizeof r->note, "the note holds the message");
	snprintf(path, sizeof path, "%s/stats.%ld", dir, (long)pid);
	if (access(path, F_OK) != 0) {
		snprintf(r->note, sizeof r->note,
			 "no record: the program did not end through exit() (a signal, _exit, "
			 "a time-out), or it is static or set-uid and ignored LD_PRELOAD");
	} else if (stats_read_file(path, &r->rec, msg, sizeof msg) != 0) {
		snprintf(r->note, sizeof r->note, "unreadable record: %s", msg);
		cli_error("exec: the allocator's record is unreadable: %s", msg);
	} else {
		r->has_record = true;
	}
	empty_dir(dir);
	return EXIT_OK;
}

/* The summary people read on stderr: the dump's config and results. */
static void print_summary(const struct exec_doc *d)
{
	struct exec_doc brief = *d;
	brief.with_runs = false;
	struct emitter e;
	fflush(stdout);
	emit_init_file(&e, EMIT_TABLE, stderr);
	fputs("\n", stderr);
	exec_emit(&e, &brief);
	fflush(stderr);
}

static int exit_code(const struct exec_run *r)
{
	if (r->timed_out)
		return EXIT_RUN;
	if (WIFSIGNALED(r->status))
		return 128 + WTERMSIG(r->status);
	return WEXITSTATUS(r->status);
}

int cmd_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "allocator", required_argument, 0, 'a' },
		{ "json", required_argument, 0, OPT_JSON },
		{ "timeout", required_argument, 0, OPT_TIMEOUT },
		{ "repeat", required_argument, 0, OPT_REPEAT },
		{ "quiet", no_argument, 0, 'q' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct run_spec spec;
	struct cli_seen seen = { .n = 0 };
	spec_init(&spec);
	unsigned repeat = 1;
	bool quiet = false;
	opterr = 0;
	optind = 1;
	int opt;
	/* "+": the first word that is not an option is PROGRAM; its options are its own */
	while ((opt = getopt_long(argc, argv, "+a:qh", longopts, NULL)) != -1) {
		if (opt != 'h' && opt != '?' && cli_once(&seen, longopts, opt) != EXIT_OK)
			return EXIT_USAGE;
		switch (opt) {
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case 'a':
		case OPT_JSON:
		case OPT_TIMEOUT:
			if (spec_option(&spec, opt, optarg) != 1)
				return EXIT_USAGE;
			break;
		case OPT_REPEAT:
			if (parse_count("--repeat", optarg, REPEAT_MAX, "runs", &repeat) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			return cli_bad_option("exec", optopt, argv[optind - 1]);
		}
	}
	if (optind == argc) {
		cli_error("exec: no program given (mmlab exec -a ALLOC -- PROGRAM ARGS...)");
		return EXIT_USAGE;
	}
	if (spec.alloc_options != NULL && *spec.alloc_options) {
		cli_error("exec: allocator options ('%s') cannot reach a preloaded allocator",
			  spec.alloc_options);
		return EXIT_USAGE;
	}
	if (spec.json_path != NULL && strcmp(spec.json_path, "-") == 0) {
		cli_error("exec: --json needs a file: stdout is the program's own");
		return EXIT_USAGE;
	}
	char preload[2 * PATH_MAX + 8];
	if (preload_for(spec.alloc, preload, sizeof preload) != EXIT_OK)
		return EXIT_USAGE;
	struct cli_out out = { 0 };
	if (spec.json_path && cli_out_open(&out, spec.json_path) != EXIT_OK)
		return EXIT_USAGE;

	struct exec_doc d = { .argv = argv + optind, .argc = argc - optind,
			      .allocator = spec.alloc->name, .preload = preload, .with_runs = true };
	stats_config_host(&d.host);
	d.runs = calloc(repeat, sizeof *d.runs);
	const char *tmp = getenv("TMPDIR");
	char *dir = cli_aprintf("%s/mmlab-exec-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (d.runs == NULL || dir == NULL) {
		cli_error("exec: out of memory");
		free(d.runs);
		free(dir);
		cli_out_discard(&out);
		return EXIT_RUN;
	}
	if (mkdtemp(dir) == NULL) {
		cli_error("exec: cannot make a folder for the records in %s: %s",
			  tmp && *tmp ? tmp : "/tmp", strerror(errno));
		free(d.runs);
		free(dir);
		cli_out_discard(&out);
		return EXIT_RUN;
	}

	/* ^C and ^\ are the program's: mmlab waits, then reports how it ended */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	struct cli_progress prog;
	cli_progress_start(&prog, repeat);
	int rc = EXIT_OK;
	for (unsigned i = 0; i < repeat && rc == EXIT_OK; i++) {
		char what[160];
		snprintf(what, sizeof what, "%s on %s", d.argv[0], d.allocator);
		cli_progress_step(&prog, i, what);
		rc = run_once(&d, &d.runs[i], dir, spec.timeout);
		d.n = i + 1;
	}
	cli_progress_end(&prog);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	rmdir(dir);
	free(dir);
	if (rc != EXIT_OK) {
		cli_out_discard(&out);
		free(d.runs);
		return rc;
	}
	const struct exec_run *end = reported(&d);
	if (end->timed_out)
		cli_error("exec: %s timed out after %u s", d.argv[0], spec.timeout);
	if (!quiet)
		print_summary(&d);
	if (spec.json_path) {
		int w = cli_out_json(&out, exec_emit, &d);
		if (w != EXIT_OK) {
			free(d.runs);
			return w;
		}
	}
	rc = exit_code(end);
	free(d.runs);
	return rc;
}
