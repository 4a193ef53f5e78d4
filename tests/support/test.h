/* test.h — what every cmocka suite includes: cmocka itself, in the order
 * its header needs, and the helpers in tests/support/. */
#ifndef TEST_H
#define TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>

#include <stdbool.h>
#include <string.h>

/* The result of running a command: exit status (or 128 + signal) and
 * everything it wrote, NUL-terminated. */
struct cmd_result {
	int status;
	char *out;
	char *err;
};

/* Run argv (argv[0] looked up in PATH unless it has a '/') with stdin
 * from /dev/null; free the result with cmd_free. */
struct cmd_result cmd_run(const char *const argv[]);
void cmd_free(struct cmd_result *r);

/* The mmlab binary under test: $MMLAB, or build/obj/mmlab. */
const char *mmlab_path(void);

/* Count the lines of a text (a final line without '\n' counts). */
int count_lines(const char *text);

/* An argv for the mmlab under test: MMLAB("run", "-q"). */
#define MMLAB(...) ((const char *const[]){ mmlab_path(), __VA_ARGS__, NULL })

/* JSON in a test (json_check.c), with jansson: the n bytes of text parsed
 * (json_decref it), a member of an object, and a member as a string, an
 * unsigned integer (a "0x..." string too) or a number; each fails the
 * test with a sentence instead. */
json_t *need_json(const char *text, size_t n);
json_t *need(const json_t *obj, const char *key);
const char *need_str(const json_t *obj, const char *key);
uint64_t need_u64(const json_t *obj, const char *key);
double need_num(const json_t *obj, const char *key);

#endif
