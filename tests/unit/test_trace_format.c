/* test_trace_format.c — reading traces: both formats, and every refusal.
 *
 * Valid texts load with the right ops and ids (the .rep header with 3 or 4
 * numbers, on one line or several; comments, blank lines and CRLF); each
 * malformed text is refused with "PATH:LINE: " and a sentence naming the
 * fault; what trace_write_* writes reads back as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "replay/trace.h"
#include "tests/support/test.h"

static char path[64];

static void put_n(const char *text, size_t n)
{
	snprintf(path, sizeof path, "/tmp/mmlab-trace-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
}

static void put(const char *text)
{
	put_n(text, strlen(text));
}

static void load_ok(const char *text, struct trace *t)
{
	char err[256] = "";
	put(text);
	int rc = trace_load(path, t, err, sizeof err);
	unlink(path);
	if (rc != 0)
		fail_msg("refused: %s", err);
}

/* The text (n bytes) is refused at `line` with a message holding `needle`. */
static void refused_n(const char *text, size_t n, int line, const char *needle)
{
	char err[256] = "", want[96];
	struct trace t;
	put_n(text, n);
	int rc = trace_load(path, &t, err, sizeof err);
	unlink(path);
	snprintf(want, sizeof want, "%s:%d: ", path, line);
	if (rc == 0 || strncmp(err, want, strlen(want)) != 0 || strstr(err, needle) == NULL)
		fail_msg("wanted \"%s...%s\", got rc %d \"%s\" for:\n%s", want, needle, rc, err, text);
	assert_null(t.ops);
}

static void refused(const char *text, int line, const char *needle)
{
	refused_n(text, strlen(text), line, needle);
}

static void rep_with_four_numbers(void **state)
{
	(void)state;
	struct trace t;
	load_ok("20000\n3\n8\n1\na 0 512\na 1 128\nr 0 640\na 2 128\nf 1\nr 0 768\nf 0\nf 2\n", &t);
	assert_int_equal(t.format, TRACE_REP);
	assert_int_equal(t.nids, 3);
	assert_int_equal(t.nops, 8);
	assert_int_equal(t.ops[2].kind, TRACE_REALLOC);
	assert_int_equal(t.ops[2].id, 0);
	assert_int_equal(t.ops[2].size, 640);
	assert_int_equal(t.ops[2].line, 7);
	assert_int_equal(t.ops[7].kind, TRACE_FREE);
	assert_int_equal(t.ops[7].id, 2);
	trace_free(&t);
}

static void rep_header_forms(void **state)
{
	(void)state;
	struct trace t;
	load_ok("2 2 1\na 0 1\nf 0\n", &t); /* three numbers, one line */
	assert_int_equal(t.nids, 1); /* the ids used, not the 2 declared */
	assert_int_equal(t.nops, 2);
	trace_free(&t);
	load_ok("# a comment\r\n\r\n100\r\n1 2\r\n1\r\na 0 0\r\n\r\nf 0\r\n", &t);
	assert_int_equal(t.nids, 1);
	assert_int_equal(t.ops[0].size, 0);
	assert_int_equal(t.ops[1].line, 8);
	trace_free(&t);
	/* a realloc of an id not live allocates, as realloc(NULL) does */
	load_ok("0 1 2 1\nr 0 10\nf 0\n", &t);
	assert_int_equal(t.ops[0].kind, TRACE_REALLOC);
	trace_free(&t);
	/* an id may be allocated again once freed */
	load_ok("0 1 4 1\na 0 10\nf 0\na 0 20\nf 0\n", &t);
	assert_int_equal(t.nops, 4);
	trace_free(&t);
}

static void mmlab_format(void **state)
{
	(void)state;
	struct trace t;
	load_ok("mmlab-trace 1\n# made by hand\na 5 24\nr 5 48\na 0 8\nf 5\nf 0\nend 5 6\n# done\n",
		&t);
	assert_int_equal(t.format, TRACE_MMLAB);
	assert_int_equal(t.nids, 6);
	trace_free(&t);
	/* what a replay sizes its per-id state by is the ids
	 * used, whatever count the header or end line declares */
	load_ok("0 67108864 2 1\na 5 16\nf 5\n", &t);
	assert_int_equal(t.nids, 6);
	trace_free(&t);
	load_ok("mmlab-trace 1\na 5 24\nr 5 48\na 0 8\nf 5\nf 0\nend 5 67108864\n", &t);
	assert_int_equal(t.nids, 6);
	assert_int_equal(t.nops, 5);
	assert_int_equal(t.ops[1].size, 48);
	trace_free(&t);
}

static void rep_refusals(void **state)
{
	(void)state;
	refused("", 1, "empty");
	refused("\n\n# only a comment\n", 3, "empty");
	refused("hello\n", 1, "not a trace");
	refused("20000\n3\n", 1, "bad header: 2 numbers");
	refused("20000\n3\nx\n", 3, "bad header: 2 numbers before 'x'");
	refused("1 2 3 4 5\na 0 1\n", 1, "more than 4 numbers");
	refused("20000\n-3\n8\n1\n", 2, "not a non-negative number");
	refused("20000\n3\n8z\n1\n", 3, "'8z' is not a number");
	refused("0 99999999999 2 1\na 0 1\nf 0\n", 1, "ids is out of range");
	refused("0 1 2 1\nx 0 1\nf 0\n", 2, "unknown operation 'x'");
	refused("0 1 2 1\nalloc 0 1\nf 0\n", 2, "unknown operation 'alloc'");
	refused("0 1 2 1\na 0 1\nf 3\n", 3, "id 3 out of range (the header declares 1 ids)");
	refused("0 1 2 1\na 0 1\nf 99999999999999999999\n", 3, "out of range");
	refused("0 2 2 1\na 0 1\nf 1\n", 3, "free of id 1, which is not allocated");
	refused("0 2 3 1\na 0 1\nf 0\nf 0\n", 4, "free of id 0, which is not allocated");
	refused("0 1 2 1\na 0 -5\nf 0\n", 2, "negative size -5");
	refused("0 1 2 1\na -1 5\nf 0\n", 2, "negative id -1");
	refused("0 1 2 1\na 0 5x\nf 0\n", 2, "bad size '5x'");
	refused("0 1 2 1\na zero 5\nf 0\n", 2, "bad id 'zero'");
	refused("0 1 2 1\na 0\nf 0\n", 2, "missing size");
	refused("0 1 2 1\nf\n", 2, "missing id");
	refused("0 1 2 1\na 0 5 7\nf 0\n", 2, "unexpected text after the operation");
	refused("0 1 2 1\na 0 2000000000000\nf 0\n", 2, "too large");
	refused("0 2 3 1\na 0 1\na 0 2\n", 3, "allocation of id 0, which is live (allocated at line 2)");
	refused("0 1 4 1\na 0 1\nf 0\n", 3, "truncated: the header declares 4 operations, the file holds 2");
	refused("0 1 1 1\na 0 1\nf 0\n", 3, "more operations than the header's 1");
	refused_n("0 1 2 1\na 0 1\n\0f 0\n", 16, 3, "NUL byte");
}

static void mmlab_refusals(void **state)
{
	(void)state;
	refused("mmlab-trace 2\nend 0 0\n", 1, "unsupported mmlab-trace version 2");
	refused("mmlab-trace\nend 0 0\n", 1, "bad header");
	refused("mmlab-trace 1\na 0 8\nf 0\n", 3, "truncated: no end line after 2 operations");
	refused("mmlab-trace 1\na 0 8\nf 0\nend 3 1\n", 4, "the end line counts 3 operations");
	refused("mmlab-trace 1\na 4 8\nf 4\nend 2 4\n", 4, "but id 4 is used");
	refused("mmlab-trace 1\na 0 8\nf 0\nend 2\n", 4, "bad end line");
	refused("mmlab-trace 1\na 0 8\nf 0\nend 2 1\na 0 8\n", 5, "text after the end line");
	refused("mmlab-trace 1\na 99999999 8\nend 1 1\n", 2, "out of range");
	refused("mmlab-trace 1\nf 0\nend 1 1\n", 2, "free of id 0, which is not allocated");
}

static void missing_file(void **state)
{
	(void)state;
	char err[256];
	struct trace t;
	assert_int_equal(trace_load("/nonexistent/x.rep", &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/x.rep: cannot read: "));
}

static void written_traces_read_back(void **state)
{
	(void)state;
	snprintf(path, sizeof path, "/tmp/mmlab-trace-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	trace_write_begin(f);
	trace_write_comment(f, "a test");
	trace_write_op(f, TRACE_ALLOC, 3, 100);
	trace_write_op(f, TRACE_REALLOC, 3, (uint64_t)1 << 33);
	trace_write_op(f, TRACE_FREE, 3, 0);
	trace_write_end(f, 3, 4);
	fclose(f);
	struct trace t;
	char err[256] = "";
	int rc = trace_load(path, &t, err, sizeof err);
	unlink(path);
	if (rc != 0)
		fail_msg("%s", err);
	assert_int_equal(t.nops, 3);
	assert_int_equal(t.nids, 4);
	assert_int_equal(t.ops[1].size, (uint64_t)1 << 33);
	assert_int_equal(t.ops[2].kind, TRACE_FREE);
	trace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rep_with_four_numbers),
		cmocka_unit_test(rep_header_forms),
		cmocka_unit_test(mmlab_format),
		cmocka_unit_test(rep_refusals),
		cmocka_unit_test(mmlab_refusals),
		cmocka_unit_test(missing_file),
		cmocka_unit_test(written_traces_read_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
