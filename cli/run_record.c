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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay/record.h"
#include "replay/trace.h"
#include "runtime/session/session.h"
#include "runtime/stats/version.h"
#include "cli.h"

int run_record_check(const struct run_spec *s, bool repeat)
{
	if (!mm_model_get(s->model)->records) {
		cli_error("--record records only a model whose allocations are the workload's "
			  "objects, one call each, as manual's are (got -m %s)",
			  mm_model_name(s->model));
		return EXIT_USAGE;
	}
	if (repeat) {
		cli_error("--record cannot go with --repeat: one run makes one trace");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* The command that made the trace, for its comment line; NULL when out
 * of memory. */
static char *describe(const struct run_spec *s)
{
	char *text = cli_aprintf("recorded by mmlab %s: run -w %s -m manual -a %s%s%s",
				 MMLAB_VERSION, s->meta->name, s->alloc->name,
				 *s->alloc_options ? ":" : "", s->alloc_options);
	for (unsigned i = 0; i < s->meta->nparams && text != NULL; i++) {
		char *more = cli_aprintf("%s -p %s=%" PRId64, text, s->meta->params[i].name,
					 s->params[i]);
		free(text);
		text = more;
	}
	char *all = text ? cli_aprintf("%s --seed %" PRIu64, text, s->seed) : NULL;
	free(text);
	return all;
}

int run_record_attach(const struct run_spec *s, const char *path, struct session *ses,
		      char **opts)
{
	char *text = describe(s);
	if (text == NULL) {
		cli_error("--record: out of memory");
		return EXIT_USAGE;
	}
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		cli_error("--record: cannot write %s: %s", path, strerror(errno));
		free(text);
		return EXIT_USAGE;
	}
	trace_write_begin(f);
	trace_write_comment(f, text);
	free(text);
	int fd = fflush(f) == 0 ? fcntl(fileno(f), F_DUPFD_CLOEXEC, 3) : -1;
	int saved = errno;
	fclose(f);
	if (fd < 0) {
		cli_error("--record: cannot write %s: %s", path, strerror(saved));
		return EXIT_USAGE;
	}
	*opts = cli_aprintf("%d:%s%s%s", fd, s->alloc->name, *s->alloc_options ? ":" : "",
			    s->alloc_options);
	if (*opts == NULL) {
		close(fd);
		cli_error("--record: out of memory");
		return EXIT_USAGE;
	}
	ses->alloc = &record_ops;
	ses->alloc_options = *opts;
	return EXIT_OK;
}
