/* test_model_list.c — a model is one header plus one line.
 *
 * The tmodel build ($MMLAB_TMODEL, tests/module.mk) is the normal build
 * with the test-only models of tests/models/list.h appended: nofree, whose
 * whole source is tests/models/nofree.h.  It must be listed, run every
 * workload with the same checksum as manual, and report its leaks; the
 * normal build ($MMLAB) must not know it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/support/test.h"

static const char *tmodel_path(void)
{
	const char *p = getenv("MMLAB_TMODEL");
	if (p == NULL || *p == '\0')
		fail_msg("MMLAB_TMODEL is not set: run this suite through `make test-e2e`");
	return p;
}

#define TMODEL(...) ((const char *const[]){ tmodel_path(), __VA_ARGS__, NULL })

static void listed_in_the_test_build_alone(void **state)
{
	(void)state;
	struct cmd_result t = cmd_run(TMODEL("list", "models"));
	assert_int_equal(t.status, 0);
	assert_non_null(strstr(t.out, "\n  nofree "));
	assert_non_null(strstr(t.out, "drops free nothing"));
	cmd_free(&t);

	struct cmd_result n = cmd_run(MMLAB("list", "models"));
	assert_int_equal(n.status, 0);
	assert_null(strstr(n.out, "nofree"));
	cmd_free(&n);

	struct cmd_result bad = cmd_run(MMLAB("run", "-m", "nofree"));
	assert_int_equal(bad.status, 2);
	assert_non_null(strstr(bad.err, "unknown model 'nofree'"));
	cmd_free(&bad);
}

/* The checksum line of a run's table ("checksum  0x..."): the value. */
static void checksum_of(const char *out, char *buf, size_t len)
{
	const char *p = strstr(out, "0x");
	assert_non_null(p);
	size_t n = strspn(p, "0123456789abcdefx");
	assert_true(n < len);
	memcpy(buf, p, n);
	buf[n] = '\0';
}

static void runs_every_workload_and_leaks(void **state)
{
	(void)state;
	struct cmd_result m = cmd_run(TMODEL("run", "-q", "-m", "manual", "-p", "depth=6", "--json", "-"));
	struct cmd_result z = cmd_run(TMODEL("run", "-q", "-m", "nofree", "-p", "depth=6", "--json", "-"));
	if (m.status != 0 || z.status != 0)
		fail_msg("manual: %d %s; nofree: %d %s", m.status, m.err, z.status, z.err);
	char cm[40], cz[40];
	checksum_of(strstr(m.out, "\"checksum\""), cm, sizeof cm);
	checksum_of(strstr(z.out, "\"checksum\""), cz, sizeof cz);
	assert_string_equal(cm, cz);
	/* manual frees everything; nofree leaks everything it allocated */
	assert_non_null(strstr(m.out, "\"leaked_bytes\": 0,"));
	assert_null(strstr(z.out, "\"leaked_bytes\": 0,"));
	assert_non_null(strstr(z.out, "\"model\": \"nofree\""));
	cmd_free(&m);
	cmd_free(&z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(listed_in_the_test_build_alone),
		cmocka_unit_test(runs_every_workload_and_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
