/* json_out.c — where `--json FILE` writes: a file it creates, or stdout for "-".
 *
 * Invariant: every failure to open or to finish writing is one line on
 * stderr and EXIT_USAGE; stdout is never closed. */
#include <errno.h>
#include <string.h>

#include "cli.h"

FILE *cli_json_open(const char *path)
{
	if (strcmp(path, "-") == 0)
		return stdout;
	FILE *f = fopen(path, "w");
	if (f == NULL)
		cli_error("cannot write %s: %s", path, strerror(errno));
	return f;
}

int cli_json_close(FILE *f, const char *path)
{
	if (f == stdout)
		return fflush(f) == 0 ? EXIT_OK : EXIT_USAGE;
	if (fclose(f) != 0) {
		cli_error("cannot write %s: %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

void cli_emit_runs(struct emitter *e, const struct stats *runs, const bool *ok, unsigned n)
{
	emit_list_begin(e, "runs", NULL);
	for (unsigned i = 0; i < n; i++) {
		if (!ok[i])
			continue;
		emit_object_begin(e, NULL, NULL);
		stats_emit_members(e, &runs[i]);
		emit_object_end(e);
	}
	emit_list_end(e);
}
