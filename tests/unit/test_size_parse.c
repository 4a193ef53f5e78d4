/* test_size_parse.c — the one size reader, alloc_parse_size, and the
 * allocator options that use it: strict (no trailing space or garbage,
 * no sign, no overflow), suffixes K, M, G, T with an optional B or iB. */
#include <stdio.h>

#include "allocators/alloc_opt.h"
#include "tests/support/test.h"

static void accepted(const char *text, uint64_t want)
{
	uint64_t v = 12345;
	if (alloc_parse_size(text, &v) != 0)
		fail_msg("'%s' refused", text);
	if (v != want)
		fail_msg("'%s' read as %llu, wanted %llu", text, (unsigned long long)v,
			 (unsigned long long)want);
}

static void refused(const char *text)
{
	uint64_t v = 12345;
	if (alloc_parse_size(text, &v) == 0)
		fail_msg("'%s' accepted as %llu", text, (unsigned long long)v);
	assert_int_equal(v, 12345); /* untouched */
}

static void plain_and_suffixed(void **state)
{
	(void)state;
	accepted("0", 0);
	accepted("4096", 4096);
	accepted("64K", 64u << 10);
	accepted("64k", 64u << 10);
	accepted("4M", 4u << 20);
	accepted("4MB", 4u << 20);
	accepted("4MiB", 4u << 20);
	accepted("1G", 1u << 30);
	accepted("2T", (uint64_t)2 << 40);
	accepted("18446744073709551615", UINT64_MAX);
	accepted("16777215T", (uint64_t)16777215 << 40);
}

static void strict(void **state)
{
	(void)state;
	refused("");
	refused(NULL);
	refused("4 ");   /* alloc_opt.c once read the space as T: 4 << 40 */
	refused("4M ");
	refused(" 4");
	refused("+4");
	refused("-4");
	refused("4X");
	refused("4KX");
	refused("4Kb");
	refused("4KiBB");
	refused("4.5M");
	refused("0x10");
	refused("K");
	refused("18446744073709551616");  /* UINT64_MAX + 1 */
	refused("99999999999999999999");
	refused("16777216T");             /* 2^64 */
	refused("17179869184G");
}

static void allocator_options_use_it(void **state)
{
	(void)state;
	struct alloc_opt o = { "chunk", "4 " };
	char err[256];
	size_t out = 0;
	assert_int_equal(alloc_opt_size(&o, 4096, (size_t)1 << 30, &out, "bump", err, sizeof err), -1);
	assert_non_null(strstr(err, "chunk='4 '"));
	snprintf(o.value, sizeof o.value, "64K");
	assert_int_equal(alloc_opt_size(&o, 4096, (size_t)1 << 30, &out, "bump", err, sizeof err), 0);
	assert_int_equal(out, 64u << 10);
	snprintf(o.value, sizeof o.value, "2G");
	assert_int_equal(alloc_opt_size(&o, 4096, (size_t)1 << 30, &out, "bump", err, sizeof err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_and_suffixed),
		cmocka_unit_test(strict),
		cmocka_unit_test(allocator_options_use_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
