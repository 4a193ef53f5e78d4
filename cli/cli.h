/* cli.h — what the mmlab subcommands share.
 *
 * The CLI is the only layer that prints to stdout or exits.  Exit status:
 * 0 success, 1 a check failed (checksums differ), 2 bad input (one line on
 * stderr), 3 a run failed (out of memory, a crash).
 */
#ifndef CLI_H
#define CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "allocators/allocator.h"
#include "runtime/models/model.h"
#include "runtime/stats/stats.h"
#include "workloads/workload.h"

/* EXIT_RULE: a workload broke an ownership rule (own; docs/ownership.md). */
enum { EXIT_OK = 0, EXIT_CHECK = 1, EXIT_USAGE = 2, EXIT_RUN = 3, EXIT_RULE = 4 };

/* One line on stderr, prefixed "mmlab: ". */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A formatted text on the heap (free it), or NULL when out of memory
 * (text.c). */
char *cli_aprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "a, b, c": the n names name_at(list, 0..n-1), on the heap, or NULL when
 * out of memory.  Every "(known: ...)" in a refusal is built here. */
char *cli_known(unsigned n, const char *(*name_at)(const void *list, unsigned i),
		const void *list);
/* The refusal "unknown WHAT 'name'WHERE (known: ...)" as one line, its
 * list from cli_known; returns EXIT_USAGE. */
int cli_unknown(const char *what, const char *name, const char *where, unsigned n,
		const char *(*name_at)(const void *list, unsigned i), const void *list);

/* An output file the user named (--json FILE; output.c).  cli_out_open
 * runs before any work: "-" is stdout; an existing device, pipe or
 * /dev/fd/N is written in place; a regular file, or a new one, is written
 * aside (FILE.part-XXXXXX in its directory) and renamed over FILE by
 * cli_out_commit, so a run that fails leaves FILE as it was.  open:
 * EXIT_OK, or EXIT_USAGE after "cannot write FILE: reason".  commit:
 * EXIT_OK, or EXIT_RUN after that line (a full disk).  cli_out_discard
 * drops what was written aside.  Nothing else is ever replaced. */
struct cli_out {
	const char *path; /* as given */
	FILE *f;
	char *aside;  /* the temporary file, or NULL when written in place */
	char *target; /* what aside is renamed onto (symlinks followed) */
	int err;      /* a write that failed before commit (errno) */
};
int cli_out_open(struct cli_out *o, const char *path);
int cli_out_commit(struct cli_out *o);
void cli_out_discard(struct cli_out *o);
/* The one way a JSON document is written: doc(e, arg) makes it with a JSON
 * emitter on o, then o is committed (EXIT_OK or EXIT_RUN). */
typedef void (*cli_doc_fn)(struct emitter *e, const void *arg);
int cli_out_json(struct cli_out *o, cli_doc_fn doc, const void *arg);
/* stdout, checked: cli_stdout_flush flushes it and keeps the first
 * error's reason (0, or -1 once a write failed); cli_stdout_finish, as
 * a command returns, turns a failed write into "cannot write stdout:
 * reason" and EXIT_RUN when rc was EXIT_OK. */
int cli_stdout_flush(void);
int cli_stdout_finish(int rc);
/* The records of several runs as the list "runs", skipping those not ok. */
void cli_emit_runs(struct emitter *e, const struct stats *runs, const bool *ok, unsigned n);

/* Strict numbers: the whole text, in range, or -1. */
int parse_i64(const char *text, int64_t *out);
int parse_u64(const char *text, uint64_t *out);
/* An option's count from 1 to max into *out, or the one-line error
 * "OPT: 'ARG' is not a number of UNIT from 1 to MAX" and EXIT_USAGE. */
int parse_count(const char *opt, const char *arg, unsigned max, const char *unit,
		unsigned *out);
/* Sizes: alloc_parse_size (allocators/alloc_opt.h), the one size reader. */

/* Everything that decides a run, as the user gave it. */
struct run_spec {
	const struct wl_desc *wl;
	const struct wl_impl *meta; /* the manual build: name, params, unit */
	enum mm_model model;
	const struct alloc_entry *alloc;
	bool alloc_given;
	const char *alloc_options;
	const char *model_options; /* after -m NAME: ("" when none) */
	uint64_t heap_limit;       /* --heap-limit bytes; 0: none */
	int64_t params[STATS_PARAMS_MAX];
	const char *param_args[STATS_PARAMS_MAX * 2]; /* raw -p texts, resolved later */
	unsigned nparam_args;
	uint64_t seed;
	uint64_t mem_limit; /* 0: none */
	const char *json_path;
	bool quiet;
	const char *probes; /* --probes as given (child runs get it too); NULL: on */
	unsigned timeout;   /* --timeout: seconds each run may take; 0: no limit */
};

/* Defaults: binary-trees, manual, glibc, seed 1, limit = physical RAM. */
void spec_init(struct run_spec *s);

/* Handle one option shared by run, matrix and sweep.  Returns 1 when the
 * option was consumed, 0 when it is not a shared one, or EXIT_USAGE after
 * printing the error. */
int spec_option(struct run_spec *s, int opt, const char *arg);

/* The getopt letters and long options spec_option handles. */
#define SPEC_SHORTOPTS "w:m:a:p:"
enum { OPT_SEED = 1000, OPT_JSON, OPT_MEM_LIMIT, OPT_TIMEOUT, OPT_HEAP_LIMIT, OPT_FIRST_LOCAL };
#define SPEC_LONGOPTS                                                    \
	{ "workload", required_argument, 0, 'w' },                       \
	{ "model", required_argument, 0, 'm' },                          \
	{ "allocator", required_argument, 0, 'a' },                      \
	{ "param", required_argument, 0, 'p' },                          \
	{ "seed", required_argument, 0, OPT_SEED },                      \
	{ "json", required_argument, 0, OPT_JSON },                      \
	{ "mem-limit", required_argument, 0, OPT_MEM_LIMIT },             \
	{ "timeout", required_argument, 0, OPT_TIMEOUT },                 \
	{ "heap-limit", required_argument, 0, OPT_HEAP_LIMIT }

/* --timeout: whole seconds, 1 to TIMEOUT_MAX (a day). */
enum { TIMEOUT_MAX = 86400 };

/* Options given twice are refused: cli_once records opt (its name looked
 * up in longopts for the message) and returns EXIT_OK, or EXIT_USAGE
 * after one line when it was seen before.  -p is repeatable: not passed. */
struct cli_seen {
	int opt[32];
	unsigned n;
};
int cli_once(struct cli_seen *seen, const struct option *longopts, int opt);

/* Two output paths naming the same file (the same text, or one existing
 * file reached both ways). */
bool cli_same_file(const char *a, const char *b);

/* After all options: resolve -p against the workload, and check
 * MMLAB_SPLIT.  EXIT_OK or EXIT_USAGE after printing the error. */
int spec_finish(struct run_spec *s);
/* MMLAB_SPLIT=off: the run leaves the sampled split out (spec_finish has
 * checked the value). */
bool spec_split_off(void);

/* The models' names, "manual, rc, ..." (for "known: ..." messages). */
void cli_known_models(char *buf, size_t len);

/* Check that model and allocator go together.  EXIT_OK or EXIT_USAGE. */
int spec_check(const struct run_spec *s, enum mm_model model);

/* The allocator name a model actually runs on. */
const char *spec_alloc_name(const struct run_spec *s, enum mm_model model);

/* Fill the config half of a stats record. */
void spec_config(const struct run_spec *s, enum mm_model model, struct stats_config *c);

/* Report a getopt failure for a subcommand; returns EXIT_USAGE. */
int cli_bad_option(const char *cmd, int opt, const char *arg);

/* A time limit on a child (--timeout): secs 0 is none.  cli_limit_ms is
 * what is left, for poll (-1: no limit); past the limit it is 0 and
 * expired is set. */
struct cli_limit {
	unsigned secs;
	struct timespec end;
	bool expired;
};
void cli_limit_start(struct cli_limit *l, unsigned secs);
int cli_limit_ms(struct cli_limit *l);

/* fork() after flushing stdio: 0 in the child, which is killed when its
 * parent dies, the child's pid in the parent, or -1 after one line on
 * stderr.  cli_fork_piped makes a pipe first (pipe2 flags); on failure
 * both ends are closed. */
pid_t cli_fork(void);
pid_t cli_fork_piped(int fds[2], int flags);

/* Read up to len bytes (a child's fixed-size result) from fd, until it
 * ends or the limit passes; returns how many came. */
size_t cli_read_limited(int fd, void *buf, size_t len, struct cli_limit *l);
/* In a forked child: write len bytes of buf whole to fd, then _exit with
 * EXIT_OK, or with EXIT_RUN when the pipe would not take them. */
_Noreturn void cli_send_and_exit(int fd, const void *buf, size_t len);

/* Wait until the child ends (not reaping it) or the limit passes
 * (l->expired): true when it ended.  No limit (l NULL or 0 s): true at
 * once, for the caller's own wait. */
bool cli_wait_end(pid_t pid, struct cli_limit *l);
/* Reap the child and return its wait status; with a limit (may be NULL),
 * a child still running at its end is killed first (l->expired). */
int cli_wait(pid_t pid, struct cli_limit *l);

/* What a child's end means: EXIT_RUN with "timed out after N s" or
 * "killed by signal N (name)" in why, else its exit status, with "failed
 * with exit status N" in why when not 0. */
int cli_child_failed(int status, const struct cli_limit *l, char *why, size_t len);
/* What goes between a subject and such a phrase: "the run " "was " "killed
 * by signal 9 (Killed)", but "the run " "timed out after 5 s". */
static inline const char *cli_was(const char *why)
{
	return strncmp(why, "killed", 6) == 0 ? "was " : "";
}
/* After cli_fork_piped: read a child's fixed-size result (len bytes) from
 * fd and close it, then reap the child, killed once timeout seconds (0:
 * none) have passed.  EXIT_OK when the whole result came and the child
 * exited 0; else EXIT_RUN, or the child's exit status, with how it ended
 * in how: as cli_child_failed says it, or "ended without its result". */
int cli_child_result(pid_t pid, int fd, void *buf, size_t len, unsigned timeout, char *how,
		     size_t howlen);

/* Run one model in a fresh child process and read its stats back.
 * EXIT_OK, or EXIT_RUN (EXIT_USAGE when the child refused its input)
 * after printing why; why receives the reason in a few words. */
int child_run(const struct run_spec *s, enum mm_model model, struct stats *out, char *why,
	      size_t whylen);

/* Runs in children, as matrix and repeat make them (runs.c).
 * runs_workload: "WORKLOAD k=v..." with no newline.  The header: that,
 * ", seed N, HOW" and a blank line, flushed.  runs_checksums: the index of
 * the first run that ran (ok), or -1; *same tells whether every run that
 * ran saw its checksum. */
void runs_workload(const struct run_spec *s);
void runs_header(const struct run_spec *s, const char *how);
int runs_checksums(const struct stats *runs, const bool *ok, unsigned n, bool *same);

/* `mmlab run --repeat K`: K runs of s->model, each in a fresh process,
 * then the median, min and max of the main figures (repeat.c).  EXIT_OK,
 * EXIT_CHECK when the checksums differ, or the first failure's status. */
int repeat_run(const struct run_spec *s, unsigned runs);

/* Apply the address-space limit to this process (no-op when 0, and
 * under ASan, which reserves terabytes of address space up front). */
int cli_apply_mem_limit(uint64_t bytes);

/* Make the system allocator `a` the malloc serving this process: when it
 * is not, re-execute `mmlab ARGV...` with its library preloaded (argv is
 * the subcommand's, argv[0] its name; preload.c).  No-op for other
 * allocators.  EXIT_OK to go on here, else EXIT_USAGE or EXIT_RUN after
 * printing why. */
int preload_select(const struct alloc_entry *a, int argc, char **argv);
/* The path of the library that makes system allocator a serve malloc,
 * found as preload_select finds it: false when a has none (glibc) or it
 * is not installed. */
bool preload_library(const struct alloc_entry *a, char *out, size_t len);

/* `mmlab run --record FILE` (run_record.c).  run_record_check refuses
 * what cannot be recorded; run_record_attach writes the trace's first
 * lines and routes the session's allocations through the recorder, whose
 * options it puts in *opts (on the heap: free it after the run).  EXIT_OK
 * or EXIT_USAGE after printing why. */
struct session;
int run_record_check(const struct run_spec *s, bool repeat);
int run_record_attach(const struct run_spec *s, const char *path, struct session *ses,
		      char **opts);

/* Progress of a long command on stderr (progress.c): nothing at all
 * unless stderr is a terminal and there is more than one item.  step
 * draws "[done+1/total] what, T s elapsed" over the line before; clear
 * erases it (before printing something else), end erases it for good. */
struct cli_progress {
	bool on, drawn;
	unsigned total;
	struct timespec t0;
};
void cli_progress_start(struct cli_progress *p, unsigned total);
void cli_progress_step(struct cli_progress *p, unsigned done, const char *what);
void cli_progress_clear(struct cli_progress *p);
void cli_progress_end(struct cli_progress *p);

int cmd_run(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_grade(int argc, char **argv);
int cmd_shim(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
