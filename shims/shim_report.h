/* shim_report.h — what a shim counts, and its stats record at exit.
 *
 * The shim counts under its lock; the report is written from a copy, after
 * the lock is released, since writing it allocates.  The record is the
 * mmlab stats schema (docs/stats-schema.md), so mmlab's readers take it.
 */
#ifndef SHIM_REPORT_H
#define SHIM_REPORT_H

#include <stdint.h>
#include <time.h>

#include "allocators/allocator.h"

struct shim_counts {
	uint64_t allocs;      /* malloc, calloc and the aligned ones */
	uint64_t reallocs;    /* reallocs the allocator's realloc served */
	uint64_t alloc_bytes; /* bytes those asked for */
	uint64_t live_blocks, live_bytes, peak_live_bytes;
	struct timespec start; /* CLOCK_MONOTONIC at the shim's start */
};

/* Write the record to `where`: "-" for stderr, else a path in which "%p"
 * becomes the process id.  A new or regular file appears whole or not at
 * all (written aside, then renamed; through a symlink, onto its target);
 * a device or pipe is written in place, never replaced.  A record that
 * cannot be written is one line on stderr; the program's exit status is
 * not ours to change. */
void shim_report(const char *where, const char *allocator, const struct shim_counts *c,
		 const struct alloc_stats *a);

#endif
