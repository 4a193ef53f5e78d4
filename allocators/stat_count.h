/* stat_count.h — the kinds of statistic mmlab keeps, after mimalloc's, and
 * the one way a peak is kept.
 *
 * A counter only grows (allocations, bytes allocated): a plain uint64_t.
 * A gauge goes up and down (live bytes, footprint) and its peak is the
 * largest value it ever had: stat_max raises a peak to a value, and says
 * whether that was a new peak.  On a hot path the peak is raised lazily:
 * a gauge's largest value is always reached just before it falls, so the
 * owner calls stat_max before every decrease and before reading the peak,
 * and the increase itself costs nothing more (mm_note_peak, book_take).
 * Every peak in mmlab — the models' live bytes, the teaching allocators'
 * books, the heap sampler's maxima, Boehm's heap in use — goes through here.
 */
#ifndef ALLOC_STAT_COUNT_H
#define ALLOC_STAT_COUNT_H

#include <stdbool.h>
#include <stdint.h>

/* Raise *peak to value; true when value was a new peak. */
static inline bool stat_max(uint64_t *peak, uint64_t value)
{
	if (value <= *peak)
		return false;
	*peak = value;
	return true;
}

#endif
