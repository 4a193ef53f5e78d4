/* test_plot.c — `mmlab plot` and `mmlab report` on the golden record.
 *
 * The charts of tests/golden/stats.json (given twice: two records, so the
 * legends and overlays are exercised) and of the sweep fixture
 * tests/golden/plot/sweep.json (a real `mmlab sweep -w binary-trees -p
 * depth=10 --heap-multiple 2,4,6,8,12,16 --json`; it adds the time-space
 * curve and no record) must match tests/golden/plot/ byte for byte and be
 * well-formed XML (python3's xml.etree: no new
 * dependency); the report must stand alone; every unreadable dump is one
 * line naming the file, and exit status 2.
 * To refresh the golden charts after a deliberate change:
 *   build/obj/mmlab plot tests/golden/stats.json tests/golden/stats.json \
 *       tests/golden/plot/sweep.json -o tests/golden/plot
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/test.h"

static char dir[] = "/tmp/mmlab-plot-test-XXXXXX";
static const char *const charts[] = { "pauses.svg", "timeline.svg", "mmu.svg", "bars.svg",
				      "timespace.svg" };
#define NCHARTS (sizeof charts / sizeof charts[0])
#define SWEEP "tests/golden/plot/sweep.json"

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot read %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void xml_well_formed(const char *path)
{
	struct cmd_result r = cmd_run((const char *const[]){
		"python3", "-c", "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])", path,
		NULL });
	if (r.status != 0)
		fail_msg("%s is not well-formed XML: %s", path, r.err);
	cmd_free(&r);
}

static void charts_match_their_golden_copies(void **state)
{
	(void)state;
	char out[200];
	snprintf(out, sizeof out, "%s/charts", dir);
	struct cmd_result r = cmd_run(MMLAB("plot", "tests/golden/stats.json",
					    "tests/golden/stats.json", SWEEP, "-o", out));
	if (r.status != 0)
		fail_msg("mmlab plot: status %d: %s", r.status, r.err);
	assert_int_equal(count_lines(r.out), NCHARTS);
	for (size_t i = 0; i < NCHARTS; i++) {
		char got[300], want[300];
		snprintf(got, sizeof got, "%s/%s", out, charts[i]);
		snprintf(want, sizeof want, "tests/golden/plot/%s", charts[i]);
		size_t glen, wlen;
		char *g = slurp(got, &glen), *w = slurp(want, &wlen);
		if (glen != wlen || memcmp(g, w, glen) != 0)
			fail_msg("%s differs from %s (diff them; refresh as the header says)", got,
				 want);
		assert_non_null(strstr(g, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
		xml_well_formed(got);
		xml_well_formed(want);
		free(g);
		free(w);
	}
	cmd_free(&r);
}

/* The sweep's chart: both panels, the axis labels with their units, a
 * cross for the multiple that did not run, one point per row that did;
 * with no sweep it says so. */
static void the_time_space_curve(void **state)
{
	(void)state;
	char out[200], path[300];
	snprintf(out, sizeof out, "%s/sweep", dir);
	struct cmd_result r = cmd_run(MMLAB("plot", SWEEP, "-o", out));
	if (r.status != 0)
		fail_msg("mmlab plot: status %d: %s", r.status, r.err);
	cmd_free(&r);
	snprintf(path, sizeof path, "%s/timespace.svg", out);
	size_t n;
	char *svg = slurp(path, &n);
	assert_non_null(strstr(svg, "heap limit (multiple of manual's peak live size)"));
	assert_non_null(strstr(svg, "wall time / manual's (ratio)"));
	assert_non_null(strstr(svg, "peak memory / manual's (ratio)"));
	assert_non_null(strstr(svg, "binary-trees depth=10, gc vs manual/glibc"));
	unsigned points = 0, polylines = 0;
	for (const char *p = svg; (p = strstr(p, "<circle")) != NULL; p++)
		points++;
	for (const char *p = svg; (p = strstr(p, "<polyline")) != NULL; p++)
		polylines++;
	/* 5 of the 6 multiples ran: time and RSS, one curve each */
	assert_int_equal(points, 10);
	assert_int_equal(polylines, 2);
	free(svg);
	/* the run's charts have no sweep to draw */
	snprintf(out, sizeof out, "%s/nosweep", dir);
	r = cmd_run(MMLAB("plot", "tests/golden/stats.json", "-o", out));
	assert_int_equal(r.status, 0);
	cmd_free(&r);
	snprintf(path, sizeof path, "%s/timespace.svg", out);
	svg = slurp(path, &n);
	assert_non_null(strstr(svg, "no sweep given"));
	assert_null(strstr(svg, "<polyline"));
	free(svg);
}

static void the_report_stands_alone(void **state)
{
	(void)state;
	char page[200];
	snprintf(page, sizeof page, "%s/report.html", dir);
	struct cmd_result r = cmd_run(MMLAB("report", "tests/golden/stats.json", "-o", page));
	assert_int_equal(r.status, 0);
	size_t n;
	char *html = slurp(page, &n);
	assert_non_null(strstr(html, "<!DOCTYPE html>"));
	assert_non_null(strstr(html, "binary-trees manual/glibc"));
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "href="));
	assert_null(strstr(html, "url("));
	unsigned svgs = 0;
	for (const char *p = html; (p = strstr(p, "<svg")) != NULL; p++)
		svgs++;
	assert_int_equal(svgs, NCHARTS);
	/* the only URL is the SVG namespace, which is a name, never fetched */
	for (const char *p = html; (p = strstr(p, "http")) != NULL; p++)
		assert_true(strncmp(p, "http://www.w3.org/2000/svg\"", 27) == 0);
	free(html);
	cmd_free(&r);
	/* with a sweep: its rows as a table */
	r = cmd_run(MMLAB("report", SWEEP, "-o", page));
	assert_int_equal(r.status, 0);
	html = slurp(page, &n);
	assert_non_null(strstr(html, "0 runs and 1 sweep"));
	assert_non_null(strstr(html, "<h2>Sweeps</h2>"));
	assert_non_null(strstr(html, "heap limit reached"));
	assert_null(strstr(html, "<h2>What ran</h2>"));
	free(html);
	cmd_free(&r);
}

static void bad_dumps_are_one_line_and_status_2(void **state)
{
	(void)state;
	char notjson[200], other[200], file[200], out[200], sweep[200];
	snprintf(notjson, sizeof notjson, "%s/notjson", dir);
	snprintf(other, sizeof other, "%s/other.json", dir);
	snprintf(file, sizeof file, "%s/afile", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	FILE *f = fopen(notjson, "w");
	fputs("{\"schema\": \"mmlab-stats\",\n  oops", f);
	fclose(f);
	f = fopen(other, "w");
	fputs("{\"schema\": \"something-else\", \"schema_version\": 1}", f);
	fclose(f);
	f = fopen(file, "w");
	fclose(f);
	snprintf(sweep, sizeof sweep, "%s/sweep.json", dir);
	f = fopen(sweep, "w");
	fputs("{\"schema\": \"mmlab-sweep\", \"schema_version\": 1, \"config\": {}}", f);
	fclose(f);
	const struct {
		const char *const *argv;
		const char *names;
	} cases[] = {
		{ MMLAB("plot", "/nonexistent.json", "-o", out), "/nonexistent.json" },
		{ MMLAB("plot", notjson, "-o", out), notjson },
		{ MMLAB("plot", other, "-o", out), other },
		{ MMLAB("plot", file, "-o", out), file },
		{ MMLAB("plot", sweep, "-o", out), "without a \"reference\"" },
		{ MMLAB("plot", "tests/golden/stats.json", "-o", file), file },
		{ MMLAB("plot", "tests/golden/stats.json"), "-o" },
		{ MMLAB("report", notjson, "-o", out), notjson },
		{ MMLAB("report", "tests/golden/stats.json", "-o", "/nonexistent/r.html"),
		  "/nonexistent/r.html" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cmd_result r = cmd_run(cases[i].argv);
		if (r.status != 2 || count_lines(r.err) != 1 || strstr(r.err, cases[i].names) == NULL)
			fail_msg("case %zu: status %d, stderr '%s'", i, r.status, r.err);
		cmd_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(charts_match_their_golden_copies),
		cmocka_unit_test(the_time_space_curve),
		cmocka_unit_test(the_report_stands_alone),
		cmocka_unit_test(bad_dumps_are_one_line_and_status_2),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
