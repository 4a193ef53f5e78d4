/* log_csv.c — merging the pause log and the step log into one CSV. */
#include "log_csv.h"

#include <inttypes.h>

int log_csv_write(const struct probe_record *r, FILE *out)
{
	struct plog_reader pr, sr;
	struct plog_entry p = { 0 }, s = { 0 };
	plog_reader_init(&pr, &r->log);
	plog_reader_init(&sr, &r->steps);
	bool has_p = plog_next(&pr, &p), has_s = plog_next(&sr, &s);
	fputs("kind,start_ns,end_ns\n", out);
	while (has_p || has_s) {
		if (has_s && (!has_p || s.start <= p.start)) {
			fprintf(out, "step,%" PRIu64 ",%" PRIu64 "\n", s.start, s.end);
			has_s = plog_next(&sr, &s);
		} else {
			fprintf(out, "%s,%" PRIu64 ",%" PRIu64 "\n", probe_pause_name(p.kind), p.start,
				p.end);
			has_p = plog_next(&pr, &p);
		}
	}
	if (r->log.lost || r->steps.lost)
		fputs("# the probes ran out of memory: later pauses or steps are missing\n", out);
	return ferror(out) ? -1 : 0;
}
