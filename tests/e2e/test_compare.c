/* test_compare.c — `mmlab compare` and `mmlab show` as a user runs them.
 *
 * Every line of tests/compare/golden/cases.txt is run and its stdout and
 * exit status checked byte for byte against NAME.out (fixture dumps in,
 * golden text out: tables, CSV, JSON, markdown; verdicts on synthetic
 * samples; threshold exit codes); `show` of a record is `mmlab run`'s
 * table of it (stats_emit), not a golden text.  Every unreadable input — malformed,
 * cut short, an unknown schema or version, not JSON, empty, missing — is
 * one line naming the file, status 2 and nothing on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "runtime/stats/stats_read.h"
#include "tests/support/test.h"

#define GOLDEN "tests/compare/golden/"
#define FIX "tests/compare/fixtures/"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot read %s", path);
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		if (got == 0)
			break;
		n += got;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void golden_cases(void **st)
{
	(void)st;
	size_t len;
	char *cases = slurp(GOLDEN "cases.txt", &len);
	int ran = 0;
	char *save = NULL;
	for (char *line = strtok_r(cases, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		const char *argv[32] = { mmlab_path() };
		int argc = 1;
		char *wsave = NULL;
		char *name = strtok_r(line, " ", &wsave);
		int status = atoi(strtok_r(NULL, " ", &wsave));
		for (char *w = strtok_r(NULL, " ", &wsave); w && argc < 31;
		     w = strtok_r(NULL, " ", &wsave))
			argv[argc++] = w;
		argv[argc] = NULL;
		struct cmd_result r = cmd_run(argv);
		char path[256];
		snprintf(path, sizeof path, GOLDEN "%s.out", name);
		size_t glen;
		char *want = slurp(path, &glen);
		if (r.status != status)
			fail_msg("%s: status %d, expected %d; stderr: %s", name, r.status, status,
				 r.err);
		if (strlen(r.out) != glen || memcmp(r.out, want, glen) != 0) {
			size_t i = 0;
			while (i < glen && r.out[i] == want[i])
				i++;
			fail_msg("%s: stdout differs from %s at byte %zu:\n%.200s\nwanted:\n%.200s",
				 name, path, i, r.out + i, want + i);
		}
		if (status == 1 && strstr(r.err, "worse than A by more than") == NULL)
			fail_msg("%s: status 1 without naming the regression: %s", name, r.err);
		if (status == 0 && r.err[0] != '\0')
			fail_msg("%s: stderr: %s", name, r.err);
		free(want);
		cmd_free(&r);
		ran++;
	}
	free(cases);
	assert_true(ran >= 10);
}

static char dir[] = "/tmp/mmlab-compare-XXXXXX";

static const char *in_dir(const char *name)
{
	static char path[4][256];
	static int next;
	char *p = path[next++ % 4];
	snprintf(p, 256, "%s/%s", dir, name);
	return p;
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* compare (and show) of good + bad: status 2, one line naming bad. */
static void one_line_error(const char *bad, const char *want)
{
	const char *cmds[][4] = {
		{ "compare", FIX "run_a.json", bad, NULL },
		{ "show", bad, NULL, NULL },
	};
	for (int c = 0; c < 2; c++) {
		struct cmd_result r = cmd_run(c == 0 ? MMLAB(cmds[0][0], cmds[0][1], cmds[0][2])
						     : MMLAB(cmds[1][0], cmds[1][1]));
		if (r.status != 2 || r.out[0] != '\0' || count_lines(r.err) != 1 ||
		    strncmp(r.err, "mmlab: ", 7) != 0 || strstr(r.err, bad) == NULL ||
		    strstr(r.err, want) == NULL)
			fail_msg("%s %s: status %d, stdout \"%.80s\", stderr \"%s\" (wanted \"%s\")",
				 cmds[c][0], bad, r.status, r.out, r.err, want);
		cmd_free(&r);
	}
}

static void bad_inputs_are_one_line(void **st)
{
	(void)st;
	assert_non_null(mkdtemp(dir));
	size_t len;
	char *good = slurp(FIX "run_a.json", &len);
	write_file(in_dir("cut.json"), good, len / 2);
	one_line_error(in_dir("cut.json"), ", column ");
	free(good);
	char *xml = slurp(FIX "glibc.xml", &len);
	write_file(in_dir("cut.xml"), xml, len / 2);
	one_line_error(in_dir("cut.xml"), "cut short");
	free(xml);
	static const struct {
		const char *name, *text, *want;
	} bad[] = {
		{ "malformed.json", "{\"schema\": mmlab}", "line 1, column" },
		{ "unknown.json", "{\"schema\": \"mmlab-foo\", \"schema_version\": 1}",
		  "an mmlab-foo document; this mmlab reads" },
		{ "version.json", "{\"schema\": \"mmlab-matrix\", \"schema_version\": 7}",
		  "mmlab-matrix schema_version 7; this mmlab reads version 1" },
		{ "text.txt", "just some text\n", "not a stats dump mmlab reads" },
		{ "empty.json", "", "empty" },
		{ "wrongtype.json",
		  "{\"schema\": \"mmlab-stats\", \"schema_version\": 1, \"config\": {\"workload\": "
		  "\"w\", \"model\": \"m\", \"allocator\": \"a\", \"mmlab_version\": \"0\", "
		  "\"compiler\": \"c\", \"host\": \"h\"}, \"results\": {\"ops\": \"many\"}}",
		  "results.ops has the wrong type" },
		{ "mimalloc.txt", "heap stats: peak\n reserved: 1 2\n", "without peak, total" },
		{ "tcmalloc.txt", "MALLOC: 1 (0 MiB) Bytes in use by application\n",
		  "Actual memory used" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_file(in_dir(bad[i].name), bad[i].text, strlen(bad[i].text));
		one_line_error(in_dir(bad[i].name), bad[i].want);
	}
	one_line_error(in_dir("missing.json"), "No such file or directory");
	one_line_error(dir, "Is a directory");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		unlink(in_dir(bad[i].name));
	unlink(in_dir("cut.json"));
	unlink(in_dir("cut.xml"));
	rmdir(dir);
}

static void bad_options_are_one_line(void **st)
{
	(void)st;
	const char *const *cases[] = {
		MMLAB("compare"),
		MMLAB("compare", "-f", "html", FIX "run_a.json"),
		MMLAB("compare", "-t", "-5", FIX "run_a.json"),
		MMLAB("compare", "-t", "5x", FIX "run_a.json"),
		MMLAB("compare", "-t", "5", "-t", "6", FIX "run_a.json"),
		MMLAB("compare", "-m", "wall", FIX "run_a.json"),
		MMLAB("compare", "-m", ",", FIX "run_a.json"),
		MMLAB("compare", "--bogus", FIX "run_a.json"),
		MMLAB("show"),
		MMLAB("show", "-x", FIX "run_a.json"),
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cmd_result r = cmd_run(cases[i]);
		if (r.status != 2 || r.out[0] != '\0' || count_lines(r.err) != 1)
			fail_msg("case %zu (%s %s): status %d, stderr %s", i, cases[i][1],
				 cases[i][2] ? cases[i][2] : "", r.status, r.err);
		cmd_free(&r);
	}
	struct cmd_result r = cmd_run(MMLAB("compare", "--help"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "--threshold"));
	cmd_free(&r);
}

static void json_reads_back(void **st)
{
	(void)st;
	struct cmd_result r = cmd_run(MMLAB("compare", "-f", "json", "-m", "wall_s",
					    FIX "sig_base.json", FIX "sig_shift.json"));
	assert_int_equal(r.status, 0);
	json_t *j = need_json(r.out, strlen(r.out));
	assert_string_equal(need_str(j, "schema"), "mmlab-compare");
	const json_t *row = json_array_get(need(j, "rows"), 0);
	assert_string_equal(need_str(row, "figure"), "wall_s");
	assert_string_equal(need_str(row, "B_verdict"), "changed");
	assert_true(need_num(row, "B_delta_pct") > 19.9 && need_num(row, "B_delta_pct") < 20.1);
	assert_true(need_num(row, "B_p") < 0.05);
	assert_int_equal(need_u64(row, "A_n"), 8);
	json_decref(j);
	cmd_free(&r);
}

/* A record shows as `mmlab run` prints it: stats_emit's table, after the
 * line naming the file (no golden text: the record grows). */
static void show_prints_records_as_run_does(void **st)
{
	(void)st;
	struct stats s;
	char err[512];
	if (stats_read_file(FIX "run_a.json", &s, err, sizeof err) != 0)
		fail_msg("%s", err);
	char *want = NULL;
	size_t wlen = 0;
	FILE *mem = open_memstream(&want, &wlen);
	assert_non_null(mem);
	struct emitter e;
	emit_init_file(&e, EMIT_TABLE, mem);
	stats_emit(&e, &s);
	assert_int_equal(fclose(mem), 0);
	struct cmd_result r = cmd_run(MMLAB("show", FIX "run_a.json"));
	assert_int_equal(r.status, 0);
	const char *head = FIX "run_a.json: mmlab-stats, one run";
	assert_true(strncmp(r.out, head, strlen(head)) == 0);
	const char *body = strstr(r.out, "\n\n");
	assert_non_null(body);
	assert_string_equal(body + 2, want);
	free(want);
	cmd_free(&r);

	r = cmd_run(MMLAB("show", FIX "repeat_a.json"));
	assert_int_equal(r.status, 0);
	const char *parts[] = { "mmlab-repeat", "median", "run 1\n", "run 5\n", "checksum" };
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		if (strstr(r.out, parts[i]) == NULL)
			fail_msg("show repeat_a.json lacks \"%s\"", parts[i]);
	cmd_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_cases),
		cmocka_unit_test(bad_inputs_are_one_line),
		cmocka_unit_test(bad_options_are_one_line),
		cmocka_unit_test(json_reads_back),
		cmocka_unit_test(show_prints_records_as_run_does),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
