/* test_workloads_cli.c — the workloads from the command line: model options,
 * --heap-limit, refused combinations, the rc leak the table shows, and
 * the shape of `mmlab sweep`'s output and its --json document.
 *
 * Allocator-taking models run on segfits where a run ends with objects
 * still held (a heap limit, an rc leak): its fini takes every block back,
 * so the sanitizer build's leak check sees none.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/test.h"

static void expect(struct cmd_result *r, int status, const char *err_has, const char *what)
{
	if (r->status != status || (err_has && strstr(r->err, err_has) == NULL))
		fail_msg("%s: status %d (want %d), stderr: %s", what, r->status, status, r->err);
	if (status == 2 || status == 3) /* one line on stderr */
		assert_int_equal(count_lines(r->err) >= 1, 1);
	cmd_free(r);
}

static void bad_input_is_status_2(void **state)
{
	(void)state;
	struct cmd_result r;
	r = cmd_run(MMLAB("run", "-w", "lru-cache", "-m", "rc:cycles=2", "-q"));
	expect(&r, 2, "cycles=2", "rc:cycles=2");
	r = cmd_run(MMLAB("run", "-w", "lru-cache", "-m", "gc:nosuch=1", "-q"));
	expect(&r, 2, "no option 'nosuch'", "gc:nosuch=1");
	r = cmd_run(MMLAB("run", "-w", "lru-cache", "-m", "manual:x=1", "-q"));
	expect(&r, 2, "takes no options", "manual:x=1");
	r = cmd_run(MMLAB("run", "-w", "lru-cache", "--heap-limit", "lots", "-q"));
	expect(&r, 2, "--heap-limit", "--heap-limit lots");
	r = cmd_run(MMLAB("run", "-w", "lru-cache", "-p", "min_size=300", "-p", "max_size=100",
			  "-q"));
	expect(&r, 2, "min_size", "min above max");
	r = cmd_run(MMLAB("run", "-w", "cyclic-graph", "-p", "nosuch=1", "-q"));
	expect(&r, 2, "nosuch", "unknown parameter");
	static const char *const one_owner[] = { "manual", "own" };
	for (unsigned i = 0; i < 2; i++) {
		r = cmd_run(MMLAB("run", "-w", "cyclic-graph", "-m", one_owner[i], "-p",
				  "counted=1", "-q"));
		expect(&r, 2, "counted=1", one_owner[i]);
	}
	r = cmd_run(MMLAB("sweep", "--heap-multiple", "0.5"));
	expect(&r, 2, "--heap-multiple", "multiple below 1");
	r = cmd_run(MMLAB("sweep", "-m", "rc"));
	expect(&r, 2, "only gc", "sweep -m rc");
}

static void heap_limit_is_status_3_every_model(void **state)
{
	(void)state;
	static const char *const models[] = { "manual", "rc", "gc", "own", "own_unchecked" };
	for (unsigned i = 0; i < 5; i++) {
		bool alloc = strcmp(models[i], "gc") != 0;
		struct cmd_result r =
			alloc ? cmd_run(MMLAB("run", "-w", "lru-cache", "-m", models[i], "-a",
					      "segfits", "-p", "capacity=100000", "--heap-limit",
					      "1M", "-q"))
			      : cmd_run(MMLAB("run", "-w", "lru-cache", "-m", models[i], "-p",
					      "capacity=100000", "--heap-limit", "1M", "-q"));
		expect(&r, 3, "heap limit reached", models[i]);
	}
}

static void rc_leak_shown_and_collected(void **state)
{
	(void)state;
	struct cmd_result r = cmd_run(MMLAB("run", "-w", "cyclic-graph", "-m", "rc", "-a",
					    "segfits", "-p", "counted=1", "-q", "--json", "-"));
	assert_int_equal(r.status, 0);
	json_t *d = need_json(r.out, strlen(r.out));
	assert_true(need_u64(need(d, "results"), "leaked_bytes") > 0);
	json_decref(d);
	cmd_free(&r);

	r = cmd_run(MMLAB("run", "-w", "cyclic-graph", "-m", "rc:cycles=1", "-p", "counted=1",
			  "-q"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "rc-cycles"));
	const char *leak = strstr(r.out, "\n  leaked ");
	assert_non_null(leak);
	assert_non_null(strstr(leak, " 0 B\n"));
	cmd_free(&r);
}

/* The header, the reference line, a column row, one row per multiple
 * (each "ok" or "heap limit reached"), and the closing note. */
static void sweep_output_shape(void **state)
{
	(void)state;
	struct cmd_result r = cmd_run(MMLAB("sweep", "-w", "lru-cache", "-p", "capacity=2000",
					    "-p", "ops=8000", "--heap-multiple", "1.5,4,8"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "reference: manual on glibc"));
	const char *cols = strstr(r.out, "multiple    heap limit");
	assert_non_null(cols);
	assert_non_null(strstr(cols, "time/ref"));
	assert_non_null(strstr(cols, "RSS/ref"));
	static const char *const rows[] = { "\n    1.50 ", "\n    4.00 ", "\n    8.00 " };
	for (unsigned i = 0; i < 3; i++) {
		const char *row = strstr(cols, rows[i]);
		assert_non_null(row);
		const char *eol = strchr(row + 1, '\n');
		assert_non_null(eol);
		char line[256];
		snprintf(line, sizeof line, "%.*s", (int)(eol - row), row);
		if (!strstr(line, " ok") && !strstr(line, "heap limit reached"))
			fail_msg("sweep row without a result: %s", line);
	}
	/* at eight times the live size the collector fits */
	assert_non_null(strstr(strstr(cols, rows[2]), " ok"));
	assert_non_null(strstr(r.out, "time/ref and RSS/ref"));
	cmd_free(&r);
}

/* --json FILE: an mmlab-sweep document that show reads back, one row per
 * multiple; "-": stdout holds the JSON alone; a FILE that cannot be
 * written is refused before any run. */
static void sweep_json(void **state)
{
	(void)state;
	char path[] = "/tmp/mmlab-sweep-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct cmd_result r = cmd_run(MMLAB("sweep", "-w", "lru-cache", "-p", "capacity=2000",
					    "-p", "ops=8000", "--heap-multiple", "1.5,8",
					    "--json", path));
	if (r.status != 0)
		fail_msg("sweep --json: status %d: %s", r.status, r.err);
	assert_non_null(strstr(r.out, "reference: manual on glibc"));
	cmd_free(&r);
	r = cmd_run(MMLAB("show", path));
	if (r.status != 0)
		fail_msg("show: status %d: %s", r.status, r.err);
	assert_non_null(strstr(r.out, "mmlab-sweep, a time-space curve"));
	const char *cols = strstr(r.out, "multiple    heap limit");
	assert_non_null(cols);
	assert_non_null(strstr(cols, "\n  1.5000 "));
	const char *eight = strstr(cols, "\n  8.0000 ");
	assert_non_null(eight);
	assert_non_null(strstr(eight, " ok"));
	cmd_free(&r);
	unlink(path);

	r = cmd_run(MMLAB("sweep", "-w", "lru-cache", "-p", "capacity=2000", "-p", "ops=8000",
			  "--heap-multiple", "8", "--json", "-"));
	assert_int_equal(r.status, 0);
	assert_true(r.out[0] == '{');
	assert_non_null(strstr(r.out, "\"schema\": \"mmlab-sweep\""));
	assert_non_null(strstr(r.out, "\"relative_time\""));
	assert_null(strstr(r.out, "reference: manual"));
	cmd_free(&r);

	r = cmd_run(MMLAB("sweep", "-w", "lru-cache", "--json", "/nonexistent/s.json"));
	assert_int_equal(r.out[0], '\0');
	expect(&r, 2, "/nonexistent/s.json", "sweep --json unwritable");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_input_is_status_2),
		cmocka_unit_test(heap_limit_is_status_3_every_model),
		cmocka_unit_test(rc_leak_shown_and_collected),
		cmocka_unit_test(sweep_output_shape),
		cmocka_unit_test(sweep_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
