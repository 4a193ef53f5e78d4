/* probe_stats.h — turning what the recorder kept into the stats record.
 *
 * Pause and step distributions (overall and per pause kind), MMU at the
 * standard windows and as a curve, the memory timeline, fragmentation at
 * the fullest heap sample, and the probes' own memory.  Figures the record cannot give stay unknown: percentiles
 * and max of an empty distribution, MMU when the pause log lost a chunk
 * or the window is longer than the run.
 */
#ifndef MM_PROBE_STATS_H
#define MM_PROBE_STATS_H

#include "runtime/probes/probe_record.h"
#include "runtime/stats/stats.h"

void probe_stats_fill(const struct probe_record *r, struct stats *s);

#endif
