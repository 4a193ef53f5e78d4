/* test_output.c — every write checked, every output path checked first.
 *
 * `--json` to a full device and stdout to a full device fail with "cannot
 * write FILE: reason" and status 3 under run, run --repeat, matrix and
 * replay; a --json path that cannot be written is refused (status 2)
 * before any run; a run that fails leaves an existing file as it was and
 * nothing beside it; `matrix --json -` writes the JSON alone.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/test.h"

/* The commands that write JSON, with "--json" last: the path follows. */
#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
static const char *const *const writers[] = {
	ARGS("run", "-p", "depth=6", "-q", "--json"),
	ARGS("run", "-p", "depth=6", "--repeat", "2", "--json"),
	ARGS("matrix", "-p", "depth=6", "--json"),
	ARGS("replay", "--reps", "1", "--min-time", "0", "traces/fragment.rep", "--json"),
};
enum { NWRITERS = sizeof writers / sizeof writers[0] };

/* writers[i] with the path after --json, optionally behind a shell that
 * sends stdout to /dev/full. */
static struct cmd_result run_writer(size_t i, const char *path, bool full_stdout)
{
	const char *argv[32];
	int n = 0;
	if (full_stdout) {
		argv[n++] = "sh";
		argv[n++] = "-c";
		argv[n++] = "exec \"$0\" \"$@\" >/dev/full";
	}
	argv[n++] = mmlab_path();
	for (const char *const *a = writers[i]; *a; a++)
		argv[n++] = *a;
	argv[n++] = path;
	argv[n] = NULL;
	return cmd_run(argv);
}

static void expect_failure(struct cmd_result *r, int status, const char *line, size_t i)
{
	if (r->status != status || strstr(r->err, line) == NULL)
		fail_msg("%s %s: status %d (want %d), stderr \"%s\" (want \"%s\")", writers[i][0],
			 writers[i][1], r->status, status, r->err, line);
	/* said once */
	assert_null(strstr(strstr(r->err, line) + 1, line));
}

static void json_to_a_full_device_fails(void **state)
{
	(void)state;
	for (size_t i = 0; i < NWRITERS; i++) {
		struct cmd_result r = run_writer(i, "/dev/full", false);
		expect_failure(&r, 3, "mmlab: cannot write /dev/full: No space left on device", i);
		cmd_free(&r);
	}
}

static void stdout_to_a_full_device_fails(void **state)
{
	(void)state;
	for (size_t i = 0; i < NWRITERS; i++) {
		/* the table to stdout, and the JSON too with "-" */
		const char *paths[] = { "/dev/null", "-" };
		for (size_t p = 0; p < 2; p++) {
			struct cmd_result r = run_writer(i, paths[p], true);
			expect_failure(&r, 3, "mmlab: cannot write stdout: No space left on device", i);
			cmd_free(&r);
		}
	}
	struct cmd_result r = cmd_run((const char *const[]){ "sh", "-c",
		"exec \"$0\" --version >/dev/full", mmlab_path(), NULL });
	assert_int_equal(r.status, 3);
	cmd_free(&r);
}

static void a_path_that_cannot_be_written_is_refused_first(void **state)
{
	(void)state;
	for (size_t i = 0; i < NWRITERS; i++) {
		const char *const paths[] = { "/nonexistent/x.json", "/tmp" };
		const char *const why[] = { "No such file or directory", "Is a directory" };
		for (size_t p = 0; p < 2; p++) {
			struct cmd_result r = run_writer(i, paths[p], false);
			char want[128];
			snprintf(want, sizeof want, "mmlab: cannot write %s: %s\n", paths[p], why[p]);
			/* one line, and nothing ran: no header, no table */
			if (r.status != 2 || strcmp(r.err, want) != 0 || r.out[0] != '\0')
				fail_msg("%s %s --json %s: status %d, stdout \"%.60s\", stderr \"%s\"",
					 writers[i][0], writers[i][1], paths[p], r.status, r.out,
					 r.err);
			cmd_free(&r);
		}
	}
}

/* The names in dir, but . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char buf[1 << 18];
	*len = fread(buf, 1, sizeof buf - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void a_failed_run_leaves_the_file_as_it_was(void **state)
{
	(void)state;
	/* sanitizer builds run without the address-space limit this needs */
	if (getenv("MMLAB_SANITIZED"))
		skip();
	char dir[] = "/tmp/mmlab-out-XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/old.json", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("old\n", f);
	fclose(f);
	struct cmd_result r = cmd_run(MMLAB("run", "-p", "depth=24", "--mem-limit", "64M", "-q",
					    "--json", path));
	assert_int_equal(r.status, 3);
	cmd_free(&r);
	size_t len;
	assert_string_equal(slurp(path, &len), "old\n");
	assert_int_equal(entries(dir), 1);
	unlink(path);
	rmdir(dir);
}

static void a_file_is_replaced_whole(void **state)
{
	(void)state;
	char dir[] = "/tmp/mmlab-out-XXXXXX", path[64], link[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/stats.json", dir);
	snprintf(link, sizeof link, "%s/link.json", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("old\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(symlink("stats.json", link), 0);
	for (size_t i = 0; i < NWRITERS; i++) {
		struct cmd_result r = run_writer(i, link, false);
		if (r.status != 0)
			fail_msg("%s: status %d, %s", writers[i][0], r.status, r.err);
		cmd_free(&r);
		/* the link still links; the file it names holds the document */
		struct stat st;
		assert_int_equal(lstat(link, &st), 0);
		assert_true(S_ISLNK(st.st_mode));
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0640);
		size_t len;
		char *text = slurp(path, &len);
		json_decref(need_json(text, len));
		assert_int_equal(entries(dir), 2);
	}
	unlink(link);
	unlink(path);
	rmdir(dir);
}

static void matrix_json_dash_is_json_alone(void **state)
{
	(void)state;
	struct cmd_result r = cmd_run(MMLAB("matrix", "-p", "depth=6", "--json", "-"));
	if (r.status != 0)
		fail_msg("status %d, %s", r.status, r.err);
	json_t *j = need_json(r.out, strlen(r.out));
	assert_string_equal(need_str(j, "schema"), "mmlab-matrix");
	/* every model ran, each with its row */
	assert_true(json_array_size(need(j, "runs")) >= 4);
	assert_int_equal(json_array_size(need(j, "table")), json_array_size(need(j, "runs")));
	json_decref(j);
	cmd_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_to_a_full_device_fails),
		cmocka_unit_test(stdout_to_a_full_device_fails),
		cmocka_unit_test(a_path_that_cannot_be_written_is_refused_first),
		cmocka_unit_test(a_failed_run_leaves_the_file_as_it_was),
		cmocka_unit_test(a_file_is_replaced_whole),
		cmocka_unit_test(matrix_json_dash_is_json_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
