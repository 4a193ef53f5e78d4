/* test_stats_read.c — the stats reader: exact values back, one clear line out.
 *
 * A record with 64-bit extremes (a checksum >= 2^63, counts near 2^64 - 1,
 * the smallest parameter) is written by the emitter and read back equal,
 * field by field and as text.  Text that is not JSON is refused with its
 * line and column; JSON that is not a stats record of this version, with
 * a sentence naming both schemas or both versions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "runtime/stats/stats_read.h"
#include "tests/support/test.h"

static void extreme_record(struct stats *s)
{
	memset(s, 0, sizeof *s);
	struct stats_config *c = &s->config;
	snprintf(c->workload, sizeof c->workload, "binary-trees");
	snprintf(c->ops_unit, sizeof c->ops_unit, "nodes");
	snprintf(c->model, sizeof c->model, "manual");
	snprintf(c->allocator, sizeof c->allocator, "glibc");
	snprintf(c->probes, sizeof c->probes, "on");
	snprintf(c->mmlab_version, sizeof c->mmlab_version, "0.1.0");
	snprintf(c->compiler, sizeof c->compiler, "gcc 12.2.0");
	snprintf(c->host, sizeof c->host, "h\xc3\xb6st");
	c->seed = UINT64_MAX;
	c->nparams = 2;
	snprintf(c->params[0].name, sizeof c->params[0].name, "depth");
	c->params[0].value = INT64_MIN;
	snprintf(c->params[1].name, sizeof c->params[1].name, "width");
	c->params[1].value = INT64_MAX;

	struct stats_results *r = &s->results;
	STATS_SET(r, checksum, 0xfedcba9876543210u); /* >= 2^63 */
	STATS_SET(r, ops, UINT64_MAX);
	STATS_SET(r, allocs, UINT64_MAX - 1);
	STATS_SET(r, alloc_bytes, (uint64_t)INT64_MAX + 1);
	STATS_SET(r, peak_rss_bytes, (uint64_t)INT64_MAX);
	STATS_SET(r, wall_s, 0.125);
	STATS_SET(r, mmu_1ms, 1e-300);
	const struct stats_dist d = { UINT64_MAX, 1.5, 0.25, 0.5, 0.75, 1, 1.25 };
	stats_put_dist(r, STATS_F_pause_count, &d);
	s->kinds[PROBE_PAUSE_FREE] = d;

	s->mmu.n = 2;
	s->mmu.window_s[0] = 0.001, s->mmu.mmu[0] = 0.5;
	s->mmu.window_s[1] = 0.01, s->mmu.mmu[1] = -1; /* undefined: null */

	s->timeline.interval_s = 0.005;
	s->timeline.samples = UINT64_MAX;
	s->timeline.n = 1;
	s->timeline.pt[0].t_s = 0;
	s->timeline.pt[0].known = 1u << PROBE_HEAP_RSS;
	s->timeline.pt[0].v[PROBE_HEAP_RSS] = UINT64_MAX;

	struct alloc_stats *a = &s->alloc;
	snprintf(a->backend, sizeof a->backend, "glibc");
	a->footprint = UINT64_MAX;
	a->known = ALLOC_KNOW_FOOTPRINT;
	alloc_stats_raw(a, "huge", UINT64_MAX - 2);
	s->has_alloc = true;
}

static char *emitted(const struct stats *s, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	assert_non_null(f);
	struct emitter e;
	emit_init_file(&e, EMIT_JSON, f);
	stats_emit(&e, s);
	assert_int_equal(emit_error(&e), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void extremes_read_back_exactly(void **state)
{
	(void)state;
	static struct stats s, back;
	extreme_record(&s);
	size_t len;
	char *text = emitted(&s, &len);
	char err[320];
	if (stats_read("x.json", text, len, &back, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_int_equal(back.results.checksum, 0xfedcba9876543210u);
	assert_int_equal(back.results.ops, UINT64_MAX);
	assert_int_equal(back.results.allocs, UINT64_MAX - 1);
	assert_int_equal(back.results.alloc_bytes, (uint64_t)INT64_MAX + 1);
	assert_int_equal(back.results.peak_rss_bytes, (uint64_t)INT64_MAX);
	assert_int_equal(back.results.pause_count, UINT64_MAX);
	assert_true(back.results.mmu_1ms == 1e-300);
	assert_int_equal(back.results.known, s.results.known);
	assert_int_equal(back.kinds[PROBE_PAUSE_FREE].count, UINT64_MAX);
	assert_int_equal(back.config.seed, UINT64_MAX);
	assert_int_equal(back.config.params[0].value, INT64_MIN);
	assert_int_equal(back.config.params[1].value, INT64_MAX);
	assert_string_equal(back.config.host, s.config.host);
	assert_int_equal(back.timeline.samples, UINT64_MAX);
	assert_int_equal(back.timeline.pt[0].v[PROBE_HEAP_RSS], UINT64_MAX);
	assert_int_equal(back.alloc.footprint, UINT64_MAX);
	assert_int_equal(back.alloc.raw[0].value, UINT64_MAX - 2);
	assert_true(back.mmu.mmu[1] < 0);
	/* and written again, the same text */
	size_t len2;
	char *again = emitted(&back, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(again, text, len);
	free(again);
	free(text);
}

/* text must be refused with a message holding every one of want[]. */
static void refused(const char *text, const char *const *want)
{
	static struct stats s;
	char err[320] = "";
	if (stats_read("bad.json", text, strlen(text), &s, err, sizeof err) == 0)
		fail_msg("accepted: %s", text);
	assert_null(strchr(err, '\n'));
	for (; *want; want++)
		if (strstr(err, *want) == NULL)
			fail_msg("\"%s\": the message \"%s\" lacks \"%s\"", text, err, *want);
}
#define REFUSED(text, ...) refused(text, (const char *const[]){ __VA_ARGS__, NULL })

#define HEAD "{\"schema\": \"mmlab-stats\", \"schema_version\": 1"

static void not_json_names_line_and_column(void **state)
{
	(void)state;
	REFUSED("", "bad.json: line 1, column 0:");
	REFUSED("hello", "bad.json: line 1, column 5:", "expected near 'hello'");
	REFUSED("42", "bad.json: line 1,", "'[' or '{' expected");
	REFUSED("{\n  \"schema\": \"mmlab-stats\",\n  \"schema_version\": 1,\n", "line 4, column 0");
	REFUSED(HEAD ", \"a\": 01}", "line 1,", "invalid token");
	REFUSED(HEAD ", \"a\": 1.}", "invalid token");
	REFUSED(HEAD ", \"a\": 1E400}", "real number overflow");
	REFUSED(HEAD ", \"a\": 18446744073709551615}", "too big integer");
	REFUSED(HEAD ", \"a\": \"\\ud800\"}", "invalid Unicode");
	REFUSED(HEAD ", \"a\": \"\xff\"}", "unable to decode byte 0xff");
	REFUSED(HEAD ", \"schema\": \"mmlab-stats\"}", "duplicate object key");
	REFUSED(HEAD "} {}", "end of file expected");
}

static void other_documents_are_named(void **state)
{
	(void)state;
	REFUSED("[1, 2]", "bad.json: not an mmlab document");
	REFUSED("{\"a\": 1}", "bad.json: not an mmlab document (no \"schema\"");
	REFUSED("{\"schema\": \"mmlab-matrix\", \"schema_version\": 1}",
		"bad.json: an mmlab-matrix document, not mmlab-stats");
	REFUSED("{\"schema\": \"mmlab-stats\", \"schema_version\": 2}",
		"bad.json: mmlab-stats schema_version 2; this mmlab reads version 1");
	REFUSED("{\"schema\": \"mmlab-stats\"}", "without an integer schema_version");
	REFUSED(HEAD "}", "bad.json: no config object");
}

static void wrong_types_name_the_key(void **state)
{
	(void)state;
	static struct stats s;
	size_t len;
	extreme_record(&s);
	char *text = emitted(&s, &len);
	struct {
		const char *from, *to, *want;
	} cases[] = {
		{ "\"ops\": \"0xffffffffffffffff\"", "\"ops\": -1", "results.ops has the wrong type" },
		{ "\"ops\": \"0xffffffffffffffff\"", "\"ops\": 1.5", "results.ops has the wrong type" },
		{ "\"ops\": \"0xffffffffffffffff\"", "\"ops\": \"0x\"", "results.ops has the wrong type" },
		{ "\"wall_s\": 0.125", "\"wall_s\": \"fast\"", "results.wall_s has the wrong type" },
		{ "\"workload\": \"binary-trees\"", "\"workload\": 7", "config.workload is not a string" },
		{ "\"depth\": -9223372036854775808", "\"depth\": 1.5",
		  "config.params.depth is not an integer" },
		{ "\"huge\": \"0xfffffffffffffffd\"", "\"huge\": true",
		  "allocator.raw.huge is not an unsigned integer" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *at = strstr(text, cases[i].from);
		if (at == NULL)
			fail_msg("the record has no %s", cases[i].from);
		char *bad = NULL;
		size_t n = (size_t)(at - text);
		assert_true(asprintf(&bad, "%.*s%s%s", (int)n, text, cases[i].to,
				     at + strlen(cases[i].from)) > 0);
		REFUSED(bad, "bad.json: ", cases[i].want);
		free(bad);
	}
	free(text);
}

static void files_are_read_or_named(void **state)
{
	(void)state;
	static struct stats s, back;
	extreme_record(&s);
	char path[] = "/tmp/mmlab-read-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t len;
	char *text = emitted(&s, &len);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	char err[320];
	if (stats_read_file(path, &back, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_int_equal(back.results.ops, UINT64_MAX);
	/* cut short: the line and column of the end */
	assert_int_equal(truncate(path, (off_t)len / 2), 0);
	assert_int_not_equal(stats_read_file(path, &back, err, sizeof err), 0);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, ", column "));
	unlink(path);
	assert_int_not_equal(stats_read_file(path, &back, err, sizeof err), 0);
	char want[128];
	snprintf(want, sizeof want, "cannot read %s: No such file or directory", path);
	assert_string_equal(err, want);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(extremes_read_back_exactly),
		cmocka_unit_test(not_json_names_line_and_column),
		cmocka_unit_test(other_documents_are_named),
		cmocka_unit_test(wrong_types_name_the_key),
		cmocka_unit_test(files_are_read_or_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
