/* test_split_pauses.c — the sampled split, pause CPU time and the pause log.
 *
 * The pause log: its lines recompute the JSON's pause count, maximum and
 * p99.  The sampled split: its shares add up, and its seconds are the wall
 * time cut by them.  CPU time of pauses: every collection has it, and no
 * pause used more CPU than wall time; the busy mark follows wall and CPU.
 * (The split against callgrind is `make check-figures`: too slow here.) */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/support/test.h"

static json_t *run_json(const char *const argv[])
{
	struct cmd_result r = cmd_run(argv);
	if (r.status != 0)
		fail_msg("%s %s: status %d, stderr \"%s\"", argv[1], argv[2], r.status, r.err);
	json_t *j = need_json(r.out, strlen(r.out));
	cmd_free(&r);
	return j;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static void pause_log_recomputes_the_figures(void **state)
{
	(void)state;
	char path[] = "/tmp/mmlab-pause-log-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	json_t *j = run_json(MMLAB("run", "-q", "-m", "rc", "-p", "depth=12", "--pause-log", path,
				   "--json", "-"));
	const json_t *res = need(j, "results");
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[256];
	assert_non_null(fgets(line, sizeof line, f));
	assert_string_equal(line, "kind,start_ns,end_ns\n");
	size_t cap = 1024, n = 0, steps = 0;
	uint64_t *dur = malloc(cap * sizeof *dur);
	assert_non_null(dur);
	uint64_t last_start = 0;
	while (fgets(line, sizeof line, f)) {
		char kind[32];
		uint64_t start, end;
		if (sscanf(line, "%31[^,],%" SCNu64 ",%" SCNu64, kind, &start, &end) != 3)
			fail_msg("pause log line \"%s\" is not kind,start,end", line);
		assert_true(end >= start);
		assert_true(start >= last_start); /* in order of start */
		last_start = start;
		if (strcmp(kind, "step") == 0) {
			steps++;
			continue;
		}
		assert_string_equal(kind, "rc-cascade");
		if (n == cap) {
			dur = realloc(dur, (cap *= 2) * sizeof *dur);
			assert_non_null(dur);
		}
		dur[n++] = end - start;
	}
	fclose(f);
	unlink(path);
	assert_int_equal(n, need_u64(res, "pause_count"));
	assert_int_equal(steps, need_u64(res, "step_count"));
	qsort(dur, n, sizeof *dur, cmp_u64);
	/* the maximum is exact; the p99 is the middle of a histogram bucket,
	 * within 0.4% of the exact nearest-rank p99 (histogram.h) */
	assert_true(fabs((double)dur[n - 1] / 1e9 - need_num(res, "pause_max_s")) < 1e-9);
	size_t rank = (size_t)ceil(0.99 * (double)n);
	double p99 = (double)dur[rank - 1] / 1e9, got = need_num(res, "pause_p99_s");
	if (fabs(got - p99) > 0.005 * p99 + 1e-9)
		fail_msg("p99 from the log %.9f s, in the JSON %.9f s", p99, got);
	free(dur);
	json_decref(j);
}

static void pause_log_is_refused_where_it_cannot_be(void **state)
{
	(void)state;
	const char *const *bad[] = {
		MMLAB("run", "--pause-log", "-"),
		MMLAB("run", "--pause-log", "/nonexistent-dir/log.csv"),
		MMLAB("run", "--pause-log", "/tmp/mmlab-never.csv", "--repeat", "2"),
		MMLAB("run", "--pause-log", "/tmp/mmlab-never.csv", "--probes", "off"),
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct cmd_result r = cmd_run(bad[i]);
		assert_int_equal(r.status, 2);
		assert_int_equal(count_lines(r.err), 1);
		cmd_free(&r);
	}
	assert_int_equal(access("/tmp/mmlab-never.csv", F_OK), -1);
}

static void split_shares_add_up(void **state)
{
	(void)state;
	static const char *const models[] = { "manual", "gc" };
	for (size_t m = 0; m < 2; m++) {
		json_t *j = run_json(MMLAB("run", "-q", "-m", models[m], "-p", "depth=15", "--json",
					   "-"));
		const json_t *res = need(j, "results");
		assert_true(need_u64(res, "split_samples") >= 1);
		double mut = need_num(res, "mutator_share"), mm = need_num(res, "mm_share");
		double al = need_num(res, "allocator_share"), mo = need_num(res, "model_share");
		double co = need_num(res, "collector_share"), pr = need_num(res, "probes_share");
		assert_true(fabs(mm - (al + mo + co)) < 1e-9);
		assert_true(fabs(mut + mm + pr - 1.0) < 1e-9);
		if (strcmp(models[m], "gc") == 0)
			assert_true(al == 0); /* Boehm allocates: the collector's share */
		else
			assert_true(co == 0);
		if (need_u64(res, "split_samples") >= 50) {
			double wall = need_num(res, "wall_s");
			/* the JSON keeps about nine digits of each figure */
			if (fabs(need_num(res, "mm_s") - wall * mm) > 1e-6 * wall ||
			    fabs(need_num(res, "mutator_s") - wall * mut) > 1e-6 * wall)
				fail_msg("%s: mm_s %.9f mutator_s %.9f, wall %.9f x shares %.4f %.4f",
					 models[m], need_num(res, "mm_s"), need_num(res, "mutator_s"),
					 wall, mm, mut);
		}
		json_decref(j);
	}
}

/* MMLAB_SPLIT=off (what bench-probes compares to measure the split's
 * cost): the other probes still run, the split's figures are null; any
 * other value than on or off is one line and exit status 2, under run
 * and under matrix (before any child). */
static void the_split_can_be_left_out(void **state)
{
	(void)state;
	assert_int_equal(setenv("MMLAB_SPLIT", "off", 1), 0);
	struct cmd_result off = cmd_run(MMLAB("run", "-q", "-m", "manual", "-p", "depth=12", "--json",
					      "-"));
	assert_int_equal(setenv("MMLAB_SPLIT", "sometimes", 1), 0);
	struct cmd_result r = cmd_run(MMLAB("run", "-q", "-m", "manual", "-p", "depth=6"));
	/* matrix refuses it once, before it starts a child for each row */
	struct cmd_result mx = cmd_run(MMLAB("matrix", "-p", "depth=6"));
	assert_int_equal(unsetenv("MMLAB_SPLIT"), 0); /* before any assertion can fail */
	assert_int_equal(off.status, 0);
	json_t *j = need_json(off.out, strlen(off.out));
	cmd_free(&off);
	const json_t *res = need(j, "results");
	assert_true(json_is_null(need(res, "split_samples")));
	assert_true(json_is_null(need(res, "mm_share")));
	assert_true(need_u64(res, "pause_count") > 0);
	json_decref(j);
	assert_int_equal(r.status, 2);
	assert_int_equal(count_lines(r.err), 1);
	assert_non_null(strstr(r.err, "MMLAB_SPLIT"));
	cmd_free(&r);
	assert_int_equal(mx.status, 2);
	assert_int_equal(count_lines(mx.err), 1);
	assert_string_equal(mx.out, "");
	assert_non_null(strstr(mx.err, "MMLAB_SPLIT"));
	cmd_free(&mx);
}

static void pauses_have_cpu_time(void **state)
{
	(void)state;
	json_t *j = run_json(MMLAB("run", "-q", "-m", "gc", "-p", "depth=14", "--json", "-"));
	const json_t *res = need(j, "results");
	/* every collection is CPU-timed (other pauses only from 1 ms up) */
	assert_true(need_u64(res, "cpu_pause_count") >= need_u64(res, "pause_count"));
	/* the two clocks are read a moment apart: under a microsecond a pause */
	double slack = 1e-6 * (double)(need_u64(res, "cpu_pause_count") + 1);
	assert_true(need_num(res, "cpu_pause_cpu_s") <= need_num(res, "cpu_pause_wall_s") + slack);
	double wall = need_num(res, "wall_s"), cpu = need_num(res, "cpu_s");
	assert_int_equal(need_u64(res, "busy"), wall > 1.2 * cpu);
	json_decref(j);

	j = run_json(MMLAB("run", "-q", "-m", "manual", "-p", "depth=8", "--probes", "off",
			   "--json", "-"));
	res = need(j, "results");
	assert_true(json_is_integer(need(res, "busy"))); /* known without the probes */
	assert_true(json_is_null(need(res, "cpu_pause_count")));
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pause_log_recomputes_the_figures),
		cmocka_unit_test(pause_log_is_refused_where_it_cannot_be),
		cmocka_unit_test(split_shares_add_up),
		cmocka_unit_test(the_split_can_be_left_out),
		cmocka_unit_test(pauses_have_cpu_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
