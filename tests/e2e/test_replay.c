/* test_replay.c — `mmlab replay` and `mmlab run --record` as a user types them.
 *
 * Every shipped trace replays valid on every allocator mmlab carries, in
 * the table and the JSON; every malformed trace is one line naming
 * FILE:LINE, status 2 and nothing on stdout; a recorded run replays with
 * the run's own peak of live bytes; bad options are one line, status 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/support/test.h"


static const char *const shipped[] = {
	"traces/small-blocks.rep", "traces/realloc-growth.rep", "traces/fragment.rep",
	"traces/large-blocks.rep", "traces/binary-trees.trace",
};
enum { NSHIPPED = sizeof shipped / sizeof shipped[0] };

static void shipped_traces_replay_valid(void **state)
{
	(void)state;
	const char *allocators[] = { "glibc", "simpleseg", "buddy", "freelist", "bump" };
	for (size_t a = 0; a < sizeof allocators / sizeof allocators[0]; a++) {
		const char *argv[16] = { mmlab_path(), "replay", "-a", allocators[a], "--reps", "1",
					 "--min-time", "0", "--json", "-" };
		for (int i = 0; i < NSHIPPED; i++)
			argv[10 + i] = shipped[i];
		struct cmd_result r = cmd_run(argv);
		if (r.status != 0)
			fail_msg("%s: status %d, stderr %s", allocators[a], r.status, r.err);
		json_t *j = need_json(r.out, strlen(r.out));
		assert_string_equal(need_str(j, "schema"), "mmlab-replay");
		assert_string_equal(need_str(need(j, "config"), "allocator"), allocators[a]);
		uint64_t ops = 0;
		int n = 0;
		size_t k;
		const json_t *t;
		json_array_foreach(need(j, "traces"), k, t) {
			assert_string_equal(need_str(t, "trace"), shipped[n]);
			if (strcmp(need_str(t, "valid"), "yes") != 0)
				fail_msg("%s on %s: %s", shipped[n], allocators[a],
					 need_str(t, "error"));
			/* under ASan the sanitizer serves malloc, and glibc's
			 * figures say nothing of it */
			bool blind = getenv("MMLAB_SANITIZED") && strcmp(allocators[a], "glibc") == 0;
			if (!blind) { /* blind: null, glibc's figures read zero */
				double u = need_num(t, "utilization");
				if (!(u > 0 && u <= 1))
					fail_msg("%s on %s: utilization %g", shipped[n],
						 allocators[a], u);
			}
			assert_true(need_num(t, "ops_per_s") > 0);
			assert_true(need_u64(t, "peak_live_bytes") > 0);
			ops += need_u64(t, "ops");
			n++;
		}
		assert_int_equal(n, NSHIPPED);
		const json_t *total = need(j, "total");
		assert_int_equal(need_u64(total, "ops"), ops);
		assert_int_equal(need_u64(total, "valid"), NSHIPPED);
		json_decref(j);
		cmd_free(&r);
	}
}

static void table_names_every_trace(void **state)
{
	(void)state;
	struct cmd_result r = cmd_run(MMLAB("replay", "--reps", "1", "--min-time", "0",
					    "traces/fragment.rep", "traces/binary-trees.trace"));
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	const char *want[] = { "replaying 2 traces on glibc", "traces/fragment.rep",
			       "traces/binary-trees.trace", "utilization", "throughput", "total" };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (strstr(r.out, want[i]) == NULL)
			fail_msg("no \"%s\" in:\n%s", want[i], r.out);
	cmd_free(&r);
}

static char dir[] = "/tmp/mmlab-replay-XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* One line "mmlab: PATH:LINE: ...needle...", status 2, empty stdout. */
static void expect_malformed(const char *name, const char *text, int line, const char *needle)
{
	const char *path = write_file(name, text);
	char want[192];
	snprintf(want, sizeof want, "mmlab: %s:%d: ", path, line);
	/* a valid trace first: nothing may run before the bad one is found */
	struct cmd_result r = cmd_run(MMLAB("replay", "traces/small-blocks.rep", path));
	if (r.status != 2 || count_lines(r.err) != 1 || strncmp(r.err, want, strlen(want)) != 0 ||
	    strstr(r.err, needle) == NULL || r.out[0] != '\0')
		fail_msg("%s: status %d, stdout \"%s\", stderr \"%s\" (wanted \"%s...%s\")", name,
			 r.status, r.out, r.err, want, needle);
	cmd_free(&r);
	unlink(path);
}

static void malformed_traces_name_file_and_line(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	expect_malformed("header.rep", "20000\nthree\n8\n1\n", 2, "bad header");
	expect_malformed("short-header.rep", "20000\n3\na 0 1\n", 3, "bad header: 2 numbers");
	expect_malformed("op.rep", "0 2 3 1\na 0 8\nm 1 8\nf 0\n", 3, "unknown operation 'm'");
	expect_malformed("free.rep", "0 2 2 1\na 0 8\nf 1\n", 3, "free of id 1, which is not allocated");
	expect_malformed("size.rep", "0 2 2 1\na 0 -8\nf 0\n", 2, "negative size -8");
	expect_malformed("truncated.rep", "0 2 4 1\na 0 8\na 1 8\nf 0\n", 4, "truncated");
	expect_malformed("truncated.trace", "mmlab-trace 1\na 0 8\nf 0\n", 3, "truncated");
	expect_malformed("range.rep", "0 2 2 1\na 2 8\nf 2\n", 2, "id 2 out of range");
	expect_malformed("garbage.txt", "#!/bin/sh\necho hi\n", 2, "not a trace");
	expect_malformed("empty.rep", "", 1, "empty");
	rmdir(dir);
}

static void record_then_replay(void **state)
{
	(void)state;
	char trace[] = "/tmp/mmlab-rec-XXXXXX";
	int fd = mkstemp(trace);
	assert_true(fd >= 0);
	close(fd);
	struct cmd_result run = cmd_run(MMLAB("run", "-m", "manual", "-a", "simpleseg", "-p",
					      "depth=8", "-q", "--record", trace, "--json", "-"));
	if (run.status != 0)
		fail_msg("run --record: status %d, %s", run.status, run.err);
	json_t *rj = need_json(run.out, strlen(run.out));
	const json_t *res = need(rj, "results");
	uint64_t allocs = need_u64(res, "allocs"), peak = need_u64(res, "peak_live_bytes");
	const char *allocators[] = { "glibc", "simpleseg" };
	for (size_t a = 0; a < 2; a++) {
		struct cmd_result r = cmd_run(MMLAB("replay", "-a", allocators[a], "--reps", "1",
						    "--min-time", "0", "--json", "-", trace));
		if (r.status != 0)
			fail_msg("replay: status %d, %s", r.status, r.err);
		json_t *j = need_json(r.out, strlen(r.out));
		const json_t *t = json_array_get(need(j, "traces"), 0);
		assert_string_equal(need_str(t, "valid"), "yes");
		/* every object allocated was freed: two operations each */
		assert_int_equal(need_u64(t, "ops"), 2 * allocs);
		/* the replay holds the bytes the run held, at the same peak */
		assert_int_equal(need_u64(t, "peak_live_bytes"), peak);
		json_decref(j);
		cmd_free(&r);
	}
	json_decref(rj);
	cmd_free(&run);
	FILE *f = fopen(trace, "r");
	assert_non_null(f);
	char line[256];
	assert_non_null(fgets(line, sizeof line, f));
	assert_string_equal(line, "mmlab-trace 1\n");
	assert_non_null(fgets(line, sizeof line, f));
	assert_non_null(strstr(line, "run -w binary-trees -m manual -a simpleseg -p depth=8"));
	fclose(f);
	unlink(trace);
}

static void expect_usage_error(const char *const argv[], const char *needle)
{
	struct cmd_result r = cmd_run(argv);
	if (r.status != 2 || count_lines(r.err) != 1 || strncmp(r.err, "mmlab: ", 7) != 0 ||
	    r.out[0] != '\0' || strstr(r.err, needle) == NULL)
		fail_msg("%s %s: status %d, stdout \"%s\", stderr \"%s\" (wanted \"%s\")", argv[1],
			 argv[2] ? argv[2] : "", r.status, r.out, r.err, needle);
	cmd_free(&r);
}

static void bad_input_is_one_line(void **state)
{
	(void)state;
	const char *t = "traces/small-blocks.rep";
	expect_usage_error(MMLAB("replay"), "no trace given");
	expect_usage_error(MMLAB("replay", "-a", "nosuch", t), "unknown allocator 'nosuch'");
	expect_usage_error(MMLAB("replay", "-a", "bdwgc", t), "serves only the gc model");
	expect_usage_error(MMLAB("replay", "-a", "freelist:policy=worst", t), "worst");
	expect_usage_error(MMLAB("replay", "--reps", "0", t), "--reps");
	expect_usage_error(MMLAB("replay", "--min-time", "soon", t), "--min-time");
	expect_usage_error(MMLAB("replay", "--frobnicate", t), "unknown option");
	expect_usage_error(MMLAB("replay", "/nonexistent/x.rep"), "/nonexistent/x.rep: cannot read");
	expect_usage_error(MMLAB("run", "-m", "rc", "--record", "/tmp/x.trace"),
			   "--record records only a model whose allocations");
	expect_usage_error(MMLAB("run", "-m", "gc", "--record", "/tmp/x.trace"),
			   "--record records only a model whose allocations");
	expect_usage_error(MMLAB("run", "--record", "/tmp/x.trace", "--repeat", "2"),
			   "--record cannot go with --repeat");
	expect_usage_error(MMLAB("run", "--record", "/nonexistent/dir/x.trace"),
			   "--record: cannot write");
}

static void help_is_true(void **state)
{
	(void)state;
	struct cmd_result r = cmd_run(MMLAB("replay", "--help"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "usage: mmlab replay"));
	cmd_free(&r);
	r = cmd_run(MMLAB("--help"));
	assert_non_null(strstr(r.out, "replay"));
	cmd_free(&r);
	r = cmd_run(MMLAB("run", "--help"));
	assert_non_null(strstr(r.out, "--record FILE"));
	cmd_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_traces_replay_valid),
		cmocka_unit_test(table_names_every_trace),
		cmocka_unit_test(malformed_traces_name_file_and_line),
		cmocka_unit_test(record_then_replay),
		cmocka_unit_test(bad_input_is_one_line),
		cmocka_unit_test(help_is_true),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
