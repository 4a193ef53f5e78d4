/* test_emit_primitives.c — each emitter primitive, in the table and in JSON.
 *
 * Every primitive is written inside a small document in both formats and
 * compared byte for byte; every JSON text must parse with jansson.  A
 * misuse (bad nesting, a member where it cannot go) must reach the panic
 * hook, here cmocka's mock_assert; a failed write must stop the writing
 * and be reported by emit_error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "runtime/stats/emit.h"
#include "tests/support/test.h"

/* The emitter writes here. */
static struct {
	char text[4096];
	size_t n;
	size_t calls;
	int fail_after; /* calls before ENOSPC; negative: never */
} sink;

static int to_sink(void *st, const char *text, size_t n)
{
	(void)st;
	if (sink.fail_after >= 0 && sink.calls >= (size_t)sink.fail_after)
		return ENOSPC;
	sink.calls++;
	assert_true(sink.n + n < sizeof sink.text);
	memcpy(sink.text + sink.n, text, n);
	sink.n += n;
	sink.text[sink.n] = '\0';
	return 0;
}

static void hook(void *st, const char *file, int line, const char *msg)
{
	(void)st;
	mock_assert(0, msg, file, line);
}

static struct emitter *fresh(enum emit_format fmt)
{
	static struct emitter e;
	memset(&sink, 0, sizeof sink);
	sink.fail_after = -1;
	emit_init(&e, fmt, to_sink, NULL);
	emit_on_panic(&e, hook, NULL);
	return &e;
}

/* A document holding what body writes, in format fmt, must be want. */
static void expect(enum emit_format fmt, void (*body)(struct emitter *), const char *want)
{
	struct emitter *e = fresh(fmt);
	emit_begin(e);
	body(e);
	emit_end(e);
	assert_int_equal(emit_error(e), 0);
	assert_string_equal(sink.text, want);
	if (fmt == EMIT_JSON)
		json_decref(need_json(sink.text, sink.n));
}

static void body_kv(struct emitter *e)
{
	emit_kv(e, "n", "count", EMIT_U64(EMIT_COUNT, 42));
	emit_kv(e, "b", "bytes", EMIT_U64(EMIT_BYTES, 3u << 20));
	emit_kv(e, "s", "time", EMIT_F64(EMIT_SECONDS, 0.0025));
	emit_kv(e, "r", "rate", EMIT_F64(EMIT_RATE, 1.5e6));
	emit_kv(e, "h", "sum", EMIT_U64(EMIT_HEX, 0xfedcba9876543210u));
	emit_kv(e, "q", "ratio", EMIT_F64(EMIT_RATIO, 0.25));
	emit_kv(e, "t", "text", EMIT_STR("a\"b"));
	emit_kv(e, "i", "int", EMIT_I64(-7));
	emit_kv(e, "br", "byte rate", EMIT_F64(EMIT_BYTE_RATE, 2048));
	emit_kv(e, "nm", "name", EMIT_NAME_OF("key", "Label"));
	emit_kv(e, "x", "unknown", EMIT_NONE(EMIT_BYTES));
}

static void kv_in_both_formats(void **state)
{
	(void)state;
	expect(EMIT_JSON, body_kv,
	       "{\n"
	       "  \"n\": 42,\n"
	       "  \"b\": 3145728,\n"
	       "  \"s\": 0.0025,\n"
	       "  \"r\": 1500000,\n"
	       "  \"h\": \"0xfedcba9876543210\",\n"
	       "  \"q\": 0.25,\n"
	       "  \"t\": \"a\\\"b\",\n"
	       "  \"i\": -7,\n"
	       "  \"br\": 2048,\n"
	       "  \"nm\": \"key\",\n"
	       "  \"x\": null\n"
	       "}\n");
	expect(EMIT_TABLE, body_kv,
	       "count                    42\n"
	       "bytes                    3.0 MiB\n"
	       "time                     2.500 ms\n"
	       "rate                     1.50 M/s\n"
	       "sum                      0xfedcba9876543210\n"
	       "ratio                    0.2500\n"
	       "text                     a\"b\n"
	       "int                      -7\n"
	       "byte rate                2.0 KiB/s\n"
	       "name                     Label\n"
	       "unknown                  -\n");
}

static void body_object(struct emitter *e)
{
	emit_object_begin(e, "o", "outer");
	emit_kv(e, "a", "a", EMIT_U64(EMIT_COUNT, 1));
	emit_object_begin(e, "in", "inner");
	emit_kv(e, "b", "b", EMIT_U64(EMIT_COUNT, 2));
	emit_object_end(e);
	emit_object_begin(e, "empty", "empty");
	emit_object_end(e);
	emit_object_end(e);
}

static void objects_nest(void **state)
{
	(void)state;
	expect(EMIT_JSON, body_object,
	       "{\n"
	       "  \"o\": {\n"
	       "    \"a\": 1,\n"
	       "    \"in\": {\n"
	       "      \"b\": 2\n"
	       "    },\n"
	       "    \"empty\": {}\n"
	       "  }\n"
	       "}\n");
	expect(EMIT_TABLE, body_object,
	       "outer\n"
	       "  a                      1\n"
	       "  inner\n"
	       "    b                    2\n"
	       "  empty\n");
}

static void body_list(struct emitter *e)
{
	emit_list_begin(e, "runs", "runs");
	for (unsigned i = 0; i < 2; i++) {
		emit_object_begin(e, NULL, NULL);
		emit_kv(e, "i", "i", EMIT_U64(EMIT_COUNT, i));
		emit_object_end(e);
	}
	emit_list_end(e);
	emit_list_begin(e, "none", NULL);
	emit_list_end(e);
}

static void lists_hold_objects(void **state)
{
	(void)state;
	expect(EMIT_JSON, body_list,
	       "{\n"
	       "  \"runs\": [\n"
	       "    {\n"
	       "      \"i\": 0\n"
	       "    },\n"
	       "    {\n"
	       "      \"i\": 1\n"
	       "    }\n"
	       "  ],\n"
	       "  \"none\": []\n"
	       "}\n");
	expect(EMIT_TABLE, body_list,
	       "runs\n"
	       "  i                      0\n"
	       "  i                      1\n");
}

static void body_array(struct emitter *e)
{
	emit_array_begin(e, "xs", "values");
	emit_array_value(e, EMIT_U64(EMIT_COUNT, 1));
	emit_array_value(e, EMIT_NONE(EMIT_COUNT));
	emit_array_value(e, EMIT_F64(EMIT_SECONDS, 2));
	emit_array_end(e);
	emit_array_begin(e, "empty", "empty");
	emit_array_end(e);
}

static void arrays_are_one_line(void **state)
{
	(void)state;
	expect(EMIT_JSON, body_array,
	       "{\n"
	       "  \"xs\": [ 1, null, 2 ],\n"
	       "  \"empty\": [ ]\n"
	       "}\n");
	expect(EMIT_TABLE, body_array,
	       "values                   1 - 2.000 s\n"
	       "empty                   \n");
}

static const struct emit_column cols[] = { { "name", "name", -6 }, { "n", "count", 6 } };

static void body_table(struct emitter *e)
{
	emit_table_begin(e, "rows", cols, 2);
	emit_table_row(e, (struct emit_value[]){ EMIT_STR("a"), EMIT_U64(EMIT_COUNT, 1) });
	emit_table_row(e, (struct emit_value[]){ EMIT_STR("bb"), EMIT_NONE(EMIT_COUNT) });
	emit_table_end(e);
	emit_break(e);
	emit_table_begin(e, "no_rows", cols, 2);
	emit_table_end(e);
}

static void tables_have_a_header_with_their_first_row(void **state)
{
	(void)state;
	expect(EMIT_JSON, body_table,
	       "{\n"
	       "  \"rows\": [\n"
	       "    { \"name\": \"a\", \"n\": 1 },\n"
	       "    { \"name\": \"bb\", \"n\": null }\n"
	       "  ],\n"
	       "  \"no_rows\": []\n"
	       "}\n");
	expect(EMIT_TABLE, body_table,
	       "name     count\n"
	       "a            1\n"
	       "bb           -\n"
	       "\n");
}

static void body_series(struct emitter *e)
{
	emit_series_begin(e, "curve", "curve", cols, 2);
	emit_series_row(e, (struct emit_value[]){ EMIT_STR("a"), EMIT_U64(EMIT_COUNT, 1) });
	emit_series_row(e, (struct emit_value[]){ EMIT_STR("b"), EMIT_U64(EMIT_COUNT, 2) });
	emit_series_end(e);
}

static void series_are_columns_and_rows(void **state)
{
	(void)state;
	expect(EMIT_JSON, body_series,
	       "{\n"
	       "  \"curve\": {\n"
	       "    \"columns\": [ \"name\", \"n\" ],\n"
	       "    \"rows\": [\n"
	       "      [ \"a\", 1 ],\n"
	       "      [ \"b\", 2 ]\n"
	       "    ]\n"
	       "  }\n"
	       "}\n");
	expect(EMIT_TABLE, body_series, "curve                    2 points\n");
}

static void body_schema(struct emitter *e)
{
	emit_schema(e, "mmlab-test", 3);
}

static void schema_is_json_only(void **state)
{
	(void)state;
	expect(EMIT_JSON, body_schema,
	       "{\n"
	       "  \"schema\": \"mmlab-test\",\n"
	       "  \"schema_version\": 3\n"
	       "}\n");
	expect(EMIT_TABLE, body_schema, "");
}

static void body_exact(struct emitter *e)
{
	emit_kv(e, "big", "big", EMIT_U64(EMIT_COUNT, UINT64_MAX));
	emit_kv(e, "edge", "edge", EMIT_U64(EMIT_BYTES, (uint64_t)INT64_MAX));
	emit_kv(e, "over", "over", EMIT_U64(EMIT_BYTES, (uint64_t)INT64_MAX + 1));
	emit_kv(e, "low", "low", EMIT_I64(INT64_MIN));
}

/* jansson holds integers in 64 signed bits: above them, a hex string */
static void integers_stay_exact(void **state)
{
	(void)state;
	expect(EMIT_JSON, body_exact,
	       "{\n"
	       "  \"big\": \"0xffffffffffffffff\",\n"
	       "  \"edge\": 9223372036854775807,\n"
	       "  \"over\": \"0x8000000000000000\",\n"
	       "  \"low\": -9223372036854775808\n"
	       "}\n");
}

static void body_utf8(struct emitter *e)
{
	emit_kv(e, "ok", "ok", EMIT_STR("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
	emit_kv(e, "bad", "bad", EMIT_STR("a\xff" "b\xc3(\xed\xa0\x80z\x01"));
}

/* what is not UTF-8 becomes U+FFFD, so the document stays JSON */
static void strings_are_valid_utf8(void **state)
{
	(void)state;
	expect(EMIT_JSON, body_utf8,
	       "{\n"
	       "  \"ok\": \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\",\n"
	       "  \"bad\": \"a\\ufffdb\\ufffd(\\ufffd\\ufffd\\ufffdz\\u0001\"\n"
	       "}\n");
}

/* The call must reach the panic hook with a sentence holding `what`. */
#define EXPECT_MISUSE(call, what)                                              \
	do {                                                                   \
		expect_assert_failure(call);                                   \
		assert_non_null(strstr(global_last_failed_assert, what));      \
	} while (0)

static void misuse_panics(void **state)
{
	(void)state;
	for (int fmt = EMIT_TABLE; fmt <= EMIT_JSON; fmt++) {
		struct emitter *e = fresh((enum emit_format)fmt);
		EXPECT_MISUSE(emit_kv(e, "k", "k", EMIT_U64(EMIT_COUNT, 1)), "outside a document");
		emit_begin(e);
		EXPECT_MISUSE(emit_begin(e), "emit_begin inside");
		EXPECT_MISUSE(emit_object_end(e), "closes the document");
		EXPECT_MISUSE(emit_object_begin(e, NULL, NULL), "without a key inside the document");
		EXPECT_MISUSE(emit_array_value(e, EMIT_U64(EMIT_COUNT, 1)), "emit_array_value");
		EXPECT_MISUSE(emit_table_row(e, NULL), "emit_table_row");
		emit_list_begin(e, "l", NULL);
		EXPECT_MISUSE(emit_kv(e, "k", "k", EMIT_U64(EMIT_COUNT, 1)), "inside a list \"l\"");
		EXPECT_MISUSE(emit_object_end(e), "closes a list");
		EXPECT_MISUSE(emit_end(e), "still open");
		emit_list_end(e);
		emit_array_begin(e, "a", "a");
		EXPECT_MISUSE(emit_object_begin(e, "o", "o"), "inside an array");
		EXPECT_MISUSE(emit_list_end(e), "closes an array");
		emit_array_end(e);
		emit_end(e);
		EXPECT_MISUSE(emit_end(e), "nothing open");
	}
}

/* Deeper than EMIT_DEPTH_MAX is refused, not clamped into broken JSON. */
static void nesting_too_deep_panics(void **state)
{
	(void)state;
	for (int fmt = EMIT_TABLE; fmt <= EMIT_JSON; fmt++) {
		struct emitter *e = fresh((enum emit_format)fmt);
		emit_begin(e);
		for (int i = 1; i < EMIT_DEPTH_MAX; i++)
			emit_object_begin(e, "o", "o");
		EXPECT_MISUSE(emit_object_begin(e, "deep", "deep"), "deeper than EMIT_DEPTH_MAX");
		for (int i = 1; i < EMIT_DEPTH_MAX; i++)
			emit_object_end(e);
		emit_end(e);
		if (fmt == EMIT_JSON)
			json_decref(need_json(sink.text, sink.n));
	}
}

/* The first failed write is kept; nothing is written after it. */
static void a_failed_write_is_kept(void **state)
{
	(void)state;
	struct emitter *e = fresh(EMIT_JSON);
	sink.fail_after = 3;
	emit_begin(e);
	body_kv(e);
	emit_end(e);
	assert_int_equal(emit_error(e), ENOSPC);
	assert_int_equal(sink.calls, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kv_in_both_formats),
		cmocka_unit_test(objects_nest),
		cmocka_unit_test(lists_hold_objects),
		cmocka_unit_test(arrays_are_one_line),
		cmocka_unit_test(tables_have_a_header_with_their_first_row),
		cmocka_unit_test(series_are_columns_and_rows),
		cmocka_unit_test(schema_is_json_only),
		cmocka_unit_test(integers_stay_exact),
		cmocka_unit_test(strings_are_valid_utf8),
		cmocka_unit_test(misuse_panics),
		cmocka_unit_test(nesting_too_deep_panics),
		cmocka_unit_test(a_failed_write_is_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
