/* runs.c — what matrix and repeat share about a set of child runs: the
 * line that heads their output and the checksum check over those that ran.
 *
 * The checksum must be the same in every run that finished: that is the
 * project's central invariant (docs/architecture.md).
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"

void runs_workload(const struct run_spec *s)
{
	printf("%s", s->meta->name);
	for (unsigned i = 0; i < s->meta->nparams; i++)
		printf(" %s=%" PRId64, s->meta->params[i].name, s->params[i]);
}

void runs_header(const struct run_spec *s, const char *how)
{
	runs_workload(s);
	printf(", seed %" PRIu64 ", %s\n\n", s->seed, how);
	cli_stdout_flush();
}

int runs_checksums(const struct stats *runs, const bool *ok, unsigned n, bool *same)
{
	int first = -1;
	*same = true;
	for (unsigned i = 0; i < n; i++) {
		if (!ok[i])
			continue;
		if (first < 0)
			first = (int)i;
		else if (runs[i].results.checksum != runs[first].results.checksum)
			*same = false;
	}
	return first;
}
