/* test_compile_fail.c — own-model handle misuse must not compile.
 *
 * Each file in tests/compile_fail/cases/ opens with "expect: TEXT" and
 * holds one misuse under #ifdef MISUSE and the correct use otherwise.
 * The case passes when the correct version compiles cleanly and the
 * misuse fails with TEXT in the compiler's message; so a case cannot pass
 * because of some unrelated error.  $CC picks the compiler (default cc).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/support/test.h"

#define CASES "tests/compile_fail/cases"

static void expected_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[256];
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	char *p = strstr(line, "expect: ");
	assert_non_null(p);
	snprintf(buf, len, "%s", p + 8);
	buf[strcspn(buf, "\r\n")] = '\0';
	assert_true(strlen(buf) > 0);
}

static struct cmd_result compile(const char *path, bool misuse)
{
	const char *cc = getenv("CC");
	const char *argv[] = { cc && *cc ? cc : "cc", "-std=c11", "-c", "-o", "/dev/null", "-Wall",
			       "-Werror", "-D_GNU_SOURCE", "-I.", "-DMM_MODEL_OWN",
			       misuse ? "-DMISUSE" : "-DCORRECT", path, NULL };
	return cmd_run(argv);
}

static void every_misuse_fails_to_compile(void **state)
{
	(void)state;
	DIR *d = opendir(CASES);
	assert_non_null(d);
	int cases = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		size_t n = strlen(e->d_name);
		if (n < 3 || strcmp(e->d_name + n - 2, ".c") != 0)
			continue;
		char path[512], want[200];
		snprintf(path, sizeof path, "%s/%s", CASES, e->d_name);
		expected_text(path, want, sizeof want);

		struct cmd_result ok = compile(path, false);
		if (ok.status != 0)
			fail_msg("%s: the correct version does not compile:\n%s", path, ok.err);
		cmd_free(&ok);

		struct cmd_result bad = compile(path, true);
		if (bad.status == 0)
			fail_msg("%s: the misuse compiled", path);
		if (strstr(bad.err, want) == NULL)
			fail_msg("%s: failed, but without \"%s\":\n%s", path, want, bad.err);
		cmd_free(&bad);
		print_message("compile_fail %-34s fails with \"%s\"\n", e->d_name, want);
		cases++;
	}
	closedir(d);
	assert_true(cases >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_misuse_fails_to_compile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
