/* test_exec.c — `mmlab exec`: a real program on every kind of allocator.
 *
 * sort(1) on a file of a few thousand lines is the small real program: it
 * allocates, frees and exits through exit(), so every allocator's record
 * is written.  The dump must parse, its figures be plausible, the
 * program's exit status and output be its own; bad input is one line and
 * exit status 2; progress shows only on a terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/test.h"

static char dir[] = "/tmp/mmlab-exec-test-XXXXXX";
static char input[600], dump[600];

static int setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(input, sizeof input, "%s/lines", dir);
	snprintf(dump, sizeof dump, "%s/dump.json", dir);
	FILE *f = fopen(input, "w");
	if (f == NULL)
		return -1;
	for (unsigned i = 0; i < 20000; i++)
		fprintf(f, "line %u %u\n", (i * 7919u) % 20011u, i);
	return fclose(f);
}

static int teardown(void **state)
{
	(void)state;
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static json_t *load_dump(void)
{
	FILE *f = fopen(dump, "r");
	assert_non_null(f);
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return need_json(buf, n);
}

static void one_allocator(const char *alloc, bool counts)
{
	unlink(dump);
	struct cmd_result r = cmd_run(MMLAB("exec", "-q", "-a", alloc, "--json", dump, "--", "sort",
					    input, "-o", "/dev/null"));
	if (r.status != 0)
		fail_msg("exec -a %s: status %d: %s", alloc, r.status, r.err);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "");
	json_t *doc = load_dump();
	assert_string_equal(need_str(doc, "schema"), "mmlab-exec");
	assert_int_equal(need_u64(doc, "schema_version"), 1);
	const json_t *cfg = need(doc, "config"), *res = need(doc, "results");
	assert_string_equal(need_str(cfg, "program"), "sort");
	assert_string_equal(need_str(cfg, "allocator"), alloc);
	assert_string_equal(need_str(res, "ended"), "exit");
	assert_int_equal(need_u64(res, "exit_status"), 0);
	uint64_t rss = need_u64(need(res, "peak_rss_bytes"), "median");
	print_message("%-10s peak RSS %.1f MiB\n", alloc, rss / 1048576.0);
	assert_true(rss > (1u << 20) && rss < (1ull << 30));
	assert_true(need_num(need(res, "wall_s"), "median") > 0);

	const json_t *run = json_array_get(need(doc, "runs"), 0);
	assert_non_null(run);
	const json_t *rec = need(run, "record");
	if (!json_is_object(rec))
		fail_msg("exec -a %s: no record: %s", alloc, need_str(run, "record_note"));
	const json_t *a = need(rec, "allocator");
	uint64_t allocated = need_u64(a, "allocated"), footprint = need_u64(a, "footprint");
	print_message("%-10s allocated %llu, footprint %llu at exit\n", alloc,
		      (unsigned long long)allocated, (unsigned long long)footprint);
	assert_true(allocated > 0);
	assert_true(footprint >= allocated);
	assert_true(json_object_size(need(a, "raw")) > 0 || counts);
	const json_t *allocs = need(need(rec, "results"), "allocs");
	if (counts) {
		assert_true(json_is_integer(allocs));
		assert_true(json_integer_value(allocs) > 100); /* sort allocates per line */
	}
	json_decref(doc);
	cmd_free(&r);
}

static void each_system_allocator(void **state)
{
	(void)state;
	one_allocator("glibc", false);
	one_allocator("jemalloc", false);
	one_allocator("mimalloc", false);
	one_allocator("tcmalloc", false);
}

static void a_teaching_allocator_through_its_shim(void **state)
{
	(void)state;
	one_allocator("simpleseg", true);
	one_allocator("buddy", true);
}

static void the_programs_status_and_output_are_its_own(void **state)
{
	(void)state;
	struct cmd_result r = cmd_run(MMLAB("exec", "-a", "jemalloc", "--json", dump, "--", "sh",
					    "-c", "echo out; echo err >&2; exit 7"));
	assert_int_equal(r.status, 7);
	assert_string_equal(r.out, "out\n");              /* nothing of mmlab's */
	assert_true(strncmp(r.err, "err\n", 4) == 0); /* the program's first */
	json_t *doc = load_dump();
	assert_int_equal(need_u64(need(doc, "results"), "exit_status"), 7);
	json_decref(doc);
	cmd_free(&r);

	r = cmd_run(MMLAB("exec", "-q", "--json", dump, "--", "sh", "-c", "kill -TERM $$"));
	assert_int_equal(r.status, 128 + 15);
	doc = load_dump();
	const json_t *res = need(doc, "results");
	assert_string_equal(need_str(res, "ended"), "signal");
	assert_int_equal(need_u64(res, "signal"), 15);
	assert_true(json_is_null(need(res, "exit_status")));
	const json_t *run = json_array_get(need(doc, "runs"), 0);
	assert_true(json_is_null(need(run, "record"))); /* killed: no exit handlers ran */
	json_decref(doc);
	cmd_free(&r);
}

static void repeat_gives_median_min_max(void **state)
{
	(void)state;
	struct cmd_result r = cmd_run(MMLAB("exec", "-q", "--repeat", "3", "--json", dump, "--",
					    "sort", input, "-o", "/dev/null"));
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, ""); /* no progress: stderr is a pipe */
	json_t *doc = load_dump();
	assert_int_equal(json_array_size(need(doc, "runs")), 3);
	const json_t *w = need(need(doc, "results"), "wall_s");
	assert_true(need_num(w, "min") <= need_num(w, "median"));
	assert_true(need_num(w, "median") <= need_num(w, "max"));
	json_decref(doc);
	cmd_free(&r);
}

static void progress_shows_on_a_terminal(void **state)
{
	(void)state;
	/* script(1) needs a pseudo-terminal: a chroot without /dev/pts has none */
	struct cmd_result pty = cmd_run((const char *const[]){ "script", "-qec", "true",
							       "/dev/null", NULL });
	bool have_pty = pty.status == 0;
	cmd_free(&pty);
	if (!have_pty)
		skip();
	char line[1200];
	snprintf(line, sizeof line, "%s exec -q --repeat 2 -- true", mmlab_path());
	struct cmd_result r = cmd_run((const char *const[]){ "script", "-qec", line, "/dev/null",
							     NULL });
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "[2/2] true on glibc"));
	cmd_free(&r);
}

static void bad_input_is_one_line_and_status_2(void **state)
{
	(void)state;
	const char *const *cases[] = {
		MMLAB("exec"),
		MMLAB("exec", "-a", "nosuch", "--", "true"),
		MMLAB("exec", "-a", "bdwgc", "--", "true"),
		MMLAB("exec", "--repeat", "0", "--", "true"),
		MMLAB("exec", "--json", "-", "--", "true"),
		MMLAB("exec", "--json", "/nonexistent/dir/x.json", "--", "true"),
		MMLAB("exec", "--", "/nonexistent/program"),
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cmd_result r = cmd_run(cases[i]);
		if (r.status != 2 || count_lines(r.err) != 1 || strncmp(r.err, "mmlab: ", 7) != 0)
			fail_msg("case %zu: status %d, stderr '%s'", i, r.status, r.err);
		assert_string_equal(r.out, "");
		cmd_free(&r);
	}
	struct cmd_result r = cmd_run(MMLAB("exec", "--", "/nonexistent/program"));
	assert_non_null(strstr(r.err, "/nonexistent/program"));
	cmd_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_system_allocator),
		cmocka_unit_test(a_teaching_allocator_through_its_shim),
		cmocka_unit_test(the_programs_status_and_output_are_its_own),
		cmocka_unit_test(repeat_gives_median_min_max),
		cmocka_unit_test(progress_shows_on_a_terminal),
		cmocka_unit_test(bad_input_is_one_line_and_status_2),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
