/* progress.c — what a long command is doing, on stderr, for a person
 * watching a terminal: "mmlab: [3/12] rc on jemalloc, 4.2 s".
 *
 * One line, redrawn in place (carriage return, erase to its end), and
 * erased when the work ends, so nothing of it stays in the scrollback.
 * Invariant: when stderr is not a terminal (a pipe, a file, a test) not
 * one byte is written: logs and captured output stay clean.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

void cli_progress_start(struct cli_progress *p, unsigned total)
{
	p->on = total > 1 && isatty(STDERR_FILENO);
	p->total = total;
	p->drawn = false;
	clock_gettime(CLOCK_MONOTONIC, &p->t0);
}

void cli_progress_step(struct cli_progress *p, unsigned done, const char *what)
{
	if (!p->on)
		return;
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	double s = (double)(t.tv_sec - p->t0.tv_sec) + (double)(t.tv_nsec - p->t0.tv_nsec) / 1e9;
	fprintf(stderr, "\rmmlab: [%u/%u] %.60s, %.1f s elapsed\033[K", done + 1, p->total, what, s);
	fflush(stderr);
	p->drawn = true;
}

void cli_progress_clear(struct cli_progress *p)
{
	if (!p->on || !p->drawn)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->drawn = false;
}

void cli_progress_end(struct cli_progress *p)
{
	cli_progress_clear(p);
	p->on = false;
}
