/* test_peak_rss.c — peak RSS is the run's own, not its launcher's.
 *
 * This test process first touches 400 MiB, then runs mmlab: a depth-14 run
 * needs a few MiB, so its peak RSS must stay far below what the parent
 * holds (getrusage's ru_maxrss, which Linux carries across exec, reported
 * the parent's).  And no RSS point of the run's own timeline may exceed
 * its peak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tests/support/test.h"

enum { PARENT_BYTES = 400u << 20 };

static uint64_t run_peak(json_t **doc, struct cmd_result *r)
{
	*r = cmd_run(MMLAB("run", "-q", "-p", "depth=14", "--json", "-"));
	if (r->status != 0)
		fail_msg("mmlab run: status %d: %s", r->status, r->err);
	*doc = need_json(r->out, strlen(r->out));
	return need_u64(need(*doc, "results"), "peak_rss_bytes");
}

static void peak_rss_is_the_runs_own(void **state)
{
	(void)state;
	/* the same run from this small process first: what the run itself
	 * holds (a few MiB; more under ASan, which maps its shadow) */
	json_t *doc;
	struct cmd_result r;
	uint64_t alone = run_peak(&doc, &r);
	json_decref(doc);
	cmd_free(&r);

	char *big = mmap(NULL, PARENT_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	assert_true(big != MAP_FAILED);
	memset(big, 1, PARENT_BYTES); /* resident now */

	uint64_t peak = run_peak(&doc, &r);
	print_message("parent holds %u MiB; the run's peak RSS %.1f MiB (%.1f MiB from a small "
		      "parent)\n",
		      PARENT_BYTES >> 20, peak / 1048576.0, alone / 1048576.0);
	assert_true(peak > 0);
	/* a launcher's 400 MiB would show whole: allow the run's own noise */
	assert_true(peak < alone + alone / 4 + (32u << 20));
	assert_true(peak < PARENT_BYTES);

	const json_t *pts = need(need(doc, "timeline"), "points");
	const json_t *cols = need(pts, "columns"), *rows = need(pts, "rows");
	size_t i, col = SIZE_MAX;
	const json_t *v;
	json_array_foreach(cols, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), "rss_bytes") == 0)
			col = i;
	assert_true(col != SIZE_MAX);
	assert_true(json_array_size(rows) >= 2);
	json_array_foreach(rows, i, v) {
		const json_t *rss = json_array_get(v, col);
		if (json_is_integer(rss) && (uint64_t)json_integer_value(rss) > peak)
			fail_msg("timeline point %zu has RSS %lld above the peak %llu", i,
				 (long long)json_integer_value(rss), (unsigned long long)peak);
	}
	json_decref(doc);
	cmd_free(&r);
	munmap(big, PARENT_BYTES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(peak_rss_is_the_runs_own),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
