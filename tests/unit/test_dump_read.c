/* test_dump_read.c — the one dump reader: every format, its figures, its
 * refusals.
 *
 * The native fixtures were written by the real allocators on this machine
 * (tests/compare/fixtures/gen.sh); their figures are checked against the
 * numbers in the files.  mmlab's own documents are recognised by schema; a
 * schema or version this mmlab does not know, a document cut short, text
 * that is no dump, each is one line that names the file.
 */
#include <stdio.h>
#include <stdlib.h>

#include "runtime/stats/dump_read.h"
#include "tests/support/test.h"

#define FIX "tests/compare/fixtures/"

static struct dump load_ok(const char *path, enum dump_format want)
{
	struct dump d;
	char err[512];
	if (dump_load(path, DUMP_ANY, &d, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_int_equal(d.format, want);
	return d;
}

static uint64_t fig(const struct dump *d, enum alloc_figure f)
{
	if (!(d->runs[0].alloc.known & (1u << f)))
		fail_msg("%s is not known", alloc_figure_key(f));
	return alloc_figure(&d->runs[0].alloc, f);
}

static void native_figures(void **st)
{
	(void)st;
	struct dump d = load_ok(FIX "glibc.xml", DUMP_GLIBC);
	assert_int_equal(d.nruns, 1);
	assert_string_equal(d.runs[0].config.allocator, "glibc");
	assert_string_equal(d.runs[0].config.model, "native");
	assert_int_equal(fig(&d, ALLOC_FIG_FOOTPRINT), 4190208);
	assert_int_equal(fig(&d, ALLOC_FIG_FREE), 1838064);
	assert_int_equal(fig(&d, ALLOC_FIG_ALLOCATED), 4190208 - 1838064);
	assert_non_null(strstr(d.unmapped, "resident"));
	dump_free(&d);

	d = load_ok(FIX "jemalloc.json", DUMP_JEMALLOC); /* it repeats keys in "opt" */
	assert_int_equal(fig(&d, ALLOC_FIG_ALLOCATED), 535712);
	assert_int_equal(fig(&d, ALLOC_FIG_RESIDENT), 22478848);
	assert_int_equal(fig(&d, ALLOC_FIG_FOOTPRINT), 26050560);
	assert_int_equal(fig(&d, ALLOC_FIG_FREE), 26050560 - 535712);
	assert_null(strstr(d.unmapped, "resident"));
	dump_free(&d);

	d = load_ok(FIX "mimalloc.txt", DUMP_MIMALLOC);
	assert_int_equal(fig(&d, ALLOC_FIG_RESERVED), 32u << 20);
	assert_int_equal(fig(&d, ALLOC_FIG_COMMITTED), 32u << 20);
	assert_int_equal(fig(&d, ALLOC_FIG_PEAK_FOOTPRINT), 32u << 20);
	assert_non_null(strstr(d.unmapped, "allocated"));
	dump_free(&d);

	d = load_ok(FIX "gperftools.txt", DUMP_GPERFTOOLS);
	assert_int_equal(fig(&d, ALLOC_FIG_ALLOCATED), 90616);
	assert_int_equal(fig(&d, ALLOC_FIG_FOOTPRINT), 20447232);
	assert_int_equal(fig(&d, ALLOC_FIG_FREE), 11444224 + 1898808 + 2678784 + 1713360);
	assert_int_equal(fig(&d, ALLOC_FIG_RESERVED), 20447232);
	dump_free(&d);
}

static void mmlab_documents(void **st)
{
	(void)st;
	struct dump d = load_ok(FIX "run_a.json", DUMP_STATS);
	assert_int_equal(d.nruns, 1);
	assert_int_equal(d.version, 1);
	assert_non_null(d.doc);
	dump_free(&d);
	d = load_ok(FIX "matrix_glibc.json", DUMP_MATRIX);
	assert_true(d.nruns >= 4);
	assert_string_equal(d.runs[0].config.model, "manual");
	dump_free(&d);
	d = load_ok(FIX "repeat_a.json", DUMP_REPEAT);
	assert_int_equal(d.nruns, 5);
	dump_free(&d);
	d = load_ok(FIX "replay.json", DUMP_REPLAY);
	assert_int_equal(d.nruns, 10);
	assert_string_equal(d.runs[0].config.model, "replay");
	assert_true(stats_known(&d.runs[0].results, STATS_F_utilization));
	dump_free(&d);
}

/* text read as NAME "x": 0 and the dump, or the message */
static int rd(const char *text, struct dump *d, char *err, size_t len)
{
	return dump_read("x", text, strlen(text), DUMP_ANY, d, err, len);
}

static void refused(const char *text, const char *want)
{
	struct dump d;
	char err[512];
	if (rd(text, &d, err, sizeof err) == 0)
		fail_msg("read, but should not: %.60s", text);
	assert_int_equal(d.nruns, 0);
	assert_null(d.runs);
	if (strncmp(err, "x: ", 3) != 0 || strstr(err, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err, want);
	assert_null(strchr(err, '\n'));
}

static void refusals_name_what_is_wrong(void **st)
{
	(void)st;
	refused("", "empty");
	refused("hello", "not a stats dump mmlab reads");
	refused("{\"schema\": \"mmlab-stats\"", "line 1, column");
	refused("[1, 2]", "not an object");
	refused("{\"a\": 1}", "no \"schema\" string");
	refused("{\"schema\": \"mmlab-foo\", \"schema_version\": 1}",
		"an mmlab-foo document; this mmlab reads mmlab-stats, mmlab-matrix");
	refused("{\"schema\": \"mmlab-stats\", \"schema_version\": 99}",
		"mmlab-stats schema_version 99; this mmlab reads version 1");
	refused("{\"schema\": \"mmlab-stats\", \"schema\": \"x\"}", "duplicate");
	refused("{\"schema\": \"mmlab-matrix\", \"schema_version\": 1}", "without a \"runs\" list");
	refused("{\"schema\": \"mmlab-matrix\", \"schema_version\": 1, \"runs\": [1]}",
		"runs[0]: a record is not an object");
	refused("{\"schema\": \"mmlab-replay\", \"schema_version\": 1}", "config.allocator");
	refused("{\"jemalloc\": {}}", "no jemalloc.stats object");
	refused("{\"jemalloc\": {\"stats\": {\"allocated\": -1}}}", "jemalloc.stats.allocated");
	refused("<malloc version=\"2\"></malloc>", "malloc_info version \"2\"; this mmlab reads "
						  "version \"1\"");
	refused("<malloc version=\"1\">\n<heap nr=\"0\">\n", "cut short: <heap> is not closed");
	refused("<malloc version=\"1\"></heap>", "closes nothing open");
	refused("<malloc version=\"1\"><heap nr", "cut short inside a tag");
	refused("<malloc version=\"1\"><total type=\"fast\" count=\"0\" size=\"x\"/></malloc>",
		"decimal size");
	refused("<malloc version=\"1\"></malloc>", "no top-level <total type=\"fast\">");
	/* found by fuzz_glibc: a quoted value broke the message over lines */
	refused("<malloc version=\"(\n\t1\"></malloc>", "malloc_info version \"(??1\"");
	refused("heap stats:    peak      total      freed    current\n", "no 'reserved:' row");
	refused("heap stats:\n  reserved:   32.0 MiB   32.0 MiB\n", "without peak, total");
	refused("MALLOC:          90616 (    0.1 MiB) Bytes in use by application\n",
		"Actual memory used");
	refused("MALLOC: 99999999999999999999999 (0 MiB) Bytes in use by application\n",
		"out of range");
	char nul[] = "MALLOC: 1 (0 MiB) Bytes in use by application\n\0garbage";
	struct dump d;
	char err[256];
	assert_int_not_equal(dump_read("x", nul, sizeof nul, DUMP_ANY, &d, err, sizeof err), 0);
	assert_non_null(strstr(err, "NUL byte"));
}

static void optional_fields_may_be_missing(void **st)
{
	(void)st;
	struct dump d;
	char err[512];
	const char *minimal = "{\"schema\": \"mmlab-stats\", \"schema_version\": 1, \"config\": "
			      "{\"workload\": \"w\", \"model\": \"m\", \"allocator\": \"a\", "
			      "\"mmlab_version\": \"0\", \"compiler\": \"c\", \"host\": \"h\"}, "
			      "\"results\": {\"wall_s\": 1.5}, \"newer_key\": [1]}";
	if (rd(minimal, &d, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_true(stats_known(&d.runs[0].results, STATS_F_wall_s));
	assert_false(stats_known(&d.runs[0].results, STATS_F_ops));
	assert_false(d.runs[0].has_alloc);
	dump_free(&d);
	/* gperftools without the freelist lines: no free figure, no error */
	const char *tc = "MALLOC: 10 (0 MiB) Bytes in use by application\n"
			 "MALLOC: = 20 (0 MiB) Actual memory used (physical + swap)\n";
	if (rd(tc, &d, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_false(d.runs[0].alloc.known & ALLOC_KNOW_FREE);
	assert_non_null(strstr(d.unmapped, "free_bytes"));
	dump_free(&d);
}

static void files_are_named(void **st)
{
	(void)st;
	struct dump d;
	char err[512];
	assert_int_not_equal(dump_load("/nonexistent/x.json", DUMP_ANY, &d, err, sizeof err), 0);
	assert_string_equal(err, "cannot read /nonexistent/x.json: No such file or directory");
	assert_int_not_equal(dump_load("tests", DUMP_ANY, &d, err, sizeof err), 0);
	assert_non_null(strstr(err, "cannot read tests: "));
	/* asked for one format, given another */
	assert_int_not_equal(dump_load(FIX "run_a.json", DUMP_MATRIX, &d, err, sizeof err), 0);
	assert_non_null(strstr(err, "an mmlab-stats document, not mmlab-matrix"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(native_figures),
		cmocka_unit_test(mmlab_documents),
		cmocka_unit_test(refusals_name_what_is_wrong),
		cmocka_unit_test(optional_fields_may_be_missing),
		cmocka_unit_test(files_are_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
