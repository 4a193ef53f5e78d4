/* print.c — a workload's output line, formatted and handed to the job's sink. */
#include <stdarg.h>
#include <stdio.h>

#include "runtime/api/mm_job.h"
#include "workload.h"

void wl_print(struct mm_job *job, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (job->line != NULL)
		job->line(job->line_state, line);
}
