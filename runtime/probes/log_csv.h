/* log_csv.h — a run's raw pauses and steps as CSV (`mmlab run --pause-log`).
 *
 * One header line `kind,start_ns,end_ns`, then one line per pause (kind:
 * the pause kind's name, probe.h) and per step (kind `step`), in order of
 * start, times in integer ns since the run's start: enough to recompute
 * every percentile and the MMU (docs/metrics.md shows how).
 * Error contract: returns 0, or -1 when the stream reported an error. */
#ifndef MM_LOG_CSV_H
#define MM_LOG_CSV_H

#include <stdio.h>

#include "probe_record.h"

int log_csv_write(const struct probe_record *r, FILE *out);

#endif
