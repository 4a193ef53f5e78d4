/* signif.h — is a change inside the noise?  The Mann-Whitney U test on two
 * samples, as benchstat uses it (alpha 0.05), for `mmlab compare`.
 *
 * Exact (the U distribution counted) when neither sample has ties and the
 * two hold at most SIGNIF_EXACT_MAX values together; otherwise the normal
 * approximation with the tie correction and a continuity correction.
 * Fewer than SIGNIF_MIN_N values on a side give no verdict: with three
 * against three the smallest two-sided p is 0.1, so no change could show.
 */
#ifndef MM_SIGNIF_H
#define MM_SIGNIF_H

#include <stdbool.h>
#include <stddef.h>

#define SIGNIF_ALPHA 0.05
#define SIGNIF_MIN_N 4
#define SIGNIF_EXACT_MAX 50

struct signif {
	bool enough; /* both samples have at least SIGNIF_MIN_N values */
	bool exact;  /* p from the exact distribution */
	double u;    /* U of the first sample */
	double p;    /* two-sided p-value; 1 when not enough */
};

/* The test on a[0..na) against b[0..nb); NaN values are not allowed.
 * 0, or -1 when out of memory (r then says not enough). */
int signif_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
			struct signif *r);

/* The samples differ at SIGNIF_ALPHA. */
bool signif_differs(const struct signif *r);

/* The median of n values (sorted in place); the mean of the two middle
 * values of an even count, as mmlab-repeat's summary takes it. */
double signif_median(double *v, size_t n);

#endif
