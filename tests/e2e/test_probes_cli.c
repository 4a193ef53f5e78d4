/* test_probes_cli.c — the probe levels and --repeat, as a user types them.
 *
 * Each level leaves its mark in the JSON; a bad level or repeat count is one
 * line and status 2; --repeat K runs K processes and reports each run and the
 * median, min and max, in the table and in the JSON. */
#include <stdio.h>
#include <stdlib.h>

#include "runtime/stats/json.h"
#include "tests/support/test.h"


static struct json *run_json(const char *const argv[])
{
	struct cmd_result r = cmd_run(argv);
	if (r.status != 0)
		fail_msg("%s %s: status %d, stderr \"%s\"", argv[1], argv[2], r.status, r.err);
	struct json *j = need_json(r.out, strlen(r.out));
	cmd_free(&r);
	return j;
}

static void levels_show_in_the_json(void **state)
{
	(void)state;
	struct json *j = run_json(MMLAB("run", "-m", "rc", "-p", "depth=8", "--probes", "off",
					"--json", "-"));
	const struct json *res = need(j, "results");
	assert_string_equal(need(need(j, "config"), "probes")->string, "off");
	assert_true(need(res, "pause_count")->kind == JSON_NULL);
	assert_true(need(res, "mmu_1ms")->kind == JSON_NULL);
	assert_true(need(res, "peak_live_bytes")->is_u64);
	assert_int_equal(need(need(j, "mmu_curve"), "rows")->count, 0);
	json_free(j);

	j = run_json(MMLAB("run", "-m", "own", "-p", "depth=10", "--json", "-"));
	res = need(j, "results");
	assert_string_equal(need(need(j, "config"), "probes")->string, "on");
	const char *numbers[] = { "pause_count", "pause_p50_s", "pause_p99_s", "pause_p999_s",
				  "pause_max_s", "mmu_1ms", "step_count", "step_p99_s",
				  "mutator_s", "mm_s", "allocs_per_s", "alloc_bytes_per_s",
				  "sampled_peak_footprint_bytes", "probe_bytes", "utilization" };
	/* under the sanitizers mallinfo2 reads zero: no footprint to divide by */
	size_t n = sizeof numbers / sizeof numbers[0] - (getenv("MMLAB_SANITIZED") ? 1 : 0);
	for (size_t i = 0; i < n; i++)
		if (need(res, numbers[i])->kind != JSON_NUMBER)
			fail_msg("results.%s is not a number", numbers[i]);
	assert_true(need(res, "alloc_s")->kind == JSON_NULL);
	assert_string_equal(json_str(need(j, "pause_kinds")->child, "kind", ""), "drop");
	assert_true(need(need(j, "mmu_curve"), "rows")->count >= 3);
	assert_true(need(need(need(j, "timeline"), "points"), "rows")->count >= 1);
	json_free(j);

	j = run_json(MMLAB("run", "-m", "manual", "-p", "depth=10", "--probes", "full", "--json",
			   "-"));
	res = need(j, "results");
	assert_string_equal(need(need(j, "config"), "probes")->string, "full");
	assert_true(need(res, "alloc_s")->kind == JSON_NUMBER);
	assert_true(need(res, "alloc_s")->number < need(res, "wall_s")->number);
	assert_true(need(res, "mm_s")->number >= need(res, "pause_total_s")->number);
	json_free(j);

	/* gc: Boehm's collections are the pauses; no requested bytes */
	j = run_json(MMLAB("run", "-m", "gc", "-p", "depth=12", "--json", "-"));
	res = need(j, "results");
	assert_int_equal(need(res, "pause_count")->u64, need(res, "collections")->u64);
	assert_true(need(res, "frag_internal")->kind == JSON_NULL);
	json_free(j);
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

	struct json *j = run_json(MMLAB("run", "-m", "rc", "-p", "depth=8", "--repeat", "3",
					"--json", "-"));
	assert_string_equal(need(j, "schema")->string, "mmlab-repeat");
	const struct json *runs = need(j, "runs");
	assert_int_equal(runs->count, 3);
	for (const struct json *run = runs->child; run; run = run->next)
		assert_string_equal(need(need(run, "config"), "model")->string, "rc");
	assert_int_equal(need(j, "table")->count, 3);
	bool wall = false;
	for (const struct json *row = need(j, "summary")->child; row; row = row->next) {
		if (strcmp(json_str(row, "figure", ""), "wall_s") != 0)
			continue;
		wall = true;
		double med = need(row, "median")->number, lo = need(row, "min")->number,
		       hi = need(row, "max")->number;
		assert_true(lo <= med && med <= hi && lo > 0);
	}
	assert_true(wall);
	json_free(j);
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
