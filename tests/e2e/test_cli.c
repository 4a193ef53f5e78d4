/* test_cli.c — mmlab as a user types it.
 *
 * Every bad input must give exactly one line on stderr starting "mmlab: ",
 * nothing on stdout, and exit status 2; help must be true (exit 0, the
 * usage of the right command); a run prints the reference output and a
 * stats table; the JSON dump parses and carries the documented keys;
 * running out of memory is a clear message and exit status 3.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/support/test.h"


static void expect_usage_error(const char *const argv[], const char *needle)
{
	struct cmd_result r = cmd_run(argv);
	if (r.status != 2 || count_lines(r.err) != 1 || strncmp(r.err, "mmlab: ", 7) != 0 ||
	    r.out[0] != '\0' || (needle && !strstr(r.err, needle)))
		fail_msg("%s %s %s: status %d, stdout \"%s\", stderr \"%s\" (wanted \"%s\")",
			 argv[1], argv[2] ? argv[2] : "", argv[2] && argv[3] ? argv[3] : "",
			 r.status, r.out, r.err, needle ? needle : "");
	cmd_free(&r);
}

static void bad_input_is_one_line_and_status_2(void **state)
{
	(void)state;
	expect_usage_error(MMLAB("run", "-w", "nosuch"), "unknown workload 'nosuch'");
	expect_usage_error(MMLAB("run", "-m", "arc"), "unknown model 'arc'");
	expect_usage_error(MMLAB("run", "-p", "width=3"), "unknown parameter 'width'");
	expect_usage_error(MMLAB("run", "-p", "depth"), "KEY=VALUE");
	expect_usage_error(MMLAB("run", "-p", "depth=-1"), "out of range");
	expect_usage_error(MMLAB("run", "-p", "depth=31"), "out of range");
	expect_usage_error(MMLAB("run", "-p", "depth=abc"), "not an integer");
	expect_usage_error(MMLAB("run", "-p", "depth=10x"), "not an integer");
	expect_usage_error(MMLAB("run", "-p", "depth="), "not an integer");
	expect_usage_error(MMLAB("run", "-p", "depth=99999999999999999999"), "not an integer");
	expect_usage_error(MMLAB("run", "--seed", "-3"), "--seed");
	expect_usage_error(MMLAB("run", "--mem-limit", "12q"), "--mem-limit");
	expect_usage_error(MMLAB("run", "--probes", "maybe"), "--probes");
	expect_usage_error(MMLAB("run", "--frobnicate"), "unknown option");
	expect_usage_error(MMLAB("run", "-x"), "unknown option");
	expect_usage_error(MMLAB("run", "-w"), NULL);
	expect_usage_error(MMLAB("run", "stray"), "unexpected argument 'stray'");
	expect_usage_error(MMLAB("run", "-a", "nosuch"), "unknown allocator 'nosuch'");
	expect_usage_error(MMLAB("run", "-m", "gc", "-a", "glibc"), "brings its own heap");
	expect_usage_error(MMLAB("run", "-m", "manual", "-a", "bdwgc"), "only the gc model");
	expect_usage_error(MMLAB("matrix", "-m", "rc"), "--models");
	expect_usage_error(MMLAB("matrix", "--models", "manual,zz"), "unknown model 'zz'");
	expect_usage_error(MMLAB("matrix", "-p", "depth=40"), "out of range");
	expect_usage_error(MMLAB("list", "things"), "unknown kind");
	expect_usage_error(MMLAB("frobnicate"), "unknown command");
}

static void expect_help(const char *const argv[], const char *usage)
{
	struct cmd_result r = cmd_run(argv);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, usage));
	assert_string_equal(r.err, "");
	cmd_free(&r);
}

static void help_and_version(void **state)
{
	(void)state;
	expect_help(MMLAB("--help"), "usage: mmlab COMMAND");
	expect_help(MMLAB("run", "--help"), "usage: mmlab run");
	expect_help(MMLAB("matrix", "--help"), "usage: mmlab matrix");
	expect_help(MMLAB("list", "--help"), "usage: mmlab list");
	expect_help(MMLAB("--version"), "mmlab 0.1.0");
	/* every option the run help names is accepted */
	struct cmd_result r = cmd_run(MMLAB("run", "-w", "binary-trees", "-m", "rc", "-a", "glibc",
					    "-p", "depth=6", "--seed", "7", "--mem-limit", "1G",
					    "--probes", "off", "-q", "--json", "/dev/null"));
	assert_int_equal(r.status, 0);
	cmd_free(&r);
	r = cmd_run(MMLAB("--bogus"));
	assert_int_equal(r.status, 2);
	cmd_free(&r);
}

static void list_names_everything(void **state)
{
	(void)state;
	struct cmd_result r = cmd_run(MMLAB("list"));
	assert_int_equal(r.status, 0);
	/* each name as the first word of its own row: "gc" alone would also
	 * match "bdwgc", and "own" "its own" */
	const char *want[] = { "binary-trees", "manual", "rc", "gc", "own", "glibc", "bdwgc" };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		char row[64];
		snprintf(row, sizeof row, "\n  %s ", want[i]);
		if (strstr(r.out, row) == NULL)
			fail_msg("mmlab list has no row for %s:\n%s", want[i], r.out);
	}
	assert_non_null(strstr(r.out, "-p depth="));
	cmd_free(&r);
}

static const char reference_10[] = "stretch tree of depth 11\t check: 4095\n"
				   "1024\t trees of depth 4\t check: 31744\n"
				   "256\t trees of depth 6\t check: 32512\n"
				   "64\t trees of depth 8\t check: 32704\n"
				   "16\t trees of depth 10\t check: 32752\n"
				   "long lived tree of depth 10\t check: 2047\n";

static void run_prints_output_then_stats(void **state)
{
	(void)state;
	const char *models[] = { "manual", "rc", "gc", "own" };
	for (size_t i = 0; i < 4; i++) {
		struct cmd_result r = cmd_run(MMLAB("run", "-w", "binary-trees", "-m", models[i],
						    "-p", "depth=10"));
		assert_int_equal(r.status, 0);
		assert_memory_equal(r.out, reference_10, sizeof reference_10 - 1);
		assert_non_null(strstr(r.out, "checksum"));
		assert_non_null(strstr(r.out, "throughput (nodes/s)"));
		assert_string_equal(r.err, "");
		cmd_free(&r);
	}
}

static void json_dump_has_documented_keys(void **state)
{
	(void)state;
	char path[] = "/tmp/mmlab-e2e-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct cmd_result r = cmd_run(MMLAB("run", "-m", "own", "-p", "depth=8", "--seed", "42",
					    "--json", path));
	assert_int_equal(r.status, 0);
	cmd_free(&r);

	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char text[65536];
	size_t n = fread(text, 1, sizeof text, f);
	fclose(f);
	unlink(path);
	json_t *j = need_json(text, n);
	assert_string_equal(need_str(j, "schema"), "mmlab-stats");
	assert_int_equal(need_u64(j, "schema_version"), 1);
	const json_t *cfg = need(j, "config");
	assert_string_equal(need_str(cfg, "workload"), "binary-trees");
	assert_int_equal(json_integer_value(need(need(cfg, "params"), "depth")), 8);
	assert_string_equal(need_str(cfg, "model"), "own");
	assert_string_equal(need_str(cfg, "allocator"), "glibc");
	assert_int_equal(need_u64(cfg, "seed"), 42);
	assert_string_equal(need_str(cfg, "mmlab_version"), "0.1.0");
	assert_true(strlen(need_str(cfg, "compiler")) > 0);
	assert_true(strlen(need_str(cfg, "host")) > 0);
	const json_t *res = need(j, "results");
	const char *keys[] = { "checksum",    "ops",	     "wall_s",		"cpu_s",
			       "ops_per_s",   "allocs",	     "alloc_bytes",	"pause_count",
			       "pause_total_s", "pause_max_s", "peak_rss_bytes", "peak_live_bytes",
			       "leaked_bytes" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		need(res, keys[i]);
	assert_int_equal(need_u64(res, "ops"), need_u64(res, "allocs"));
	assert_int_equal(need_u64(res, "leaked_bytes"), 0);
	/* own counts its borrows: binary-trees borrows each tree's root once and
	 * every other node once through its parent, so one borrow per node */
	assert_int_equal(need_u64(res, "borrows"), need_u64(res, "ops"));
	assert_string_equal(need_str(need(j, "allocator"), "backend"), "glibc");
	json_decref(j);

	/* --json - writes the JSON alone to stdout */
	r = cmd_run(MMLAB("run", "-m", "gc", "-p", "depth=6", "--json", "-"));
	assert_int_equal(r.status, 0);
	j = need_json(r.out, strlen(r.out));
	assert_string_equal(need_str(need(j, "config"), "allocator"), "bdwgc");
	assert_true(json_is_null(need(need(j, "results"), "leaked_bytes")));
	assert_true(json_is_null(need(need(j, "results"), "borrows")));
	json_decref(j);
	cmd_free(&r);
}

static void out_of_memory_is_reported(void **state)
{
	(void)state;
	/* sanitizer builds reserve terabytes up front and so run without the
	 * address-space limit this test relies on */
	if (getenv("MMLAB_SANITIZED"))
		skip();
	const char *models[] = { "manual", "rc", "gc", "own" };
	for (size_t i = 0; i < 4; i++) {
		struct cmd_result r = cmd_run(MMLAB("run", "-m", models[i], "-p", "depth=24",
						    "--mem-limit", "64M", "-q"));
		if (r.status != 3 || count_lines(r.err) != 1 || !strstr(r.err, "out of memory"))
			fail_msg("%s: status %d, stderr \"%s\"", models[i], r.status, r.err);
		cmd_free(&r);
	}
}

/* The models this build has, from `mmlab list models`: their names, one
 * per row ("  NAME   summary"), into names; returns how many. */
static size_t listed_models(char names[][32], size_t max)
{
	struct cmd_result r = cmd_run(MMLAB("list", "models"));
	assert_int_equal(r.status, 0);
	size_t n = 0;
	for (const char *p = r.out; (p = strstr(p, "\n  ")) != NULL && n < max; p++) {
		size_t len = strcspn(p + 3, " \n");
		assert_true(len > 0 && len < 32);
		memcpy(names[n], p + 3, len);
		names[n++][len] = '\0';
	}
	cmd_free(&r);
	return n;
}

static void matrix_runs_every_model(void **state)
{
	(void)state;
	char names[16][32];
	size_t models = listed_models(names, 16);
	assert_true(models >= 4); /* manual, rc, gc and own at least */
	char path[] = "/tmp/mmlab-e2e-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct cmd_result r = cmd_run(MMLAB("matrix", "-p", "depth=8", "--json", path));
	assert_int_equal(r.status, 0);
	for (size_t i = 0; i < models; i++) {
		char row[48];
		snprintf(row, sizeof row, "\n%.31s ", names[i]);
		if (strstr(r.out, row) == NULL)
			fail_msg("matrix has no row for %s:\n%s", names[i], r.out);
	}
	assert_non_null(strstr(r.out, "the same under every model"));
	cmd_free(&r);

	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char text[1 << 18];
	size_t n = fread(text, 1, sizeof text, f);
	fclose(f);
	unlink(path);
	json_t *j = need_json(text, n);
	assert_int_equal(json_array_size(need(j, "runs")), models);
	assert_int_equal(json_array_size(need(j, "table")), models);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_input_is_one_line_and_status_2),
		cmocka_unit_test(help_and_version),
		cmocka_unit_test(list_names_everything),
		cmocka_unit_test(run_prints_output_then_stats),
		cmocka_unit_test(json_dump_has_documented_keys),
		cmocka_unit_test(out_of_memory_is_reported),
		cmocka_unit_test(matrix_runs_every_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
