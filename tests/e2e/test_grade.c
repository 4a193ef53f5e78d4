/* test_grade.c — `mmlab grade`: the template plug-in and the
 * teaching allocators score inside their golden ranges; the broken
 * fixture plug-ins (overlap, misalignment, lost data, crash, hang) each
 * score 0 with their reason; bad input is one line and status 2.
 *
 * U is exact for these allocators (their own peaks), so its golden range
 * is narrow; the score then lies between 60·U and 60·U + 40 whatever the
 * machine's timings, which is all that is asserted about time.  The
 * fixtures are tests/conformance/fixtures/plugin_*.c, built beside the
 * mmlab under test. */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/support/test.h"

static const char *beside(const char *rel)
{
	static char bufs[4][PATH_MAX];
	static int next;
	char m[PATH_MAX], *b = bufs[next++ % 4];
	snprintf(m, sizeof m, "%s", mmlab_path());
	snprintf(b, PATH_MAX, "%s/%s", dirname(m), rel);
	if (access(b, R_OK) != 0)
		fail_msg("no %s (make test-e2e builds it)", b);
	return b;
}

static const char *fixture(const char *name)
{
	char rel[128];
	snprintf(rel, sizeof rel, "tests/conformance/fixtures/%s.so", name);
	return beside(rel);
}

/* Two lab traces, one synthetic and one recorded, for the quick cases. */
#define TRACE_A "lab/traces/small.trace"
#define TRACE_B "lab/traces/realloc.trace"

struct golden {
	const char *what; /* a built-in allocator's name, or NULL: the template */
	double u_lo, u_hi;
};

static void check_graded(const struct golden *g)
{
	const char *who = g->what ? g->what : beside("examples/plugin/example_alloc.so");
	struct cmd_result r = cmd_run(MMLAB("grade", "--rounds", "1", "--json", "-", who));
	if (r.status != 0)
		fail_msg("grade %s: status %d: %s", who, r.status, r.err);
	json_t *doc = need_json(r.out, strlen(r.out));
	assert_string_equal(need_str(need(doc, "gate"), "passed"), "yes");
	const json_t *total = need(doc, "total");
	double u = need_num(total, "utilization"), score = need_num(total, "score");
	assert_int_equal(need_u64(total, "passed"), need_u64(total, "traces"));
	assert_true(need_u64(total, "traces") >= 8);
	if (u < g->u_lo || u > g->u_hi)
		fail_msg("grade %s: U %.4f outside its golden range [%.2f, %.2f]", who, u, g->u_lo,
			 g->u_hi);
	if (score < 60 * u - 1e-6 || score > 60 * u + 40 + 1e-6)
		fail_msg("grade %s: score %.2f is not 60*U + 40*min(1, T/T_glibc) for U %.4f", who,
			 score, u);
	assert_true(need_num(total, "t_ratio") > 0);
	json_decref(doc);
	cmd_free(&r);
}

/* golden U on the shipped lab set (docs/labs/README.md lists the scores) */
static void template_scores(void **state)
{
	(void)state;
	check_graded(&(struct golden){ NULL, 0.65, 0.85 });
}

static void teaching_allocators_score(void **state)
{
	(void)state;
	static const struct golden g[] = {
		{ "freelist", 0.55, 0.70 },  { "simpleseg", 0.45, 0.60 },
		{ "segfits", 0.80, 0.95 },   { "buddy", 0.55, 0.70 },
	};
	for (size_t i = 0; i < sizeof g / sizeof g[0]; i++)
		check_graded(&g[i]);
}

/* A broken plug-in: status 1, score 0, the gate failed at check with
 * reason on stderr and in the JSON. */
static void check_broken(const char *name, const char *check, const char *reason)
{
	struct cmd_result r = cmd_run(MMLAB("grade", "--rounds", "1", "--timeout", "5", "--json",
					    "-", fixture(name), TRACE_A));
	if (r.status != 1)
		fail_msg("grade %s: status %d, not 1: %s", name, r.status, r.err);
	if (strstr(r.err, reason) == NULL || strstr(r.err, "correctness gate") == NULL)
		fail_msg("grade %s: no '%s' in: %s", name, reason, r.err);
	json_t *doc = need_json(r.out, strlen(r.out));
	const json_t *gate = need(doc, "gate");
	assert_string_equal(need_str(gate, "passed"), "no");
	assert_string_equal(need_str(gate, "failed_check"), check);
	assert_non_null(strstr(need_str(gate, "error"), reason));
	assert_true(need_num(need(doc, "total"), "score") == 0);
	json_decref(doc);
	cmd_free(&r);
}

static void overlap_scores_zero(void **state)
{
	(void)state;
	check_broken("plugin_overlap", "alignment", "overlaps the live block");
}

static void misalignment_scores_zero(void **state)
{
	(void)state;
	check_broken("plugin_misalign", "alignment", "is not 16-byte aligned");
}

static void lost_data_scores_zero(void **state)
{
	(void)state;
	check_broken("plugin_lostdata", "realloc", "lost its payload");
}

/* A crash or a hang fails each trace with its reason; the grader goes on
 * to the next trace and still writes its table. */
static void check_dies(const char *name, const char *reason)
{
	struct cmd_result r = cmd_run(MMLAB("grade", "--rounds", "1", "--timeout", "1", "--json",
					    "-", fixture(name), TRACE_A, TRACE_B));
	if (r.status != 1)
		fail_msg("grade %s: status %d, not 1: %s", name, r.status, r.err);
	json_t *doc = need_json(r.out, strlen(r.out));
	const json_t *rows = need(doc, "traces");
	assert_int_equal(json_array_size(rows), 2);
	for (size_t i = 0; i < 2; i++) {
		const json_t *row = json_array_get(rows, i);
		assert_string_equal(need_str(row, "valid"), "no");
		if (strstr(need_str(row, "error"), reason) == NULL)
			fail_msg("grade %s: trace %zu's error '%s' lacks '%s'", name, i,
				 need_str(row, "error"), reason);
	}
	assert_non_null(strstr(r.err, TRACE_B));
	assert_true(need_num(need(doc, "total"), "score") == 0);
	json_decref(doc);
	cmd_free(&r);
}

static void crash_fails_its_traces(void **state)
{
	(void)state;
	check_dies("plugin_crash", "killed by signal");
}

static void hang_fails_its_traces(void **state)
{
	(void)state;
	check_dies("plugin_hang", "timed out after 1 s");
}

/* Not a shared object, no table, no file: one line, status 2. */
static void bad_plugins_refused(void **state)
{
	(void)state;
	const char *bad[] = { "README.md", fixture("plugin_nosym"), "/nonexistent/x.so" };
	const char *why[] = { "invalid ELF header", "exports no", "No such file" };
	for (size_t i = 0; i < 3; i++) {
		struct cmd_result r = cmd_run(MMLAB("grade", bad[i], TRACE_A));
		assert_int_equal(r.status, 2);
		assert_int_equal(count_lines(r.err), 1);
		if (strncmp(r.err, "mmlab: grade: ", 14) != 0 || strstr(r.err, why[i]) == NULL)
			fail_msg("grade %s: %s", bad[i], r.err);
		assert_string_equal(r.out, "");
		cmd_free(&r);
	}
	struct cmd_result r = cmd_run(MMLAB("grade", "--rounds", "0", "segfits"));
	assert_int_equal(r.status, 2);
	cmd_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(template_scores),
		cmocka_unit_test(teaching_allocators_score),
		cmocka_unit_test(overlap_scores_zero),
		cmocka_unit_test(misalignment_scores_zero),
		cmocka_unit_test(lost_data_scores_zero),
		cmocka_unit_test(crash_fails_its_traces),
		cmocka_unit_test(hang_fails_its_traces),
		cmocka_unit_test(bad_plugins_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
