/* test_mmu.c — the pause log and the exact MMU sweep.
 *
 * Hand-computed MMU for small logs; the pruned sweep against two brute forces
 * (P at every integer start, P at every breakpoint) on random logs spanning
 * many blocks and escapes; the log reads back what was appended. */
#include <stdlib.h>

#include "runtime/probes/mmu.h"
#include "tests/support/test.h"

struct pause {
	uint64_t s, e;
};

static uint64_t rng = 0x2545f4914f6cdd1du;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t log_of(struct plog *l, const struct pause *p, size_t n)
{
	uint64_t max = 0;
	plog_init(l, 1000); /* an origin other than 0: times are relative to it */
	for (size_t i = 0; i < n; i++) {
		plog_append(l, 1000 + p[i].s, 1000 + p[i].e, PROBE_PAUSE_FREE);
		if (p[i].e - p[i].s > max)
			max = p[i].e - p[i].s;
	}
	return max;
}

static double mmu_of(const struct pause *p, size_t n, uint64_t len, uint64_t w)
{
	struct plog l;
	struct mmu_run run = { .log = &l, .length_ns = len };
	run.max_pause_ns = log_of(&l, p, n);
	double m = mmu_at(&run, w);
	plog_free(&l);
	return m;
}

#define MS 1000000ull

static void hand_computed(void **state)
{
	(void)state;
	/* one pause, 10..20 ms of a 100 ms run */
	const struct pause one[] = { { 10 * MS, 20 * MS } };
	assert_true(mmu_of(one, 1, 100 * MS, 5 * MS) == 0.0);
	assert_true(mmu_of(one, 1, 100 * MS, 10 * MS) == 0.0);
	assert_true(mmu_of(one, 1, 100 * MS, 20 * MS) == 0.5);  /* 10 of 20 ms free */
	assert_true(mmu_of(one, 1, 100 * MS, 40 * MS) == 0.75); /* 30 of 40 */
	assert_true(mmu_of(one, 1, 100 * MS, 100 * MS) == 0.9); /* the whole run */
	assert_true(mmu_of(one, 1, 100 * MS, 101 * MS) == MMU_UNDEFINED);

	/* two pauses 20 ms apart: a 35 ms window holds all of one and half
	 * of the other, 15 ms of pause at most */
	const struct pause two[] = { { 10 * MS, 20 * MS }, { 40 * MS, 50 * MS } };
	assert_float_equal(mmu_of(two, 2, 100 * MS, 35 * MS), 20.0 / 35.0, 1e-15);
	/* 40 ms covers both: 20 ms of 40 */
	assert_float_equal(mmu_of(two, 2, 100 * MS, 40 * MS), 0.5, 1e-15);
	assert_float_equal(mmu_of(two, 2, 100 * MS, 60 * MS), 40.0 / 60.0, 1e-15);

	/* pauses at the very ends of the run: windows are clamped to it */
	const struct pause ends[] = { { 0, 5 * MS }, { 95 * MS, 100 * MS } };
	assert_float_equal(mmu_of(ends, 2, 100 * MS, 10 * MS), 0.5, 1e-15);
	assert_float_equal(mmu_of(ends, 2, 100 * MS, 50 * MS), 0.9, 1e-15);
	assert_float_equal(mmu_of(ends, 2, 100 * MS, 100 * MS), 0.9, 1e-15);

	/* no pauses at all */
	assert_true(mmu_of(NULL, 0, 100 * MS, 10 * MS) == 1.0);
}

/* Pause time in [a, a + w). */
static uint64_t pause_in(const struct pause *p, size_t n, uint64_t a, uint64_t w)
{
	uint64_t t = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t lo = p[i].s > a ? p[i].s : a, hi = p[i].e < a + w ? p[i].e : a + w;
		if (hi > lo)
			t += hi - lo;
	}
	return t;
}

/* Random disjoint pauses in [0, len): n of them, gaps and durations up to
 * the given maxima. */
static uint64_t random_log(struct pause *p, size_t n, uint64_t gap_max, uint64_t dur_max)
{
	uint64_t t = 0;
	for (size_t i = 0; i < n; i++) {
		t += next() % gap_max;
		p[i].s = t;
		t += 1 + next() % dur_max;
		p[i].e = t;
	}
	return t + next() % gap_max + 1;
}

static void against_every_integer_start(void **state)
{
	(void)state;
	enum { N = 300 };
	static struct pause p[N];
	for (unsigned round = 0; round < 4; round++) {
		uint64_t len = random_log(p, N, 40, 20);
		for (uint64_t w = 1; w <= len; w += 1 + w / 3) {
			uint64_t best = 0;
			for (uint64_t a = 0; a + w <= len; a++) {
				uint64_t t = pause_in(p, N, a, w);
				best = t > best ? t : best;
			}
			double want = (double)(w - best) / (double)w;
			double got = mmu_of(p, N, len, w);
			if (got != want)
				fail_msg("round %u, len %llu, w %llu: got %.9f, want %.9f", round,
					 (unsigned long long)len, (unsigned long long)w, got, want);
		}
	}
}

/* With escape-sized values the integer brute force is too slow; P at
 * every breakpoint (window edges at pause boundaries, and the two ends)
 * is the same answer by the argument in mmu.c. */
static void against_every_breakpoint(void **state)
{
	(void)state;
	enum { N = 1500 };
	static struct pause p[N];
	for (unsigned round = 0; round < 3; round++) {
		uint64_t len = random_log(p, N, round ? 100000 : 3000, round == 2 ? 60000 : 2000);
		for (uint64_t w = len / 997 + 1; w <= len; w = w * 3 / 2 + 1) {
			uint64_t best = 0, last = len - w;
			for (size_t i = 0; i <= 2 * N + 1; i++) {
				uint64_t cand[2];
				if (i < N)
					cand[0] = p[i].s, cand[1] = p[i].e >= w ? p[i].e - w : 0;
				else
					cand[0] = 0, cand[1] = last;
				for (int c = 0; c < 2; c++) {
					uint64_t a = cand[c] > last ? last : cand[c];
					uint64_t t = pause_in(p, N, a, w);
					best = t > best ? t : best;
				}
				if (i >= N)
					break;
			}
			double want = (double)(w - best) / (double)w;
			double got = mmu_of(p, N, len, w);
			if (got != want)
				fail_msg("round %u, w %llu: got %.9f, want %.9f", round,
					 (unsigned long long)w, got, want);
		}
	}
}

static void log_reads_back_across_chunks(void **state)
{
	(void)state;
	enum { N = 40000 }; /* more than fit one chunk */
	static struct pause p[N];
	static const enum probe_pause kinds[] = { PROBE_PAUSE_GC, PROBE_PAUSE_CASCADE,
						  PROBE_PAUSE_FREE, PROBE_PAUSE_DROP };
	uint64_t t = 0;
	for (size_t i = 0; i < N; i++) {
		/* mostly word-sized, sometimes escapes, sometimes zero */
		t += i % 97 == 0 ? 5000000000ull : i % 5 == 0 ? 0 : next() % 30000;
		p[i].s = t;
		t += i % 89 == 0 ? 70000 : next() % 16000;
		p[i].e = t;
	}
	struct plog l;
	plog_init(&l, 7);
	for (size_t i = 0; i < N; i++)
		plog_append(&l, 7 + p[i].s, 7 + p[i].e, kinds[i % 4]);
	assert_int_equal(l.count, N);
	assert_false(l.lost);
	assert_non_null(l.head->next);
	struct plog_reader r;
	plog_reader_init(&r, &l);
	struct plog_entry e;
	uint64_t total = 0;
	for (size_t i = 0; i < N; i++) {
		assert_true(plog_next(&r, &e));
		assert_int_equal(e.start, p[i].s);
		assert_int_equal(e.end, p[i].e);
		assert_int_equal(e.kind, kinds[i % 4]);
		if (i % PLOG_BLOCK == 0) {
			assert_int_equal(l.mark[i / PLOG_BLOCK].start, p[i].s);
			assert_int_equal(l.mark[i / PLOG_BLOCK].before, total);
		}
		total += p[i].e - p[i].s;
	}
	assert_false(plog_next(&r, &e));
	assert_int_equal(l.total, total);
	plog_free(&l);

	/* a pause starting before the last one ended is clamped to it */
	plog_init(&l, 0);
	plog_append(&l, 100, 200, PROBE_PAUSE_GC);
	plog_append(&l, 150, 250, PROBE_PAUSE_GC);
	plog_append(&l, 260, 255, PROBE_PAUSE_GC);
	plog_reader_init(&r, &l);
	assert_true(plog_next(&r, &e));
	assert_true(plog_next(&r, &e));
	assert_int_equal(e.start, 200);
	assert_int_equal(e.end, 250);
	assert_true(plog_next(&r, &e));
	assert_int_equal(e.start, 260);
	assert_int_equal(e.end, 260);
	plog_free(&l);
}

static void curve_is_one_two_five_up_to_the_run(void **state)
{
	(void)state;
	const struct pause one[] = { { 10 * MS, 20 * MS } };
	struct plog l;
	struct mmu_run run = { .log = &l, .length_ns = 100 * MS };
	run.max_pause_ns = log_of(&l, one, 1);
	uint64_t w[MMU_CURVE_MAX];
	double m[MMU_CURVE_MAX];
	unsigned n = mmu_curve(&run, w, m, MMU_CURVE_MAX);
	/* 10, 20, 50 us ... 10, 20, 50 ms, then the run's 100 ms */
	assert_int_equal(n, 13);
	assert_int_equal(w[0], 10000);
	assert_int_equal(w[1], 20000);
	assert_int_equal(w[2], 50000);
	assert_int_equal(w[11], 50 * MS);
	assert_int_equal(w[12], 100 * MS);
	assert_true(m[10] == 0.5); /* 20 ms */
	assert_float_equal(m[11], 0.8, 1e-15);
	assert_float_equal(m[12], 0.9, 1e-15);
	for (unsigned i = 0; i < n; i++)
		assert_true(m[i] >= 0 && m[i] <= 1);
	plog_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hand_computed),
		cmocka_unit_test(against_every_integer_start),
		cmocka_unit_test(against_every_breakpoint),
		cmocka_unit_test(log_reads_back_across_chunks),
		cmocka_unit_test(curve_is_one_two_five_up_to_the_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
