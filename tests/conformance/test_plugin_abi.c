/* test_plugin_abi.c — the plug-in ABI keeps its promise (docs/plugins.md).
 *
 * A plug-in built against version 1 of allocators/allocator.h (the frozen
 * header in tests/conformance/abi/) loads in this mmlab: it serves
 * allocations, its figures are read at the offsets it wrote them, and the
 * figures added since are unknown, not garbage.  A table claiming a newer
 * version, or one from before versions, is refused with one line naming
 * both versions.  $MMLAB_FIXTURES holds the fixtures' .so files.
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

static void version_1_plugin_still_loads(void **state)
{
	(void)state;
	char path[512], err[512] = "";
	void *st = NULL;
	if (alloc_plugin.init(&st, fixture("plugin_abi_v1.so", path, sizeof path), err,
			      sizeof err) != 0)
		fail_msg("a version 1 plug-in was refused: %s", err);
	void *a = alloc_plugin.alloc(st, 100);
	void *b = alloc_plugin.alloc(st, 28);
	assert_non_null(a);
	assert_non_null(b);
	alloc_plugin.free(st, a, 100);

	struct alloc_stats s;
	memset(&s, 0xa5, sizeof s); /* whatever the loader leaves must be set */
	alloc_plugin.stats(st, &s);
	assert_string_equal(s.backend, "abi-v1");
	assert_int_equal(s.known, ALLOC_KNOW_REQUESTED | ALLOC_KNOW_ALLOCATED);
	assert_int_equal(alloc_figure(&s, ALLOC_FIG_REQUESTED), 28);
	assert_int_equal(alloc_figure(&s, ALLOC_FIG_ALLOCATED), 28);
	for (unsigned f = 0; f < ALLOC_FIGURE_COUNT; f++)
		if (!(s.known & (1u << f)))
			assert_int_equal(alloc_figure(&s, (enum alloc_figure)f), 0);
	assert_int_equal(s.nraw, 1);
	assert_string_equal(s.raw[0].key, "blocks");
	assert_int_equal(s.raw[0].value, 1);
	alloc_plugin.free(st, b, 28);
	alloc_plugin.fini(st);

	/* and the whole CLI runs on it */
	char spec[600];
	snprintf(spec, sizeof spec, "plugin:%s", path);
	const char *argv[] = { mmlab_path(), "run", "-q", "-a", spec, "-p", "depth=6", NULL };
	struct cmd_result r = cmd_run(argv);
	if (r.status != 0)
		fail_msg("mmlab run -a %s: status %d: %s", spec, r.status, r.err);
	cmd_free(&r);
}

static void expect_refused(const char *name, const char *needle1, const char *needle2)
{
	char path[512], err[512] = "";
	void *st = NULL;
	if (alloc_plugin.init(&st, fixture(name, path, sizeof path), err, sizeof err) == 0) {
		alloc_plugin.fini(st);
		fail_msg("%s was accepted", name);
	}
	if (strstr(err, needle1) == NULL || strstr(err, needle2) == NULL || count_lines(err) != 1)
		fail_msg("%s: \"%s\" (wanted one line with \"%s\" and \"%s\")", name, err, needle1,
			 needle2);
}

static void newer_version_is_refused_naming_both(void **state)
{
	(void)state;
	char newer[64], ours[64];
	snprintf(newer, sizeof newer, "version %d", ALLOC_ABI_VERSION + 1);
	snprintf(ours, sizeof ours, "versions 1 to %d", ALLOC_ABI_VERSION);
	expect_refused("plugin_abi_future.so", newer, ours);
}

static void unversioned_table_is_refused(void **state)
{
	(void)state;
	char ours[64];
	snprintf(ours, sizeof ours, "ABI version %d", ALLOC_ABI_VERSION);
	expect_refused("plugin_abi_none.so", "without an ABI version", ours);
}

static void a_bad_header_is_refused(void **state)
{
	(void)state;
	char err[256];
	struct alloc_abi abi = ALLOC_ABI_CURRENT;
	assert_int_equal(alloc_abi_check(&abi, err, sizeof err), 0);
	abi.ops_size = 16; /* claims this version with another layout */
	assert_int_equal(alloc_abi_check(&abi, err, sizeof err), -1);
	assert_non_null(strstr(err, "are not that version's"));
	abi = (struct alloc_abi)ALLOC_ABI_CURRENT;
	abi.version = 0;
	assert_int_equal(alloc_abi_check(&abi, err, sizeof err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(version_1_plugin_still_loads),
		cmocka_unit_test(newer_version_is_refused_naming_both),
		cmocka_unit_test(unversioned_table_is_refused),
		cmocka_unit_test(a_bad_header_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
