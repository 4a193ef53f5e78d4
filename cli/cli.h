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
#include <stdio.h>
#include <sys/types.h>

#include "allocators/allocator.h"
#include "runtime/models/model.h"
#include "runtime/stats/stats.h"
#include "workloads/workload.h"

enum { EXIT_OK = 0, EXIT_CHECK = 1, EXIT_USAGE = 2, EXIT_RUN = 3 };

/* One line on stderr, prefixed "mmlab: ". */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Strict numbers: the whole text, in range, or -1. */
/* --json FILE: stdout for "-", else the file created; NULL after one line
 * on stderr.  cli_json_close finishes it: EXIT_OK, or EXIT_USAGE after one
 * line.  cli_emit_runs writes the records of several runs as the list
 * "runs", skipping those not ok (json_out.c). */
FILE *cli_json_open(const char *path);
int cli_json_close(FILE *f, const char *path);
void cli_emit_runs(struct emitter *e, const struct stats *runs, const bool *ok, unsigned n);

int parse_i64(const char *text, int64_t *out);
int parse_u64(const char *text, uint64_t *out);
/* A size with an optional K, M, G or T suffix (powers of 1024). */
int parse_size(const char *text, uint64_t *out);

/* Everything that decides a run, as the user gave it. */
struct run_spec {
	const struct wl_desc *wl;
	const struct wl_impl *meta; /* the manual build: name, params, unit */
	enum mm_model model;
	const struct alloc_entry *alloc;
	bool alloc_given;
	const char *alloc_options;
	int64_t params[STATS_PARAMS_MAX];
	const char *param_args[STATS_PARAMS_MAX * 2]; /* raw -p texts, resolved later */
	unsigned nparam_args;
	uint64_t seed;
	uint64_t mem_limit; /* 0: none */
	const char *json_path;
	bool quiet;
	const char *probes; /* --probes as given (child runs get it too); NULL: on */
};

/* Defaults: binary-trees, manual, glibc, seed 1, limit = physical RAM. */
void spec_init(struct run_spec *s);

/* Handle one option shared by run, matrix and sweep.  Returns 1 when the
 * option was consumed, 0 when it is not a shared one, or EXIT_USAGE after
 * printing the error. */
int spec_option(struct run_spec *s, int opt, const char *arg);

/* The getopt letters and long options spec_option handles. */
#define SPEC_SHORTOPTS "w:m:a:p:"
enum { OPT_SEED = 1000, OPT_JSON, OPT_MEM_LIMIT, OPT_FIRST_LOCAL };
#define SPEC_LONGOPTS                                                    \
	{ "workload", required_argument, 0, 'w' },                       \
	{ "model", required_argument, 0, 'm' },                          \
	{ "allocator", required_argument, 0, 'a' },                      \
	{ "param", required_argument, 0, 'p' },                          \
	{ "seed", required_argument, 0, OPT_SEED },                      \
	{ "json", required_argument, 0, OPT_JSON },                      \
	{ "mem-limit", required_argument, 0, OPT_MEM_LIMIT }

/* After all options: resolve -p against the workload.  EXIT_OK or
 * EXIT_USAGE after printing the error. */
int spec_finish(struct run_spec *s);

/* Check that model and allocator go together.  EXIT_OK or EXIT_USAGE. */
int spec_check(const struct run_spec *s, enum mm_model model);

/* The allocator name a model actually runs on. */
const char *spec_alloc_name(const struct run_spec *s, enum mm_model model);

/* Fill the config half of a stats record. */
void spec_config(const struct run_spec *s, enum mm_model model, struct stats_config *c);

/* Report a getopt failure for a subcommand; returns EXIT_USAGE. */
int cli_bad_option(const char *cmd, int opt, const char *arg);

/* fork() with a pipe made first (pipe2 flags): 0 in the child, the
 * child's pid in the parent, or -1 after one line on stderr with both
 * ends closed.  cli_wait reaps the child and returns its wait status. */
pid_t cli_fork_piped(int fds[2], int flags);
int cli_wait(pid_t pid);

/* Run one model in a fresh child process and read its stats back.
 * EXIT_OK, or EXIT_RUN after printing why. */
int child_run(const struct run_spec *s, enum mm_model model, struct stats *out);

/* `mmlab run --repeat K`: K runs of s->model, each in a fresh process,
 * then the median, min and max of the main figures (repeat.c).  EXIT_OK,
 * EXIT_CHECK when the checksums differ, or the first failure's status. */
int repeat_run(const struct run_spec *s, unsigned runs);

/* Apply the address-space limit to this process (no-op when 0). */
int cli_apply_mem_limit(uint64_t bytes);

/* Make the system allocator `a` the malloc serving this process: when it
 * is not, re-execute `mmlab ARGV...` with its library preloaded (argv is
 * the subcommand's, argv[0] its name; preload.c).  No-op for other
 * allocators.  EXIT_OK to go on here, else EXIT_USAGE or EXIT_RUN after
 * printing why. */
int preload_select(const struct alloc_entry *a, int argc, char **argv);

/* `mmlab run --record FILE` (run_record.c).  run_record_check refuses
 * what cannot be recorded; run_record_attach writes the trace's first
 * lines and routes the session's allocations through the recorder, whose
 * options it keeps in opts.  EXIT_OK or EXIT_USAGE after printing why. */
struct session;
int run_record_check(const struct run_spec *s, bool repeat);
int run_record_attach(const struct run_spec *s, const char *path, struct session *ses,
		      char *opts, size_t len);

int cmd_run(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_replay(int argc, char **argv);

#endif
