/* grade.h — the malloc lab's grade over an allocator's ops table.
 *
 * The correctness gate replays built-in traces (alignment, overlap, lost
 * data across realloc, big blocks) with every replay check on; the score
 * is P = w·U + (1−w)·min(1, T/T_glibc), U the mean utilization, T and
 * T_glibc throughputs timed in paired rounds in one process.  Nothing here
 * prints or exits; errors return -1 with a sentence in err. */
#ifndef GRADE_GRADE_H
#define GRADE_GRADE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "allocators/allocator.h"
#include "replay/trace.h"

/* The weight of utilization in the score (CS:APP's value). */
#define GRADE_WEIGHT 0.6
/* Paired timing rounds: at least this long per allocator and round. */
#define GRADE_ROUND_SECS 0.01

struct grade_gate_result {
	bool passed;
	char check[32];  /* the gate that failed, e.g. "alignment" */
	char why[192];   /* its first failure, "line N: ..." of the gate's trace */
};

/* The gates in order; grade_gate stops at the first failure. */
unsigned grade_gate_count(void);
const char *grade_gate_name(unsigned i);
/* Build gate i's trace (free it with grade_trace_free).  0 or -1. */
int grade_gate_trace(unsigned i, struct trace *t, char *err, size_t errlen);
void grade_trace_free(struct trace *t);
/* Run every gate on ops.  0 (the verdict in *out), or -1 with err. */
int grade_gate(const struct alloc_ops *ops, const char *options, struct grade_gate_result *out,
	       char *err, size_t errlen);

/* Paired rounds on one trace: each round times one pass of ops and one of
 * ref (the order alternating), at least GRADE_ROUND_SECS each; the
 * medians go to *secs and *ref_secs.  0 or -1 with err. */
int grade_time_paired(const struct trace *t, const struct alloc_ops *ops, const char *options,
		      const struct alloc_ops *ref, unsigned rounds, double *secs,
		      double *ref_secs, char *err, size_t errlen);

/* One trace's figures, as the total needs them. */
struct grade_row {
	bool ok;            /* ran, checked valid, timed */
	double utilization; /* < 0: unknown (counts as 0) */
	uint64_t ops;
	double secs, ref_secs;
};

struct grade_total {
	unsigned traces, passed;
	double util;        /* mean over the traces, each capped at 1 */
	double t_ratio;     /* T / T_glibc = sum of ref secs / sum of secs */
	double score;       /* 0 to 100; 0 when the gate or any trace failed */
};

void grade_total(const struct grade_row *rows, unsigned n, bool gate_passed,
		 struct grade_total *out);

#endif
