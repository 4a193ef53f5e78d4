/* test_matrix_grid.c — `mmlab matrix` over workloads x allocators x models.
 *
 * A 2 x 2 grid with manual (which takes an allocator) and gc (which runs
 * once per workload) gives 2 x (2 + 1) rows; each workload's checksum is
 * checked apart; the JSON rows name workload, model and allocator; compare
 * and show read the dump; bad lists are one line and status 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/test.h"

#define GRID "-w", "binary-trees,lru-cache", "-a", "glibc,segfits", "--models", "manual,gc", \
	     "-p", "depth=6", "-p", "capacity=50", "-p", "ops=500"

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void grid_prints_one_table(void **state)
{
	(void)state;
	struct cmd_result r = cmd_run(MMLAB("matrix", GRID));
	if (r.status != 0)
		fail_msg("matrix grid: status %d\n%s%s", r.status, r.out, r.err);
	assert_non_null(strstr(r.out, "\nworkload "));
	/* rows: per workload, manual on each allocator and gc once (the
	 * heading names each workload too, followed by one space) */
	assert_int_equal(count(r.out, "\nbinary-trees  "), 3);
	assert_int_equal(count(r.out, "\nlru-cache  "), 3);
	assert_int_equal(count(r.out, " segfits "), 2);
	assert_int_equal(count(r.out, " bdwgc "), 2);
	/* one checksum line per workload */
	assert_non_null(strstr(r.out, "\nbinary-trees: checksum 0x"));
	assert_non_null(strstr(r.out, "\nlru-cache: checksum 0x"));
	assert_int_equal(count(r.out, "the same under every model and allocator that ran"), 2);
	cmd_free(&r);
}

static void grid_dump_is_read_back(void **state)
{
	(void)state;
	char path[] = "/tmp/mmlab-grid-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct cmd_result r = cmd_run(MMLAB("matrix", GRID, "--json", path));
	if (r.status != 0)
		fail_msg("matrix grid --json: status %d\n%s", r.status, r.err);
	cmd_free(&r);

	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char text[1 << 20];
	size_t n = fread(text, 1, sizeof text, f);
	fclose(f);
	json_t *j = need_json(text, n);
	assert_string_equal(need_str(j, "schema"), "mmlab-matrix");
	const json_t *table = need(j, "table"), *runs = need(j, "runs");
	assert_int_equal(json_array_size(table), 6);
	assert_int_equal(json_array_size(runs), 6);
	const char *sum[2] = { NULL, NULL };
	for (size_t i = 0; i < 6; i++) {
		const json_t *row = json_array_get(table, i);
		const char *wl = need_str(row, "workload"), *model = need_str(row, "model"),
			   *alloc = need_str(row, "allocator");
		const json_t *config = need(json_array_get(runs, i), "config");
		assert_string_equal(need_str(config, "workload"), wl);
		assert_string_equal(need_str(config, "model"), model);
		assert_string_equal(need_str(config, "allocator"), alloc);
		if (strcmp(model, "gc") == 0)
			assert_string_equal(alloc, "bdwgc");
		/* the same checksum within a workload, different across them */
		int w = strcmp(wl, "binary-trees") == 0 ? 0 : 1;
		assert_true(w == 0 || strcmp(wl, "lru-cache") == 0);
		const char *c = need_str(need(json_array_get(runs, i), "results"), "checksum");
		if (sum[w] == NULL)
			sum[w] = c;
		assert_string_equal(c, sum[w]);
	}
	assert_non_null(sum[0]);
	assert_non_null(sum[1]);
	assert_string_not_equal(sum[0], sum[1]);

	r = cmd_run(MMLAB("compare", path, path));
	if (r.status != 0)
		fail_msg("compare of a grid dump: status %d\n%s", r.status, r.err);
	assert_non_null(strstr(r.out, "mmlab-matrix"));
	assert_non_null(strstr(r.out, "lru-cache"));
	cmd_free(&r);
	r = cmd_run(MMLAB("show", path));
	if (r.status != 0)
		fail_msg("show of a grid dump: status %d\n%s", r.status, r.err);
	assert_int_equal(count(r.out, "\nlru-cache "), 3);
	cmd_free(&r);
	json_decref(j);
	unlink(path);
}

static void expect_usage(const char *const argv[], const char *needle)
{
	struct cmd_result r = cmd_run(argv);
	if (r.status != 2 || count_lines(r.err) != 1 || strncmp(r.err, "mmlab: ", 7) != 0 ||
	    r.out[0] != '\0' || strstr(r.err, needle) == NULL)
		fail_msg("%s %s: status %d, stdout \"%s\", stderr \"%s\" (wanted \"%s\")", argv[2],
			 argv[3], r.status, r.out, r.err, needle);
	cmd_free(&r);
}

static void bad_lists_are_refused(void **state)
{
	(void)state;
	expect_usage(MMLAB("matrix", "-w", "binary-trees,nosuch"), "unknown workload 'nosuch'");
	expect_usage(MMLAB("matrix", "-w", "binary-trees,,lru-cache"), "empty item");
	expect_usage(MMLAB("matrix", "-w", "lru-cache,"), "empty item");
	expect_usage(MMLAB("matrix", "-w", "lru-cache,lru-cache"), "twice");
	expect_usage(MMLAB("matrix", "-a", "glibc,nosuch"), "unknown allocator 'nosuch'");
	expect_usage(MMLAB("matrix", "-a", ",glibc"), "empty item");
	expect_usage(MMLAB("matrix", "-a", "glibc,segfits,glibc"), "twice");
	expect_usage(MMLAB("matrix", "--models", "manual,manual"), "twice");
	expect_usage(MMLAB("matrix", "--models", "manual,,gc"), "empty item");
	/* -p goes to the workloads that have the key; none having it is an error */
	expect_usage(MMLAB("matrix", "-w", "binary-trees,lru-cache", "-p", "width=3"),
		     "no listed workload has parameter 'width'");
	expect_usage(MMLAB("matrix", "-w", "binary-trees,lru-cache", "-p", "ops=-1"),
		     "out of range");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grid_prints_one_table),
		cmocka_unit_test(grid_dump_is_read_back),
		cmocka_unit_test(bad_lists_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
