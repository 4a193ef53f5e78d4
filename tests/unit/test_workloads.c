/* test_workloads.c — the workloads beside binary-trees (lru-cache, web-requests,
 * cyclic-graph), in-process through the session API.
 *
 * Checks: each workload's checksum is the same under every model and on
 * every teaching allocator at small sizes; the default parameters pass the
 * reference check each run makes (and another seed gives another
 * checksum); rc counts really rise above 1 where values are shared;
 * counted edges leak under rc and the cycle collector reclaims them, with
 * pauses of their own kind; counted edges are refused where a model has
 * one owner per object; a heap limit ends every model's run with
 * SESSION_LIMIT, never a crash; model options are parsed and refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/session/session.h"
#include "tests/support/test.h"
#include "workloads/workload.h"

/* The small sizes the checks run at (parameters not named keep defaults). */
struct wl_case {
	const char *name;
	const char *small[3]; /* "key=value" */
};

static const struct wl_case cases[] = {
	{ "lru-cache", { "capacity=64", "ops=3000", "max_size=300" } },
	{ "web-requests", { "requests=300", "sessions=40", "doc=24" } },
	{ "cyclic-graph", { "nodes=128", "steps=800", "rate=2" } },
};

struct run {
	enum mm_model model;
	const struct alloc_ops *alloc;
	const char *model_options;
	uint64_t heap_limit;
	uint64_t seed;
	const char *extra; /* one more "key=value", or NULL */
	bool defaults;     /* ignore the case's small sizes */
};

static void set_param(const struct wl_impl *w, int64_t *params, const char *kv)
{
	const char *eq = strchr(kv, '=');
	assert_non_null(eq);
	char key[32];
	snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
	const struct wl_param *p = wl_param_find(w, key);
	assert_non_null(p);
	params[p - w->params] = strtoll(eq + 1, NULL, 10);
}

static enum session_status run_wl(const struct wl_case *k, const struct run *r, struct stats *st,
				  char *err, size_t errlen)
{
	const struct wl_desc *d = wl_find(k->name);
	assert_non_null(d);
	const struct wl_impl *w = d->impl[r->model];
	int64_t params[16];
	for (unsigned i = 0; i < w->nparams; i++)
		params[i] = w->params[i].def;
	for (unsigned i = 0; !r->defaults && i < 3 && k->small[i] != NULL; i++)
		set_param(w, params, k->small[i]);
	if (r->extra != NULL)
		set_param(w, params, r->extra);
	struct mm_job job = { .params = params, .seed = r->seed ? r->seed : 1 };
	struct session s = {
		.model = r->model,
		.alloc = mm_model_get(r->model)->takes_allocator ? r->alloc : NULL,
		.entry = w->entry,
		.job = &job,
		.probes = true,
		.model_options = r->model_options,
		.heap_limit = r->heap_limit,
	};
	*err = '\0';
	return session_run(&s, st, err, errlen);
}

static struct stats *run_ok(const struct wl_case *k, const struct run *r)
{
	static struct stats st;
	char err[256];
	enum session_status status = run_wl(k, r, &st, err, sizeof err);
	if (status != SESSION_OK)
		fail_msg("%s under %s: %s", k->name, mm_model_name(r->model), err);
	return &st;
}

static void same_checksum_every_model(void **state)
{
	(void)state;
	for (unsigned i = 0; i < WL_COUNT(cases); i++) {
		uint64_t base = run_ok(&cases[i], &(struct run){ .model = MM_MODEL_manual })
					->results.checksum;
		for (unsigned m = 1; m < MM_MODEL_COUNT; m++) {
			struct stats *st = run_ok(&cases[i], &(struct run){ .model = m });
			if (st->results.checksum != base)
				fail_msg("%s: %s gave %#llx, manual %#llx", cases[i].name,
					 mm_model_name(m), (unsigned long long)st->results.checksum,
					 (unsigned long long)base);
		}
	}
}

static void same_checksum_every_allocator(void **state)
{
	(void)state;
	static const char *const allocs[] = { "segfits", "buddy", "freelist", "simpleseg", "bump" };
	static const enum mm_model models[] = { MM_MODEL_manual, MM_MODEL_rc, MM_MODEL_own };
	for (unsigned i = 0; i < WL_COUNT(cases); i++) {
		uint64_t base = run_ok(&cases[i], &(struct run){ .model = MM_MODEL_manual })
					->results.checksum;
		for (unsigned a = 0; a < WL_COUNT(allocs); a++) {
			const struct alloc_entry *e = alloc_find(allocs[a]);
			assert_non_null(e);
			for (unsigned m = 0; m < WL_COUNT(models); m++) {
				struct stats *st = run_ok(
					&cases[i], &(struct run){ .model = models[m], .alloc = e->ops });
				if (st->results.checksum != base)
					fail_msg("%s on %s under %s: %#llx, not %#llx", cases[i].name,
						 allocs[a], mm_model_name(models[m]),
						 (unsigned long long)st->results.checksum,
						 (unsigned long long)base);
			}
		}
	}
}

/* The run checks its reference itself (a mismatch is SESSION_WRONG); a
 * different seed must give a different checksum, and no reference check. */
static void reference_at_defaults(void **state)
{
	(void)state;
	for (unsigned i = 0; i < WL_COUNT(cases); i++) {
		uint64_t one = run_ok(&cases[i], &(struct run){ .model = MM_MODEL_own,
								  .defaults = true })
				       ->results.checksum;
		uint64_t two = run_ok(&cases[i], &(struct run){ .model = MM_MODEL_manual,
								  .defaults = true, .seed = 2 })
				       ->results.checksum;
		assert_int_not_equal(one, two);
	}
}

/* rc counts rise above 1: mm_share adds a counted holder (ctx.shares). */
static void rc_counts_rise(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 2; i++) { /* lru-cache and web-requests share */
		for (unsigned m = 0; m < 2; m++) {
			enum mm_model model = m ? MM_MODEL_rc : MM_MODEL_manual;
			const struct wl_impl *w = wl_find(cases[i].name)->impl[model];
			int64_t params[16];
			for (unsigned p = 0; p < w->nparams; p++)
				params[p] = w->params[p].def;
			for (unsigned p = 0; p < 3; p++)
				set_param(w, params, cases[i].small[p]);
			struct mm_job job = { .params = params, .seed = 1 };
			struct mm_ctx c;
			char err[128];
			assert_int_equal(mm_ctx_init(&c, mm_model_get(model), NULL, NULL, err,
						     sizeof err),
					 0);
			assert_int_equal(w->entry(&c, &job), MM_JOB_OK);
			if (m)
				assert_true(c.shares > 0);
			else
				assert_int_equal(c.shares, 0);
			assert_int_equal(c.live_bytes, 0);
			mm_ctx_fini(&c);
		}
	}
}

static void rc_cycles_leak_and_collect(void **state)
{
	(void)state;
	const struct wl_case *g = &cases[2];
	/* the leak is on segfits, whose fini takes it back (the sanitizer
	 * build would report glibc's) */
	const struct alloc_entry *seg = alloc_find("segfits");
	assert_non_null(seg);
	struct stats *st = run_ok(g, &(struct run){ .model = MM_MODEL_rc, .extra = "counted=1",
						     .alloc = seg->ops });
	uint64_t sum = st->results.checksum;
	assert_true(st->results.leaked_bytes > 0);
	assert_int_equal(st->kinds[PROBE_PAUSE_CYCLE].count, 0);

	st = run_ok(g, &(struct run){ .model = MM_MODEL_rc, .extra = "counted=1",
				      .model_options = "cycles=1,cycle_buffer=64" });
	assert_int_equal(st->results.leaked_bytes, 0);
	assert_int_equal(st->results.checksum, sum);
	assert_true(st->kinds[PROBE_PAUSE_CYCLE].count > 1);

	/* gc runs counted edges too, with the same checksum */
	st = run_ok(g, &(struct run){ .model = MM_MODEL_gc, .extra = "counted=1" });
	assert_int_equal(st->results.checksum, sum);

	/* the collector on workloads without cycles: nothing leaks, same sums */
	for (unsigned i = 0; i < WL_COUNT(cases); i++) {
		uint64_t base =
			run_ok(&cases[i], &(struct run){ .model = MM_MODEL_rc })->results.checksum;
		st = run_ok(&cases[i], &(struct run){ .model = MM_MODEL_rc,
						      .model_options = "cycles=1,cycle_buffer=16" });
		assert_int_equal(st->results.checksum, base);
		assert_int_equal(st->results.leaked_bytes, 0);
	}
}

static void counted_refused_with_one_owner(void **state)
{
	(void)state;
	static const enum mm_model one_owner[] = { MM_MODEL_manual, MM_MODEL_own,
						   MM_MODEL_own_unchecked };
	for (unsigned m = 0; m < WL_COUNT(one_owner); m++) {
		struct stats st;
		char err[256];
		enum session_status s = run_wl(
			&cases[2], &(struct run){ .model = one_owner[m], .extra = "counted=1" }, &st,
			err, sizeof err);
		assert_int_equal(s, SESSION_CONFIG);
		assert_non_null(strstr(err, "counted=1"));
	}
}

/* On a teaching allocator, whose fini releases every block: a run unwound
 * at the limit leaves objects behind, which glibc would keep (a leak the
 * sanitizer build reports; the CLI's child process just exits). */
static void heap_limit_every_model(void **state)
{
	(void)state;
	const struct alloc_entry *seg = alloc_find("segfits");
	assert_non_null(seg);
	for (unsigned i = 0; i < WL_COUNT(cases); i++) {
		for (unsigned m = 0; m < MM_MODEL_COUNT; m++) {
			struct stats st;
			char err[256];
			/* each needs far more than 1 MiB live at these sizes */
			const char *big = i == 0 ? "capacity=200000" : i == 1 ? "doc=100000"
									     : "nodes=400000";
			struct run r = { .model = m, .heap_limit = 1 << 20, .extra = big,
					 .defaults = true, .alloc = seg->ops };
			enum session_status s = run_wl(&cases[i], &r, &st, err, sizeof err);
			if (s != SESSION_LIMIT)
				fail_msg("%s under %s: status %d (%s)", cases[i].name,
					 mm_model_name(m), s, err);
			assert_non_null(strstr(err, "heap limit reached"));
		}
	}
	/* a limit with room to spare changes nothing */
	uint64_t base = run_ok(&cases[0], &(struct run){ .model = MM_MODEL_manual })
				->results.checksum;
	struct stats *st = run_ok(&cases[0], &(struct run){ .model = MM_MODEL_manual,
							     .heap_limit = 256 << 20 });
	assert_int_equal(st->results.checksum, base);
}

static void model_options_parsed(void **state)
{
	(void)state;
	static const struct {
		enum mm_model model;
		const char *opts;
	} bad[] = {
		{ MM_MODEL_rc, "cycles=2" },   { MM_MODEL_rc, "cycle_buffer=0" },
		{ MM_MODEL_rc, "nosuch=1" },   { MM_MODEL_rc, "cycles=1,cycles=1" },
		{ MM_MODEL_gc, "markers=0" },  { MM_MODEL_gc, "divisor=x" },
		{ MM_MODEL_manual, "a=1" },    { MM_MODEL_own, "cycles=1" },
	};
	for (unsigned i = 0; i < WL_COUNT(bad); i++) {
		struct stats st;
		char err[256];
		enum session_status s = run_wl(
			&cases[2], &(struct run){ .model = bad[i].model, .model_options = bad[i].opts },
			&st, err, sizeof err);
		if (s != SESSION_CONFIG)
			fail_msg("-m %s:%s was accepted", mm_model_name(bad[i].model), bad[i].opts);
	}
	run_ok(&cases[2], &(struct run){ .model = MM_MODEL_gc,
					 .model_options = "divisor=2,full_freq=4" });
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_checksum_every_model),
		cmocka_unit_test(same_checksum_every_allocator),
		cmocka_unit_test(reference_at_defaults),
		cmocka_unit_test(rc_counts_rise),
		cmocka_unit_test(rc_cycles_leak_and_collect),
		cmocka_unit_test(counted_refused_with_one_owner),
		cmocka_unit_test(heap_limit_every_model),
		cmocka_unit_test(model_options_parsed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
