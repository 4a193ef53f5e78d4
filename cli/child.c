/* child.c — one run in a fresh process: this same binary, `mmlab run`.
 *
 * matrix and friends never run two models in one process: peak RSS is a
 * per-process high-water mark, Boehm's heap is process-wide, and one
 * crash must not take the whole table down.  The child writes its stats
 * as JSON to fd 3 (a pipe), its messages to another pipe (passed on, the
 * last kept as the run's error) and its workload output nowhere.  The
 * fork, the time limit and the wait are shared with run and replay.
 * Invariant: a child past its limit is killed (SIGKILL) before it is reaped.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/stats/stats_read.h"
#include "cli.h"

enum { ARGV_MAX = 64 };

void cli_limit_start(struct cli_limit *l, unsigned secs)
{
	l->secs = secs;
	l->expired = false;
	clock_gettime(CLOCK_MONOTONIC, &l->end);
	l->end.tv_sec += secs;
}

int cli_limit_ms(struct cli_limit *l)
{
	if (l == NULL || l->secs == 0)
		return -1;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t ms = ((int64_t)l->end.tv_sec - now.tv_sec) * 1000 +
		     ((int64_t)l->end.tv_nsec - now.tv_nsec) / 1000000;
	if (ms <= 0) {
		l->expired = true;
		return 0;
	}
	return ms > 60000 ? 60000 : (int)ms;
}

/* A child's output as it comes; lost: memory ran out (the rest is read
 * and dropped). */
struct grow {
	char *p;
	size_t n, cap;
	bool lost;
};

/* Append what fd holds now to g (grown as needed); false at its end or
 * on an error. */
static bool drain(int fd, struct grow *g)
{
	char chunk[16384];
	ssize_t r = read(fd, chunk, sizeof chunk);
	if (r < 0 && errno == EINTR)
		return true;
	if (r <= 0)
		return false;
	if (g->n + (size_t)r + 1 > g->cap && !g->lost) {
		size_t cap = g->cap ? g->cap : 16384;
		while (cap < g->n + (size_t)r + 1)
			cap *= 2;
		char *p = realloc(g->p, cap);
		if (p == NULL) {
			g->lost = true;
		} else {
			g->p = p;
			g->cap = cap;
		}
	}
	if (!g->lost) {
		memcpy(g->p + g->n, chunk, (size_t)r);
		g->n += (size_t)r;
		g->p[g->n] = '\0';
	}
	return true;
}

/* Read the n fds to their ends, or until the limit; true unless the
 * limit cut them short. */
static bool read_until(int *fds, struct grow *bufs, int n, struct cli_limit *l)
{
	struct pollfd p[2];
	int open_fds = n;
	for (int i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	while (open_fds > 0) {
		int r = poll(p, (nfds_t)n, cli_limit_ms(l));
		if (r == 0 && cli_limit_ms(l) == 0)
			return false;
		if (r == 0 || (r < 0 && errno == EINTR))
			continue;
		if (r < 0)
			return true;
		for (int i = 0; i < n; i++) {
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (!drain(p[i].fd, &bufs[i])) {
				p[i].fd = -1;
				open_fds--;
			}
		}
	}
	return true;
}

size_t cli_read_limited(int fd, void *buf, size_t len, struct cli_limit *l)
{
	size_t got = 0;
	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ready = poll(&p, 1, cli_limit_ms(l));
		if (ready == 0 && cli_limit_ms(l) == 0)
			break;
		if (ready == 0 || (ready < 0 && errno == EINTR))
			continue;
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

void cli_send_and_exit(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(EXIT_RUN);
		p += n;
		len -= (size_t)n;
	}
	_exit(EXIT_OK);
}

pid_t cli_fork(void)
{
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		cli_error("cannot fork: %s", strerror(errno));
	/* the work dies with whoever waits for it: a killed supervisor
	 * (a time limit, a ^C) leaves nothing running */
	if (pid == 0 && (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent))
		_exit(EXIT_RUN);
	return pid;
}

pid_t cli_fork_piped(int fds[2], int flags)
{
	if (pipe2(fds, flags) != 0) {
		cli_error("cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = cli_fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
	}
	return pid;
}

bool cli_wait_end(pid_t pid, struct cli_limit *l)
{
	if (l == NULL || l->secs == 0)
		return true;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	bool ended = false;
	for (;;) {
		siginfo_t si = { 0 };
		int r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT);
		if ((r == 0 && si.si_pid == pid) || (r < 0 && errno != EINTR)) {
			ended = true; /* or not ours to wait for: waitpid says so */
			break;
		}
		int ms = cli_limit_ms(l);
		if (ms == 0)
			break;
		if (pidfd >= 0) {
			struct pollfd p = { .fd = pidfd, .events = POLLIN };
			poll(&p, 1, ms);
		} else { /* no pidfd (a kernel before 5.3): look again soon */
			struct timespec ts = { 0, 20 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	return ended;
}

int cli_wait(pid_t pid, struct cli_limit *l)
{
	int status = 0;
	if (!cli_wait_end(pid, l))
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

int cli_child_failed(int status, const struct cli_limit *l, char *why, size_t len)
{
	if (l != NULL && l->expired) {
		snprintf(why, len, "timed out after %u s", l->secs);
		return EXIT_RUN;
	}
	if (WIFSIGNALED(status)) {
		snprintf(why, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
		return EXIT_RUN;
	}
	int code = WEXITSTATUS(status);
	if (code != 0)
		snprintf(why, len, "failed with exit status %d", code);
	else if (len > 0)
		why[0] = '\0';
	return code;
}

int cli_child_result(pid_t pid, int fd, void *buf, size_t len, unsigned timeout, char *how,
		     size_t howlen)
{
	struct cli_limit limit;
	cli_limit_start(&limit, timeout);
	size_t got = cli_read_limited(fd, buf, len, &limit);
	close(fd);
	int status = cli_wait(pid, &limit);
	int code = cli_child_failed(status, &limit, how, howlen);
	if (code != EXIT_OK)
		return code;
	if (got == len)
		return EXIT_OK;
	snprintf(how, howlen, "ended without its result");
	return EXIT_RUN;
}

/* The last line of a child's messages, without its "mmlab: ". */
static void last_line(const struct grow *g, char *out, size_t len)
{
	if (g->p == NULL || len == 0)
		return;
	size_t end = g->n;
	while (end > 0 && g->p[end - 1] == '\n')
		end--;
	size_t start = end;
	while (start > 0 && g->p[start - 1] != '\n')
		start--;
	if (end - start > 7 && strncmp(g->p + start, "mmlab: ", 7) == 0)
		start += 7;
	if (end > start)
		snprintf(out, len, "%.*s", (int)(end - start), g->p + start);
}

int child_run(const struct run_spec *s, enum mm_model model, struct stats *out, char *why,
	      size_t whylen)
{
	char *texts[STATS_PARAMS_MAX + 5] = { 0 };
	const char *argv[ARGV_MAX];
	int n = 0, t = 0;
	bool texts_ok = true;
	if (whylen > 0)
		*why = '\0';
	argv[n++] = "mmlab";
	argv[n++] = "run";
	argv[n++] = "-w";
	argv[n++] = s->meta->name;
	argv[n++] = "-m";
	if (model == s->model && *s->model_options) {
		texts[t] = cli_aprintf("%s:%s", mm_model_name(model), s->model_options);
		texts_ok &= texts[t] != NULL;
		argv[n++] = texts[t++];
	} else {
		argv[n++] = mm_model_name(model);
	}
	if (s->heap_limit != 0) {
		texts[t] = cli_aprintf("%" PRIu64, s->heap_limit);
		argv[n++] = "--heap-limit";
		texts_ok &= texts[t] != NULL;
		argv[n++] = texts[t++];
	}
	if (mm_model_get(model)->takes_allocator) {
		texts[t] = cli_aprintf("%s%s%s", s->alloc->name, *s->alloc_options ? ":" : "",
				       s->alloc_options);
		argv[n++] = "-a";
		texts_ok &= texts[t] != NULL;
		argv[n++] = texts[t++];
	}
	for (unsigned i = 0; i < s->meta->nparams; i++) {
		texts[t] = cli_aprintf("%s=%" PRId64, s->meta->params[i].name, s->params[i]);
		argv[n++] = "-p";
		texts_ok &= texts[t] != NULL;
		argv[n++] = texts[t++];
	}
	texts[t] = cli_aprintf("%" PRIu64, s->seed);
	argv[n++] = "--seed";
	texts_ok &= texts[t] != NULL;
	argv[n++] = texts[t++];
	texts[t] = cli_aprintf("%" PRIu64, s->mem_limit);
	argv[n++] = "--mem-limit";
	texts_ok &= texts[t] != NULL;
	argv[n++] = texts[t++];
	if (s->probes != NULL) {
		argv[n++] = "--probes";
		argv[n++] = s->probes;
	}
	argv[n++] = "--quiet";
	argv[n++] = "--json";
	argv[n++] = "/dev/fd/3";
	argv[n] = NULL;
	int code = EXIT_RUN;
	const char *model_name = mm_model_name(model);
	if (!texts_ok) {
		cli_error("out of memory for the %s run's arguments", model_name);
		snprintf(why, whylen, "out of memory");
		goto done;
	}

	int fds[2], errs[2];
	if (pipe2(errs, O_CLOEXEC) != 0) {
		cli_error("cannot create a pipe: %s", strerror(errno));
		snprintf(why, whylen, "cannot create a pipe");
		goto done;
	}
	pid_t pid = cli_fork_piped(fds, O_CLOEXEC);
	if (pid < 0) {
		close(errs[0]);
		close(errs[1]);
		snprintf(why, whylen, "cannot fork");
		goto done;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (dup2(fds[1], 3) < 0 || null < 0 || dup2(null, STDOUT_FILENO) < 0 ||
		    dup2(errs[1], STDERR_FILENO) < 0)
			_exit(127);
		execv("/proc/self/exe", (char *const *)argv);
		fprintf(stderr, "mmlab: cannot run myself again: %s\n", strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	close(errs[1]);
	struct cli_limit limit;
	cli_limit_start(&limit, s->timeout);
	int rd[2] = { fds[0], errs[0] };
	struct grow got[2] = { { 0 }, { 0 } };
	read_until(rd, got, 2, &limit);
	close(fds[0]);
	close(errs[0]);
	int status = cli_wait(pid, &limit);
	/* the child's own messages first, then ours */
	if (got[1].n > 0)
		fwrite(got[1].p, 1, got[1].n, stderr);
	char how[128];
	code = cli_child_failed(status, &limit, how, sizeof how);
	if (code != EXIT_OK) {
		cli_error("the %s run %s%s", model_name, cli_was(how), how);
		snprintf(why, whylen, "%s", how);
		last_line(&got[1], why, whylen);
		if (code != EXIT_USAGE)
			code = EXIT_RUN;
	} else if (got[0].lost || got[0].p == NULL) {
		cli_error("out of memory reading the %s run's stats", model_name);
		snprintf(why, whylen, "its stats could not be read");
		code = EXIT_RUN;
	} else {
		char err[320], name[64];
		snprintf(name, sizeof name, "the %s run's stats", model_name);
		code = stats_read(name, got[0].p, got[0].n, out, err, sizeof err) == 0 ? EXIT_OK
										      : EXIT_RUN;
		if (code != EXIT_OK) {
			cli_error("%s", err);
			snprintf(why, whylen, "its stats are unreadable: %s", err);
		}
	}
	free(got[0].p);
	free(got[1].p);
done:
	for (int i = 0; i < t; i++)
		free(texts[i]);
	return code;
}
