/* test_probes_cli.c — the probe levels and --repeat, as a user types them.
 *
 * Each level leaves its mark in the JSON; a bad level or repeat count is one
 * line and status 2; --repeat K runs K processes and reports each run and the
 * median, min and max, in the table and in the JSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

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

static void levels_show_in_the_json(void **state)
{
	(void)state;
	json_t *j = run_json(MMLAB("run", "-m", "rc", "-p", "depth=8", "--probes", "off",
					"--json", "-"));
	const json_t *res = need(j, "results");
	assert_string_equal(need_str(need(j, "config"), "probes"), "off");
	assert_true(json_is_null(need(res, "pause_count")));
	assert_true(json_is_null(need(res, "mmu_1ms")));
	assert_true(json_is_integer(need(res, "peak_live_bytes")));
	assert_int_equal(json_array_size(need(need(j, "mmu_curve"), "rows")), 0);
	json_decref(j);

	j = run_json(MMLAB("run", "-m", "own", "-p", "depth=10", "--json", "-"));
	res = need(j, "results");
	assert_string_equal(need_str(need(j, "config"), "probes"), "on");
	const char *numbers[] = { "pause_count", "pause_p50_s", "pause_p99_s", "pause_p999_s",
				  "pause_max_s", "mmu_1ms", "step_count", "step_p99_s",
				  "mutator_s", "mm_s", "allocs_per_s", "alloc_bytes_per_s",
				  "sampled_peak_footprint_bytes", "probe_bytes", "sampled_utilization" };
	/* glibc's utilization is sampled; under the sanitizers mallinfo2 reads
	 * zero: no footprint to divide by */
	size_t n = sizeof numbers / sizeof numbers[0] - (getenv("MMLAB_SANITIZED") ? 1 : 0);
	for (size_t i = 0; i < n; i++)
		if (!json_is_number(need(res, numbers[i])))
			fail_msg("results.%s is not a number", numbers[i]);
	assert_true(json_is_null(need(res, "alloc_s")));
	assert_string_equal(need_str(json_array_get(need(j, "pause_kinds"), 0), "kind"), "drop");
	assert_true(json_array_size(need(need(j, "mmu_curve"), "rows")) >= 3);
	assert_true(json_array_size(need(need(need(j, "timeline"), "points"), "rows")) >= 1);
	json_decref(j);

	/* mm_s is the timed split (pauses plus allocation calls) below 50
	 * samples, the sampled one from there on (stats_derive); depth 10
	 * gives tens of samples, depth 16 hundreds (the profile's timer runs
	 * on wall-clock time, so a busy machine gives more), and each run
	 * checks the formula its count calls for */
	static const char *const depths[] = { "depth=10", "depth=16" };
	for (unsigned d = 0; d < 2; d++) {
		j = run_json(MMLAB("run", "-m", "manual", "-p", depths[d], "--probes", "full",
				   "--json", "-"));
		res = need(j, "results");
		assert_string_equal(need_str(need(j, "config"), "probes"), "full");
		assert_true(json_is_number(need(res, "alloc_s")));
		double wall = need_num(res, "wall_s");
		assert_true(need_num(res, "alloc_s") < wall);
		uint64_t samples = need_u64(res, "split_samples");
		double want = samples < 50 ? need_num(res, "pause_total_s") + need_num(res, "alloc_s")
					   : wall * need_num(res, "mm_share");
		if (fabs(need_num(res, "mm_s") - want) > 1e-6 * wall)
			fail_msg("%s: %llu samples, mm_s %.9g, want %.9g", depths[d],
				 (unsigned long long)samples, need_num(res, "mm_s"), want);
		if (d == 1 && samples < 50)
			fail_msg("depth 16 took only %llu samples", (unsigned long long)samples);
		json_decref(j);
	}

	/* gc: Boehm's collections are the pauses; no requested bytes */
	j = run_json(MMLAB("run", "-m", "gc", "-p", "depth=12", "--json", "-"));
	res = need(j, "results");
	assert_int_equal(need_u64(res, "pause_count"), need_u64(res, "collections"));
	assert_true(json_is_null(need(res, "frag_internal")));
	json_decref(j);
}

static void bad_values_are_one_line(void **state)
{
	(void)state;
	const char *const *cases[] = {
		MMLAB("run", "--probes", "some"), MMLAB("run", "--repeat", "0"),
		MMLAB("run", "--repeat", "x"),    MMLAB("run", "--repeat", "1001"),
		MMLAB("run", "--repeat", "-2"),
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cmd_result r = cmd_run(cases[i]);
		if (r.status != 2 || count_lines(r.err) != 1 || strncmp(r.err, "mmlab: ", 7) != 0 ||
		    r.out[0] != '\0')
			fail_msg("%s %s: status %d, stdout \"%s\", stderr \"%s\"", cases[i][2],
				 cases[i][3], r.status, r.out, r.err);
		cmd_free(&r);
	}
}

static void repeat_runs_fresh_processes(void **state)
{
	(void)state;
	struct cmd_result r = cmd_run(MMLAB("run", "-m", "manual", "-p", "depth=8", "--repeat",
					    "3", "--probes", "on"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "3 runs each in a fresh process"));
	assert_non_null(strstr(r.out, "median"));
	assert_non_null(strstr(r.out, "\n   3 "));
	assert_non_null(strstr(r.out, "the same in every run"));
	assert_string_equal(r.err, "");
	cmd_free(&r);

	json_t *j = run_json(MMLAB("run", "-m", "rc", "-p", "depth=8", "--repeat", "3",
					"--json", "-"));
	assert_string_equal(need_str(j, "schema"), "mmlab-repeat");
	const json_t *runs = need(j, "runs");
	assert_int_equal(json_array_size(runs), 3);
	size_t i;
	json_t *run, *row;
	json_array_foreach(runs, i, run)
		assert_string_equal(need_str(need(run, "config"), "model"), "rc");
	assert_int_equal(json_array_size(need(j, "table")), 3);
	bool wall = false;
	json_array_foreach(need(j, "summary"), i, row) {
		if (strcmp(need_str(row, "figure"), "wall_s") != 0)
			continue;
		wall = true;
		double med = need_num(row, "median"), lo = need_num(row, "min"),
		       hi = need_num(row, "max");
		assert_true(lo <= med && med <= hi && lo > 0);
	}
	assert_true(wall);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(levels_show_in_the_json),
		cmocka_unit_test(bad_values_are_one_line),
		cmocka_unit_test(repeat_runs_fresh_processes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
