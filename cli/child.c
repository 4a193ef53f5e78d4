/* child.c — one run in a fresh process: this same binary, `mmlab run`.
 *
 * matrix and friends never run two models in one process: peak RSS is a
 * per-process high-water mark, Boehm's heap is process-wide, and one
 * crash must not take the whole table down.  The child writes its stats
 * as JSON to fd 3 (a pipe) and its workload output nowhere.  The fork
 * with a pipe and the wait are shared with `mmlab replay` (cli.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

enum { ARGV_MAX = 64 };

static char *read_all(int fd, size_t *len)
{
	size_t cap = 16384, n = 0;
	char *buf = malloc(cap);
	while (buf != NULL) {
		if (n == cap) {
			char *bigger = realloc(buf, cap * 2);
			if (bigger == NULL) {
				free(buf);
				return NULL;
			}
			buf = bigger;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

pid_t cli_fork_piped(int fds[2], int flags)
{
	if (pipe2(fds, flags) != 0) {
		cli_error("cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		cli_error("cannot fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
	}
	return pid;
}

int cli_wait(pid_t pid)
{
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

int child_run(const struct run_spec *s, enum mm_model model, struct stats *out)
{
	char texts[STATS_PARAMS_MAX + 3][160];
	const char *argv[ARGV_MAX];
	int n = 0, t = 0;
	argv[n++] = "mmlab";
	argv[n++] = "run";
	argv[n++] = "-w";
	argv[n++] = s->meta->name;
	argv[n++] = "-m";
	argv[n++] = mm_model_name(model);
	if (model != MM_GC) {
		snprintf(texts[t], sizeof texts[t], "%s%s%s", s->alloc->name,
			 *s->alloc_options ? ":" : "", s->alloc_options);
		argv[n++] = "-a";
		argv[n++] = texts[t++];
	}
	for (unsigned i = 0; i < s->meta->nparams; i++) {
		snprintf(texts[t], sizeof texts[t], "%s=%" PRId64, s->meta->params[i].name,
			 s->params[i]);
		argv[n++] = "-p";
		argv[n++] = texts[t++];
	}
	snprintf(texts[t], sizeof texts[t], "%" PRIu64, s->seed);
	argv[n++] = "--seed";
	argv[n++] = texts[t++];
	snprintf(texts[t], sizeof texts[t], "%" PRIu64, s->mem_limit);
	argv[n++] = "--mem-limit";
	argv[n++] = texts[t++];
	if (s->probes != NULL) {
		argv[n++] = "--probes";
		argv[n++] = s->probes;
	}
	argv[n++] = "--quiet";
	argv[n++] = "--json";
	argv[n++] = "/dev/fd/3";
	argv[n] = NULL;

	int fds[2];
	pid_t pid = cli_fork_piped(fds, O_CLOEXEC);
	if (pid < 0)
		return EXIT_RUN;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (dup2(fds[1], 3) < 0 || null < 0 || dup2(null, STDOUT_FILENO) < 0)
			_exit(127);
		execv("/proc/self/exe", (char *const *)argv);
		fprintf(stderr, "mmlab: cannot run myself again: %s\n", strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	size_t len = 0;
	char *text = read_all(fds[0], &len);
	close(fds[0]);
	int status = cli_wait(pid);
	const char *model_name = mm_model_name(model);
	int rc = EXIT_RUN;
	if (WIFSIGNALED(status)) {
		cli_error("the %s run was killed by signal %d (%s)", model_name, WTERMSIG(status),
			  strsignal(WTERMSIG(status)));
	} else if (WEXITSTATUS(status) != 0) {
		cli_error("the %s run failed with exit status %d", model_name, WEXITSTATUS(status));
		rc = WEXITSTATUS(status) == EXIT_USAGE ? EXIT_USAGE : EXIT_RUN;
	} else if (text == NULL) {
		cli_error("out of memory reading the %s run's stats", model_name);
	} else {
		char err[256];
		struct json *j = json_parse(text, len, err, sizeof err);
		if (j == NULL)
			cli_error("the %s run's stats do not parse: %s", model_name, err);
		else if (stats_from_json(j, out, err, sizeof err) != 0)
			cli_error("the %s run's stats are incomplete: %s", model_name, err);
		else
			rc = EXIT_OK;
		json_free(j);
	}
	free(text);
	return rc;
}
