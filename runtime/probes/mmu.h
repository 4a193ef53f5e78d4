/* mmu.h — minimum mutator utilization, computed exactly from a pause log.
 *
 * MMU(w) is the smallest fraction of any window of length w inside the run
 * [0, L) not spent in pauses.  A window no longer than the longest pause has
 * MMU 0; one longer than the run has none (MMU_UNDEFINED). */
#ifndef MM_MMU_H
#define MM_MMU_H

#include <stdint.h>

#include "pause_log.h"

#define MMU_UNDEFINED (-1.0)
/* The curve: 1-2-5 steps from MMU_CURVE_FIRST_NS up to the run length,
 * then the run length itself; never more than MMU_CURVE_MAX points. */
#define MMU_CURVE_FIRST_NS 10000u
#define MMU_CURVE_MAX 48

/* What the sweep needs to know about a run besides its log. */
struct mmu_run {
	const struct plog *log;
	uint64_t length_ns;    /* the run is [0, length) in the log's time */
	uint64_t max_pause_ns; /* the longest pause */
};

/* MMU at window w_ns (> 0): in [0, 1], or MMU_UNDEFINED. */
double mmu_at(const struct mmu_run *run, uint64_t w_ns);

/* The curve's windows and MMU values; returns how many points. */
unsigned mmu_curve(const struct mmu_run *run, uint64_t *windows_ns, double *mmu, unsigned max);

#endif
