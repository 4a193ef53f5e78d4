/* test_emit_golden.c — one fixed stats record, both formats, byte for byte.
 *
 * Compared with tests/golden/stats.table and stats.json; the JSON read back
 * with stats_read (jansson) must emit the same text again.  After a deliberate
 * format change, MMLAB_GOLDEN_UPDATE=1 rewrites the files: review the diff. */
#include <stdio.h>
#include <stdlib.h>

#include "runtime/stats/stats_read.h"
#include "tests/support/test.h"

static void fixed_record(struct stats *s)
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
	snprintf(c->host, sizeof c->host, "golden Linux 6.1.0 x86_64");
	c->seed = 1;
	c->nparams = 1;
	snprintf(c->params[0].name, sizeof c->params[0].name, "depth");
	c->params[0].value = 16;

	struct stats_results *r = &s->results;
	STATS_SET(r, checksum, 0x6bda4caa8781b7f8u);
	STATS_SET(r, ops, 14985902);
	STATS_SET(r, wall_s, 0.5);
	STATS_SET(r, cpu_s, 0.4990625);
	STATS_SET(r, allocs, 14985902);
	STATS_SET(r, alloc_bytes, 359661648);
	const struct stats_dist pauses = { 87378, 0.125, 4.76e-07, 2.011e-06, 3.4175e-05,
					   0.000143871, 0.0061640625 };
	stats_put_dist(r, STATS_F_pause_count, &pauses);
	STATS_SET(r, mmu_1ms, 0);
	STATS_SET(r, mmu_10ms, 0.375);
	STATS_SET(r, mmu_100ms, 0.6015625);
	const struct stats_dist steps = { 87377, 0.4990234375, 1.107e-06, 4.719e-06, 7.9103e-05,
					  0.000334847, 0.017456 };
	stats_put_dist(r, STATS_F_step_count, &steps);
	STATS_SET(r, peak_rss_bytes, 10014720);
	STATS_SET(r, peak_live_bytes, 6291480);
	STATS_SET(r, sampled_peak_allocated_bytes, 8388608);
	STATS_SET(r, sampled_peak_footprint_bytes, 8650752);
	STATS_SET(r, sampled_peak_resident_bytes, 10145792);
	STATS_SET(r, leaked_bytes, 0);
	STATS_SET(r, leaked_objects, 0);
	STATS_SET(r, probe_bytes, 575488);
	stats_fragmentation(r, true, true, 6291480, 8388608, 8650752);
	stats_derive(r);

	s->kinds[PROBE_PAUSE_FREE] = pauses;
	/* a few buckets and the two longest pauses (bucket 22: 4.2 to 8.4 ms) */
	s->pause_hist[8] = 40000;
	s->pause_hist[10] = 47376;
	s->pause_hist[22] = 2;
	s->nmarks = 2;
	s->marks[0] = (struct stats_mark){ 0.25, 0.0061640625, PROBE_PAUSE_FREE };
	s->marks[1] = (struct stats_mark){ 0.125, 0.00390625, PROBE_PAUSE_GC };
	s->kinds[PROBE_PAUSE_GC] = (struct stats_dist){ 2, 0.0078125, 0.00390625, 0.00390625,
							0.00390625, 0.00390625, 0.00390625 };

	const double w[] = { 1e-05, 0.001, 0.01, 0.1, 0.5 }, u[] = { 0, 0, 0.375, 0.6015625, 0.75 };
	s->mmu.n = 5;
	for (unsigned i = 0; i < 5; i++)
		s->mmu.window_s[i] = w[i], s->mmu.mmu[i] = u[i];

	s->timeline.interval_s = 0.005;
	s->timeline.samples = 3;
	s->timeline.n = 3;
	for (unsigned i = 0; i < 3; i++) {
		struct stats_point *p = &s->timeline.pt[i];
		p->t_s = 0.005 * i * i;
		p->known = 1u << PROBE_HEAP_LIVE | 1u << PROBE_HEAP_RSS;
		p->v[PROBE_HEAP_LIVE] = 1000000 * i;
		p->v[PROBE_HEAP_RSS] = 2000000 + 1000000 * i;
		if (i != 1) {
			p->known |= 1u << PROBE_HEAP_ALLOCATED | 1u << PROBE_HEAP_FOOTPRINT;
			p->v[PROBE_HEAP_ALLOCATED] = 1200000 * i;
			p->v[PROBE_HEAP_FOOTPRINT] = 4194304;
		}
	}

	struct alloc_stats *a = &s->alloc;
	snprintf(a->backend, sizeof a->backend, "glibc");
	a->allocated = 2704;
	a->footprint = 2162688;
	a->free_bytes = 2159984;
	a->known = ALLOC_KNOW_ALLOCATED | ALLOC_KNOW_FOOTPRINT | ALLOC_KNOW_FREE;
	alloc_stats_raw(a, "arena", 2162688);
	alloc_stats_raw(a, "uordblks", 2704);
	s->has_alloc = true;
}

static char *emitted(enum emit_format fmt, const struct stats *s, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	assert_non_null(f);
	struct emitter e;
	emit_init_file(&e, fmt, f);
	stats_emit(&e, s);
	fclose(f);
	return text;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot read %s (run the tests from the top of the tree)", path);
	static char buf[1 << 16];
	*len = fread(buf, 1, sizeof buf - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void against_golden(const char *path, const char *text, size_t len)
{
	if (getenv("MMLAB_GOLDEN_UPDATE")) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fwrite(text, 1, len, f);
		fclose(f);
	}
	size_t glen;
	const char *golden = slurp(path, &glen);
	if (glen != len || memcmp(golden, text, len) != 0) {
		size_t i = 0;
		while (i < len && i < glen && golden[i] == text[i])
			i++;
		fail_msg("%s differs at byte %zu: got \"%.40s\", want \"%.40s\"", path, i,
			 text + i, golden + i);
	}
}

static void table_matches_golden(void **state)
{
	(void)state;
	static struct stats s;
	fixed_record(&s);
	size_t len;
	char *text = emitted(EMIT_TABLE, &s, &len);
	against_golden("tests/golden/stats.table", text, len);
	free(text);
}

static void json_matches_golden_and_reads_back(void **state)
{
	(void)state;
	static struct stats s, back;
	fixed_record(&s);
	size_t len;
	char *text = emitted(EMIT_JSON, &s, &len);
	against_golden("tests/golden/stats.json", text, len);

	char err[320];
	if (stats_read("stats.json", text, len, &back, err, sizeof err) != 0)
		fail_msg("%s", err);
	size_t len2;
	char *again = emitted(EMIT_JSON, &back, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(again, text, len);
	free(again);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_matches_golden),
		cmocka_unit_test(json_matches_golden_and_reads_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
