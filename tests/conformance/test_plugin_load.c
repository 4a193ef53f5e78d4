/* test_plugin_load.c — how `-a plugin:PATH.so` refuses what it cannot use.
 *
 * A missing file, no mmlab_allocator symbol, a table without alloc, an init
 * that fails (even in two lines): each is one line naming the cause, from
 * init and from the CLI (status 2, stdout empty).  $MMLAB_FIXTURES holds the
 * bad plug-ins, $MMLAB_PLUGIN is the template.
 */
#include <stdio.h>
#include <stdlib.h>

#include "allocators/builtin.h"
#include "tests/support/test.h"

static const char *fixture(const char *name, char *buf, size_t len)
{
	const char *dir = getenv("MMLAB_FIXTURES");
	assert_non_null(dir);
	snprintf(buf, len, "%s/%s", dir, name);
	return buf;
}

/* init must fail with one line containing needle. */
static void expect_refusal(const char *options, const char *needle)
{
	void *st = NULL;
	char err[512] = "";
	if (alloc_plugin.init(&st, options, err, sizeof err) == 0) {
		alloc_plugin.fini(st);
		fail_msg("plugin:%s was accepted", options);
	}
	if (strstr(err, needle) == NULL || strchr(err, '\n') != NULL || count_lines(err) != 1)
		fail_msg("plugin:%s: \"%s\" (wanted one line with \"%s\")", options, err, needle);

	char spec[600];
	snprintf(spec, sizeof spec, "plugin:%s", options);
	const char *argv[] = { mmlab_path(), "run", "-a", spec, "-p", "depth=6", NULL };
	struct cmd_result r = cmd_run(argv);
	if (r.status != 2 || count_lines(r.err) != 1 || strncmp(r.err, "mmlab: ", 7) != 0 ||
	    strstr(r.err, needle) == NULL || r.out[0] != '\0')
		fail_msg("mmlab run -a %s: status %d, stdout \"%s\", stderr \"%s\"", spec, r.status,
			 r.out, r.err);
	cmd_free(&r);
}

static void missing_path_is_refused(void **state)
{
	(void)state;
	expect_refusal("", "expects a shared object");
	expect_refusal("no/such/dir/alloc.so", "No such file");
	expect_refusal("nosuch.so", "No such file");
	expect_refusal("/etc/passwd", "invalid ELF header");
}

static void object_without_the_symbol_is_refused(void **state)
{
	(void)state;
	char path[512];
	expect_refusal(fixture("plugin_nosym.so", path, sizeof path), "mmlab_allocator");
}

static void table_without_alloc_is_refused(void **state)
{
	(void)state;
	char path[512];
	expect_refusal(fixture("plugin_badtable.so", path, sizeof path), "NULL alloc or free");
}

static void failing_init_is_one_line(void **state)
{
	(void)state;
	char path[512], options[600];
	snprintf(options, sizeof options, "%s:x=1", fixture("plugin_badinit.so", path, sizeof path));
	expect_refusal(options, "badinit refuses 'x=1' for a reason on two lines");
}

static void template_refuses_options_and_runs(void **state)
{
	(void)state;
	const char *so = getenv("MMLAB_PLUGIN");
	assert_non_null(so);
	char options[600];
	snprintf(options, sizeof options, "%s:x=1", so);
	expect_refusal(options, "takes no options");

	void *st = NULL;
	char err[256] = "";
	assert_int_equal(alloc_plugin.init(&st, so, err, sizeof err), 0);
	void *p = alloc_plugin.alloc(st, 100);
	assert_non_null(p);
	struct alloc_stats s;
	alloc_plugin.stats(st, &s);
	assert_string_equal(s.backend, "example");
	assert_int_equal(s.requested, 100);
	assert_true(alloc_plugin_resets(st));
	alloc_plugin.free(st, p, 100);
	alloc_plugin.fini(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(missing_path_is_refused),
		cmocka_unit_test(object_without_the_symbol_is_refused),
		cmocka_unit_test(table_without_alloc_is_refused),
		cmocka_unit_test(failing_init_is_one_line),
		cmocka_unit_test(template_refuses_options_and_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
