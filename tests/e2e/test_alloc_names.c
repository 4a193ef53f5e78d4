/* test_alloc_names.c — the teaching allocators' names as a user types them.
 *
 * The textbook names select their allocators; the old name segfit is an
 * alias that prints simpleseg, its new name, in tables and JSON, and `mmlab
 * list` shows it with a note; an unknown name or option is one line and
 * status 2; every shipped trace replays valid on every teaching allocator.
 * JSON is checked as text, so the suite needs no JSON library.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/support/test.h"

static const char *const teaching[] = { "segfits", "simpleseg", "freelist", "buddy", "bump" };

static void expect_usage_error(struct cmd_result *r, const char *what)
{
	if (r->status != 2 || count_lines(r->err) != 1 || strncmp(r->err, "mmlab: ", 7) != 0 ||
	    r->out[0] != '\0')
		fail_msg("%s: status %d, stdout \"%s\", stderr \"%s\"", what, r->status, r->out,
			 r->err);
}

static void list_shows_every_name_and_the_alias(void **state)
{
	(void)state;
	struct cmd_result r = cmd_run(MMLAB("list", "allocators"));
	assert_int_equal(r.status, 0);
	for (size_t i = 0; i < sizeof teaching / sizeof teaching[0]; i++) {
		char line[64];
		snprintf(line, sizeof line, "\n  %s ", teaching[i]);
		if (strstr(r.out, line) == NULL)
			fail_msg("mmlab list allocators lacks %s:\n%s", teaching[i], r.out);
	}
	const char *alias = strstr(r.out, "\n  segfit ");
	assert_non_null(alias);
	const char *end = strchr(alias + 1, '\n');
	assert_non_null(end);
	char row[256];
	snprintf(row, sizeof row, "%.*s", (int)(end - alias), alias);
	if (strstr(row, "alias of simpleseg") == NULL)
		fail_msg("the segfit row carries no note: %s", row);
	cmd_free(&r);
}

/* -a segfit runs simple segregated storage and says so by its new name. */
static void alias_prints_its_new_name(void **state)
{
	(void)state;
	struct cmd_result r = cmd_run(MMLAB("replay", "-a", "segfit", "--reps", "1", "--min-time",
					    "0", "--json", "-", "traces/classic-coalescing.rep"));
	if (r.status != 0)
		fail_msg("replay -a segfit: status %d: %s", r.status, r.err);
	assert_non_null(strstr(r.out, "\"allocator\": \"simpleseg\""));
	assert_null(strstr(r.out, "\"segfit\""));
	cmd_free(&r);

	r = cmd_run(MMLAB("replay", "-a", "segfit", "--reps", "1", "--min-time", "0",
			  "traces/classic-coalescing.rep"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "on simpleseg"));
	assert_null(strstr(r.out, "segfit "));
	cmd_free(&r);

	r = cmd_run(MMLAB("run", "-q", "-m", "manual", "-a", "segfit", "-p", "depth=4", "--json",
			  "-"));
	if (r.status != 0)
		fail_msg("run -a segfit: status %d: %s", r.status, r.err);
	assert_non_null(strstr(r.out, "\"allocator\": \"simpleseg\""));
	cmd_free(&r);
}

static void unknown_names_and_options_are_one_line(void **state)
{
	(void)state;
	struct cmd_result r = cmd_run(MMLAB("run", "-a", "segfitz", "-p", "depth=4"));
	expect_usage_error(&r, "run -a segfitz");
	assert_non_null(strstr(r.err, "segfits")); /* the known names are listed */
	cmd_free(&r);
	r = cmd_run(MMLAB("replay", "-a", "segregated", "traces/classic-random.rep"));
	expect_usage_error(&r, "replay -a segregated");
	cmd_free(&r);
	r = cmd_run(MMLAB("replay", "-a", "segfits:nosuch=1", "traces/classic-random.rep"));
	expect_usage_error(&r, "replay -a segfits:nosuch=1");
	assert_non_null(strstr(r.err, "reserve"));
	cmd_free(&r);
	r = cmd_run(MMLAB("replay", "-a", "segfits:reserve=lots", "traces/classic-random.rep"));
	expect_usage_error(&r, "replay -a segfits:reserve=lots");
	cmd_free(&r);
	/* the alias's options are its target's, and its errors name the target */
	r = cmd_run(MMLAB("run", "-a", "segfit:huge=maybe", "-p", "depth=4"));
	expect_usage_error(&r, "run -a segfit:huge=maybe");
	assert_non_null(strstr(r.err, "simpleseg"));
	cmd_free(&r);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every file in traces/, on every teaching allocator: valid, with a
 * utilization in (0, 1]. */
static void every_shipped_trace_replays_valid(void **state)
{
	(void)state;
	static char names[64][272];
	const char *files[64];
	int n = 0;
	DIR *d = opendir("traces");
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d)) != NULL && n < 64;)
		if (e->d_name[0] != '.') {
			snprintf(names[n], sizeof names[n], "traces/%s", e->d_name);
			files[n] = names[n];
			n++;
		}
	closedir(d);
	assert_true(n >= 10);
	qsort(files, (size_t)n, sizeof files[0], by_name);
	for (size_t a = 0; a < sizeof teaching / sizeof teaching[0]; a++) {
		const char *argv[80] = { mmlab_path(), "replay", "-a", teaching[a], "--reps", "1",
					 "--min-time", "0", "--json", "-" };
		for (int i = 0; i < n; i++)
			argv[10 + i] = files[i];
		struct cmd_result r = cmd_run(argv);
		if (r.status != 0)
			fail_msg("%s: status %d, stderr %s", teaching[a], r.status, r.err);
		int rows = 0;
		for (const char *p = r.out; (p = strstr(p, "\"valid\": \"yes\"")) != NULL; p++)
			rows++;
		/* each trace's row, and the count in the total */
		if (rows != n)
			fail_msg("%s: %d of %d traces valid:\n%s", teaching[a], rows, n, r.out);
		for (const char *p = r.out; (p = strstr(p, "\"utilization\": ")) != NULL;) {
			p += strlen("\"utilization\": ");
			double u = strtod(p, NULL);
			if (!(u > 0 && u <= 1))
				fail_msg("%s: utilization %g", teaching[a], u);
		}
		cmd_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_shows_every_name_and_the_alias),
		cmocka_unit_test(alias_prints_its_new_name),
		cmocka_unit_test(unknown_names_and_options_are_one_line),
		cmocka_unit_test(every_shipped_trace_replays_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
