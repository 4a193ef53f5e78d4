/* test_own_lab.c — every ownership lab misuse ends as the CLI's would.
 *
 * own-lab (examples/own_lab/, built beside $MMLAB by tests/analyze/module.mk)
 * runs one misuse per name under the own model with the CLI's panic hook:
 * each must print exactly one line "mmlab: FILE:LINE: RULE: ..." naming the
 * lab's own source and the rule, and exit with status 4.  The payload lab
 * is caught only in the sanitized build ($MMLAB_SANITIZED), by ASan.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/support/test.h"

static const char *lab_path(void)
{
	static char path[512];
	char dir[512];
	snprintf(dir, sizeof dir, "%s", mmlab_path());
	snprintf(path, sizeof path, "%s/own-lab", dirname(dir));
	return path;
}

static const struct {
	const char *name, *rule;
} misuses[] = {
	{ "cycle", "borrow outlives its parent" },
	{ "end-twice", "ended borrow" },
	{ "use-after-move", "use after move" },
	{ "use-after-drop", "use after drop" },
	{ "drop-while-borrowed", "drop while borrowed" },
	{ "shared-xor-mutable", "shared XOR mutable" },
	{ "forged-owner", "forged handle" },
	{ "leak", "leak at exit" },
};

static void each_misuse_is_one_line_and_status_4(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof misuses / sizeof misuses[0]; i++) {
		const char *argv[] = { lab_path(), misuses[i].name, NULL };
		struct cmd_result r = cmd_run(argv);
		char want[128];
		snprintf(want, sizeof want, ": %s: ", misuses[i].rule);
		if (r.status != 4 || count_lines(r.err) != 1 ||
		    strncmp(r.err, "mmlab: examples/own_lab/own_lab.c:", 34) != 0 ||
		    strstr(r.err, want) == NULL)
			fail_msg("own-lab %s: status %d, stderr \"%s\"", misuses[i].name, r.status, r.err);
		cmd_free(&r);
	}
}

static void a_payload_pointer_after_its_borrow(void **state)
{
	(void)state;
	if (getenv("MMLAB_SANITIZED") == NULL)
		skip();
	const char *argv[] = { lab_path(), "payload", NULL };
	struct cmd_result r = cmd_run(argv);
	if (r.status == 0 || strstr(r.err, "use-after-poison") == NULL ||
	    strstr(r.err, "payload outside its borrow") == NULL ||
	    strstr(r.err, "own_lab.c:") == NULL)
		fail_msg("own-lab payload: status %d, stderr \"%s\"", r.status, r.err);
	cmd_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_misuse_is_one_line_and_status_4),
		cmocka_unit_test(a_payload_pointer_after_its_borrow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
