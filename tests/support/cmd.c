/* cmd.c — running a program and capturing its output, for the e2e tests.
 * Both pipes are drained together with poll(), so a program that fills
 * one while we wait on the other cannot deadlock us. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

struct buf {
	char *p;
	size_t n, cap;
};

static void append(struct buf *b, const char *data, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		assert_non_null(p);
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, data, n);
	b->n += n;
	b->p[b->n] = '\0';
}

struct cmd_result cmd_run(const char *const argv[])
{
	int out[2], err[2];
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(err), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		dup2(null, STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		close(out[0]);
		close(err[0]);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s\n", argv[0]);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	struct buf bo = { 0 }, be = { 0 };
	append(&bo, "", 0);
	append(&be, "", 0);
	struct pollfd fds[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
	int open_fds = 2;
	while (open_fds > 0) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
				continue;
			char chunk[8192];
			ssize_t r = read(fds[i].fd, chunk, sizeof chunk);
			if (r > 0) {
				append(i == 0 ? &bo : &be, chunk, (size_t)r);
			} else {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	struct cmd_result r = { .out = bo.p, .err = be.p };
	r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return r;
}

void cmd_free(struct cmd_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

const char *mmlab_path(void)
{
	const char *p = getenv("MMLAB");
	return p && *p ? p : "build/obj/mmlab";
}

int count_lines(const char *text)
{
	int n = 0;
	for (const char *p = text; *p; p++)
		if (*p == '\n' || p[1] == '\0')
			n++;
	return n;
}
