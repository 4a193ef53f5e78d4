/* probe_cost.c — what the probes' primitives cost on this machine.
 *
 *   probe_cost [N]
 *
 * The clock: ns per read, the claimed and the observed resolution.  One pause
 * and one step as a model emits them, through the recorder and the null one. */
#include <stdio.h>
#include <stdlib.h>

#include "runtime/probes/clock.h"
#include "runtime/probes/probe_record.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* What mm_pause_begin, mm_pause_end and mm_step do, for a listener. */
static void events(const struct probe_listener *l, void *st, long n)
{
	for (long i = 0; i < n; i++) {
		if (l->timed) {
			l->pause_begin(st, PROBE_PAUSE_FREE, clock_now_ns());
			l->pause_end(st, PROBE_PAUSE_FREE, clock_now_ns());
			l->step(st, clock_now_ns());
		} else {
			l->pause_begin(st, PROBE_PAUSE_FREE, 0);
			l->pause_end(st, PROBE_PAUSE_FREE, 0);
			l->step(st, 0);
		}
	}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	if (n < 1000) {
		fprintf(stderr, "usage: probe_cost [N >= 1000]\n");
		return 2;
	}

	uint64_t sink = 0, t0 = clock_now_ns();
	for (long i = 0; i < n; i++)
		sink += clock_now_ns();
	double per_read = (double)(clock_now_ns() - t0) / (double)n;

	struct timespec res;
	clock_getres(CLOCK_MONOTONIC, &res);
	enum { PAIRS = 100001 };
	static uint64_t d[PAIRS];
	for (long i = 0; i < PAIRS; i++) {
		uint64_t a = clock_now_ns();
		d[i] = clock_now_ns() - a;
	}
	qsort(d, PAIRS, sizeof d[0], cmp_u64);
	uint64_t smallest = 0;
	for (long i = 0; i < PAIRS && smallest == 0; i++)
		smallest = d[i];

	struct probe_record *r = probe_record_new(5000000);
	if (r == NULL) {
		fprintf(stderr, "probe_cost: no memory for a record\n");
		return 1;
	}
	probe_record_begin(r, clock_now_ns());
	t0 = clock_now_ns();
	events(&probe_recorder, r, n);
	double recorded = (double)(clock_now_ns() - t0) / (double)n;
	uint64_t log_bytes = r->log.bytes;
	probe_record_delete(r);
	t0 = clock_now_ns();
	events(&probe_null, NULL, n);
	double null = (double)(clock_now_ns() - t0) / (double)n;

	printf("clock_gettime(CLOCK_MONOTONIC): %.1f ns per read; clock_getres %ld ns; "
	       "back-to-back reads differ by %llu ns at least, %llu ns in the median\n",
	       per_read, res.tv_nsec, (unsigned long long)smallest,
	       (unsigned long long)d[PAIRS / 2]);
	printf("one pause and one step, as a model emits them: %.1f ns through the recorder "
	       "(3 clock reads included), %.1f ns through the null listener; "
	       "pause log %.2f bytes per pause\n",
	       recorded, null, (double)log_bytes / (double)n);
	return sink == 42; /* keep the reads */
}
