/* run_record.c — `mmlab run --record FILE`: the run's allocation trace.
 *
 * Only the manual model is recorded: its allocations are the workload's
 * own objects, one call each, which is what a trace replays; rc, own and
 * gc add or hide calls of their own.  The CLI opens the file and writes
 * its first lines; the recorder (replay/record.c) writes the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "replay/record.h"
#include "replay/trace.h"
#include "runtime/session/session.h"
#include "runtime/stats/version.h"
#include "cli.h"

int run_record_check(const struct run_spec *s, bool repeat)
{
	if (s->model != MM_MANUAL) {
		cli_error("--record records the manual model only (got -m %s): its allocations "
			  "are the workload's objects, one call each",
			  mm_model_name(s->model));
		return EXIT_USAGE;
	}
	if (repeat) {
		cli_error("--record cannot go with --repeat: one run makes one trace");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* The command that made the trace, for its comment line. */
static void describe(const struct run_spec *s, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "recorded by mmlab %s: run -w %s -m manual -a %s%s%s",
				       MMLAB_VERSION, s->meta->name, s->alloc->name,
				       *s->alloc_options ? ":" : "", s->alloc_options);
	for (unsigned i = 0; i < s->meta->nparams && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, " -p %s=%" PRId64,
					 s->meta->params[i].name, s->params[i]);
	if (used < len)
		snprintf(buf + used, len - used, " --seed %" PRIu64, s->seed);
}

int run_record_attach(const struct run_spec *s, const char *path, struct session *ses,
		      char *opts, size_t len)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		cli_error("--record: cannot write %s: %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	char text[512];
	describe(s, text, sizeof text);
	trace_write_begin(f);
	trace_write_comment(f, text);
	int fd = fflush(f) == 0 ? fcntl(fileno(f), F_DUPFD_CLOEXEC, 3) : -1;
	int saved = errno;
	fclose(f);
	if (fd < 0) {
		cli_error("--record: cannot write %s: %s", path, strerror(saved));
		return EXIT_USAGE;
	}
	snprintf(opts, len, "%d:%s%s%s", fd, s->alloc->name, *s->alloc_options ? ":" : "",
		 s->alloc_options);
	ses->alloc = &record_ops;
	ses->alloc_options = opts;
	return EXIT_OK;
}
