/* test_binary_trees.c — the workload's output and checksum, every model.
 *
 * Runs binary-trees in-process through the session API under each model
 * and checks: the depth-10 output is the Benchmarks Game's reference
 * output; a larger depth matches node counts computed here from the
 * formula (a tree of depth d has 2^(d+1)-1 nodes); the output and the
 * checksum are identical under all four models.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "runtime/session/session.h"
#include "tests/support/test.h"
#include "workloads/workload.h"

struct capture {
	char text[8192];
	size_t len;
};

static void capture_line(void *st, const char *line)
{
	struct capture *c = st;
	c->len += (size_t)snprintf(c->text + c->len, sizeof c->text - c->len, "%s\n", line);
}

/* Run binary-trees at depth under model; output into cap. */
static struct stats run_bt(enum mm_model model, int64_t depth, struct capture *cap)
{
	const struct wl_desc *w = wl_find("binary-trees");
	assert_non_null(w);
	int64_t params[1] = { depth };
	struct mm_job job = { .params = params, .seed = 1, .line = capture_line, .line_state = cap };
	struct session s = {
		.model = model,
		.entry = w->impl[model]->entry,
		.job = &job,
		.probes = true,
	};
	struct stats st;
	char err[256] = "";
	memset(cap, 0, sizeof *cap);
	enum session_status status = session_run(&s, &st, err, sizeof err);
	if (status != SESSION_OK)
		fail_msg("%s: %s", mm_model_name(model), err);
	return st;
}

static const char reference_10[] = "stretch tree of depth 11\t check: 4095\n"
				   "1024\t trees of depth 4\t check: 31744\n"
				   "256\t trees of depth 6\t check: 32512\n"
				   "64\t trees of depth 8\t check: 32704\n"
				   "16\t trees of depth 10\t check: 32752\n"
				   "long lived tree of depth 10\t check: 2047\n";

static void depth_10_matches_reference(void **state)
{
	(void)state;
	for (unsigned m = 0; m < MM_MODEL_COUNT; m++) {
		struct capture cap;
		run_bt((enum mm_model)m, 10, &cap);
		assert_string_equal(cap.text, reference_10);
	}
}

/* The expected output, from the formula rather than from a run. */
static void expected_output(int n, char *buf, size_t len)
{
	int max = n < 6 ? 6 : n;
	size_t used = 0;
	used += (size_t)snprintf(buf + used, len - used, "stretch tree of depth %d\t check: %" PRIu64 "\n",
				 max + 1, ((uint64_t)1 << (max + 2)) - 1);
	for (int d = 4; d <= max; d += 2) {
		uint64_t it = (uint64_t)1 << (max - d + 4);
		uint64_t nodes = ((uint64_t)1 << (d + 1)) - 1;
		used += (size_t)snprintf(buf + used, len - used,
					 "%" PRIu64 "\t trees of depth %d\t check: %" PRIu64 "\n", it, d,
					 it * nodes);
	}
	snprintf(buf + used, len - used, "long lived tree of depth %d\t check: %" PRIu64 "\n", max,
		 ((uint64_t)1 << (max + 1)) - 1);
}

static void depth_16_matches_formula(void **state)
{
	(void)state;
	char want[4096];
	expected_output(16, want, sizeof want);
	struct capture cap;
	struct stats st = run_bt(MM_MODEL_manual, 16, &cap);
	assert_string_equal(cap.text, want);
	/* ops: every node of every tree built, also from the formula */
	uint64_t ops = (((uint64_t)1 << 18) - 1) + (((uint64_t)1 << 17) - 1);
	for (int d = 4; d <= 16; d += 2)
		ops += ((uint64_t)1 << (16 - d + 4)) * (((uint64_t)1 << (d + 1)) - 1);
	assert_int_equal(st.results.ops, ops);
	assert_int_equal(st.results.allocs, ops);
}

static void small_depths_run_as_six(void **state)
{
	(void)state;
	char want[4096];
	expected_output(6, want, sizeof want);
	struct capture cap;
	run_bt(MM_MODEL_own, 2, &cap);
	assert_string_equal(cap.text, want);
}

static void checksum_and_output_identical_across_models(void **state)
{
	(void)state;
	struct capture first, cap;
	struct stats base = run_bt(MM_MODEL_manual, 14, &first);
	assert_true(base.results.known & (1ull << STATS_F_checksum));
	for (unsigned m = 1; m < MM_MODEL_COUNT; m++) {
		struct stats st = run_bt((enum mm_model)m, 14, &cap);
		assert_string_equal(cap.text, first.text);
		assert_int_equal(st.results.checksum, base.results.checksum);
		assert_int_equal(st.results.ops, base.results.ops);
	}
	/* a different depth must give a different checksum */
	struct stats other = run_bt(MM_MODEL_manual, 12, &cap);
	assert_int_not_equal(other.results.checksum, base.results.checksum);
}

static void nothing_leaks_and_pauses_are_recorded(void **state)
{
	(void)state;
	struct capture cap;
	for (unsigned m = 0; m < MM_MODEL_COUNT; m++) {
		struct stats st = run_bt((enum mm_model)m, 12, &cap);
		if (m == MM_MODEL_gc) {
			assert_false(st.results.known & (1ull << STATS_F_leaked_bytes));
			continue;
		}
		assert_int_equal(st.results.leaked_bytes, 0);
		assert_int_equal(st.results.leaked_objects, 0);
		/* one pause per tree dropped: stretch, long-lived, and the loop */
		uint64_t trees = 2;
		for (int d = 4; d <= 12; d += 2)
			trees += (uint64_t)1 << (12 - d + 4);
		assert_int_equal(st.results.pause_count, trees);
		assert_true(st.results.pause_max_s > 0);
		assert_true(st.results.pause_total_s >= st.results.pause_max_s);
		/* the long-lived tree of depth 12 (24-byte nodes) is live with the stretch
		 * tree gone, then a depth-12 batch tree: peak is at least both */
		assert_true(st.results.peak_live_bytes >= 2 * ((((uint64_t)1 << 13) - 1) * 24));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(depth_10_matches_reference),
		cmocka_unit_test(depth_16_matches_formula),
		cmocka_unit_test(small_depths_run_as_six),
		cmocka_unit_test(checksum_and_output_identical_across_models),
		cmocka_unit_test(nothing_leaks_and_pauses_are_recorded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
