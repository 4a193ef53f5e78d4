/* test_compile_fail.c — own-model misuse must not compile.
 *
 * Each file in tests/compile_fail/cases/ says in its opening comment
 *   gate: gcc clang          where it runs: gcc, clang, and clang-tsa
 *                            (clang -Wthread-safety: the borrow checker)
 *   expect: REGEX            the diagnostic, an extended regex
 * and marks with the comment "ERROR HERE" the line the diagnostic must
 * name.  It holds one misuse under #ifdef MISUSE and the corrected program
 * otherwise.  For each case and gate, one cmocka test: the corrected
 * program (the positive control) compiles with no diagnostic at all, and
 * the misuse fails with an error on that line that matches REGEX.  So a
 * case cannot pass because of some unrelated error, and the first failure
 * hides nothing.  MMLAB_GCC and MMLAB_CLANG name the compilers.
 */
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/support/test.h"

#define CASES "tests/compile_fail/cases"
#define MARK "ERROR HERE"

struct cf_case {
	char path[256];
	const char *gate; /* "gcc", "clang" or "clang-tsa" */
	char name[300];
};

/* The value after "key: " in the file's opening comment, or "". */
static void header_value(const char *path, const char *key, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[512], want[64];
	snprintf(want, sizeof want, "%s: ", key);
	buf[0] = '\0';
	for (int n = 0; n < 12 && fgets(line, sizeof line, f) != NULL; n++) {
		char *p = strstr(line, want);
		if (p != NULL) {
			snprintf(buf, len, "%s", p + strlen(want));
			buf[strcspn(buf, "\r\n")] = '\0';
			break;
		}
	}
	fclose(f);
}

/* The number of the line that carries MARK, or 0. */
static int marked_line(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[512];
	int n = 0, at = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		n++;
		if (strstr(line, MARK) != NULL && strstr(line, "marks with") == NULL)
			at = n;
	}
	fclose(f);
	return at;
}

static const char *compiler(const char *gate)
{
	bool gcc = strcmp(gate, "gcc") == 0;
	const char *env = getenv(gcc ? "MMLAB_GCC" : "MMLAB_CLANG");
	return env && *env ? env : gcc ? "gcc" : "clang";
}

static bool have(const char *cc)
{
	const char *argv[] = { cc, "--version", NULL };
	struct cmd_result r = cmd_run(argv);
	bool ok = r.status == 0;
	cmd_free(&r);
	return ok;
}

static struct cmd_result compile(const char *gate, const char *path, bool misuse)
{
	bool gcc = strcmp(gate, "gcc") == 0, tsa = strcmp(gate, "clang-tsa") == 0;
	const char *argv[] = { compiler(gate),
			       "-std=c11",
			       "-c",
			       "-o",
			       "/dev/null",
			       "-Wall",
			       "-Wextra",
			       "-Werror",
			       "-fdiagnostics-color=never",
			       "-D_GNU_SOURCE",
			       "-I.",
			       "-DMM_MODEL=own",
			       "-DMM_MODEL_HEADER=\"runtime/models/own.h\"",
			       misuse ? "-DMISUSE" : "-DCORRECT",
			       /* gcc: report at the use, not inside mm.h's macros */
			       gcc ? "-ftrack-macro-expansion=0" : tsa ? "-Wthread-safety" : "-Wall",
			       path,
			       NULL };
	return cmd_run(argv);
}

/* An error line "PATH:LINE:COL: error: ..." matching re. */
static bool reported(const char *err, const char *path, int line, const regex_t *re)
{
	char at[300];
	snprintf(at, sizeof at, "%s:%d:", path, line);
	for (const char *p = err; *p;) {
		size_t n = strcspn(p, "\n");
		char buf[1024];
		snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf - 1 ? n : sizeof buf - 1), p);
		if (strncmp(buf, at, strlen(at)) == 0 && strstr(buf, "error") != NULL &&
		    regexec(re, buf, 0, NULL, 0) == 0)
			return true;
		p += n;
		if (*p)
			p++;
	}
	return false;
}

static void one_case(void **state)
{
	const struct cf_case *k = *state;
	if (!have(compiler(k->gate)))
		skip();
	char want[300];
	header_value(k->path, "expect", want, sizeof want);
	assert_true(strlen(want) > 0);
	int line = marked_line(k->path);
	if (line == 0)
		fail_msg("%s: no line is marked \"" MARK "\"", k->path);
	regex_t re;
	if (regcomp(&re, want, REG_EXTENDED | REG_NOSUB) != 0)
		fail_msg("%s: bad expect regex \"%s\"", k->path, want);

	struct cmd_result ok = compile(k->gate, k->path, false);
	if (ok.status != 0 || ok.err[0] != '\0')
		fail_msg("%s [%s]: the corrected program does not compile cleanly:\n%s", k->path,
			 k->gate, ok.err);
	cmd_free(&ok);

	struct cmd_result bad = compile(k->gate, k->path, true);
	bool hit = bad.status != 0 && reported(bad.err, k->path, line, &re);
	regfree(&re);
	if (bad.status == 0)
		fail_msg("%s [%s]: the misuse compiled", k->path, k->gate);
	if (!hit)
		fail_msg("%s [%s]: failed, but not with /%s/ at line %d:\n%s", k->path, k->gate,
			 want, line, bad.err);
	cmd_free(&bad);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct cf_case *)a)->name, ((const struct cf_case *)b)->name);
}

int main(void)
{
	DIR *d = opendir(CASES);
	if (d == NULL) {
		fprintf(stderr, "test_compile_fail: cannot open %s (run from the top)\n", CASES);
		return 1;
	}
	struct cf_case *cases = NULL;
	size_t n = 0, cap = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		size_t len = strlen(e->d_name);
		if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
			continue;
		char path[256], gates[64];
		snprintf(path, sizeof path, "%s/%s", CASES, e->d_name);
		header_value(path, "gate", gates, sizeof gates);
		static const char *const all[] = { "gcc", "clang", "clang-tsa" };
		for (size_t g = 0; g < 3; g++) {
			/* a whole word of the gate line */
			char word[80];
			snprintf(word, sizeof word, " %s ", all[g]);
			char padded[80];
			snprintf(padded, sizeof padded, " %s ", gates);
			if (strstr(padded, word) == NULL)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				cases = realloc(cases, cap * sizeof *cases);
				if (cases == NULL)
					return 1;
			}
			snprintf(cases[n].path, sizeof cases[n].path, "%s", path);
			cases[n].gate = all[g];
			snprintf(cases[n].name, sizeof cases[n].name, "%s [%s]", e->d_name, all[g]);
			n++;
		}
	}
	closedir(d);
	if (n == 0) {
		fprintf(stderr, "test_compile_fail: no cases in %s\n", CASES);
		return 1;
	}
	qsort(cases, n, sizeof *cases, by_name);
	struct CMUnitTest *tests = calloc(n, sizeof *tests);
	if (tests == NULL)
		return 1;
	for (size_t i = 0; i < n; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = one_case;
		tests[i].initial_state = &cases[i];
	}
	int failed = _cmocka_run_group_tests("compile_fail", tests, n, NULL, NULL);
	free(tests);
	free(cases);
	return failed;
}
