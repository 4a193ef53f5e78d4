/* test_trace_record.c — the recording allocator writes what was called.
 *
 * Calls through record_ops reach the wrapped allocator and come out as
 * trace lines that read back valid: ids are reused once freed, a reset
 * frees every live block line by line, fini writes the end line; options
 * it cannot use are refused with a sentence.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "replay/record.h"
#include "replay/trace.h"
#include "tests/support/test.h"

static char path[64];

/* A trace file with its first line written; the options for its fd. */
static void open_trace(char *opts, size_t len, const char *alloc)
{
	snprintf(path, sizeof path, "/tmp/mmlab-record-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(dup(fd), "w");
	assert_non_null(f);
	trace_write_begin(f);
	fclose(f);
	snprintf(opts, len, "%d:%s", fd, alloc);
}

static void read_back(struct trace *t)
{
	char err[256];
	int rc = trace_load(path, t, err, sizeof err);
	if (rc != 0)
		fail_msg("%s", err);
}

static void records_each_call(const char *alloc, bool resets)
{
	char opts[128], err[256] = "";
	open_trace(opts, sizeof opts, alloc);
	void *st;
	if (record_ops.init(&st, opts, err, sizeof err) != 0)
		fail_msg("%s", err);
	char *a = record_ops.alloc(st, 10);
	char *b = record_ops.alloc(st, 20);
	char *c = record_ops.alloc(st, 30);
	assert_non_null(a);
	memset(b, 7, 20);
	b = record_ops.realloc(st, b, 20, 4000);
	assert_int_equal(b[19], 7);
	record_ops.free(st, a, 10);
	char *d = record_ops.alloc(st, 50); /* takes id 0 again */
	struct alloc_stats s;
	record_ops.stats(st, &s);
	assert_true(s.known & ALLOC_KNOW_ALLOCATED);
	if (resets) {
		record_ops.reset(st);
	} else {
		record_ops.free(st, b, 4000);
		record_ops.free(st, c, 30);
		record_ops.free(st, d, 50);
	}
	record_ops.fini(st);

	struct trace t;
	read_back(&t);
	unlink(path);
	assert_int_equal(t.nops, 9);
	assert_int_equal(t.nids, 3);
	const char kinds[] = "aaarfafff";
	const uint32_t ids[] = { 0, 1, 2, 1, 0, 0 };
	const uint64_t sizes[] = { 10, 20, 30, 4000, 0, 50 };
	for (unsigned i = 0; i < 9; i++) {
		assert_int_equal(t.ops[i].kind, kinds[i]);
		if (i < 6) {
			assert_int_equal(t.ops[i].id, ids[i]);
			assert_int_equal(t.ops[i].size, sizes[i]);
		}
	}
	trace_free(&t);
}

static void records_segfit_with_reset(void **state)
{
	(void)state;
	records_each_call("segfit", true);
}

static void records_glibc(void **state)
{
	(void)state;
	records_each_call("glibc", false);
}

static void refuses_what_it_cannot_use(void **state)
{
	(void)state;
	const char *bad[] = { "", "x:glibc", "-1:glibc", "5", "5:nosuch", "5:bdwgc" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		void *st;
		char err[256] = "";
		assert_int_equal(record_ops.init(&st, bad[i], err, sizeof err), -1);
		assert_true(strlen(err) > 0);
	}
	/* the wrapped allocator's own refusal comes through */
	char opts[128], err[256] = "";
	open_trace(opts, sizeof opts, "freelist:policy=worst");
	void *st;
	assert_int_equal(record_ops.init(&st, opts, err, sizeof err), -1);
	assert_non_null(strstr(err, "worst"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records_segfit_with_reset),
		cmocka_unit_test(records_glibc),
		cmocka_unit_test(refuses_what_it_cannot_use),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
