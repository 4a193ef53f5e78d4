/* test_system_alloc.c — `-a glibc|jemalloc|mimalloc|tcmalloc` as a user types it.
 *
 * Each system allocator really serves the run (the JSON names it as the
 * backend and carries its own raw figures) and gives glibc's checksum,
 * under run, replay and matrix; a missing library, a library that turns
 * out to be another, and a second re-exec are each one line and status 2.
 * Sanitizer builds cannot preload: there the refusal itself is tested.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/support/test.h"

#define ENV(...) ((const char *const[]){ "env", __VA_ARGS__, NULL })

static const struct {
	const char *name, *raw, *soname, *package;
} backends[] = {
	{ "glibc", "arena", NULL, "libc6" },
	{ "jemalloc", "stats.allocated", "libjemalloc.so.2", "libjemalloc2" },
	{ "mimalloc", "heap.committed", "libmimalloc.so.2", "libmimalloc2.0" },
	{ "tcmalloc", "current_allocated_bytes", "libtcmalloc_minimal.so.4", "libtcmalloc-minimal4" },
};
enum { NBACKENDS = sizeof backends / sizeof backends[0] };

static bool sanitized(void)
{
	return getenv("MMLAB_SANITIZED") != NULL;
}

/* The directory of this process's libc, where Debian keeps the others. */
static void libdir(char *out, size_t len)
{
	Dl_info info;
	assert_true(dladdr(dlsym(RTLD_DEFAULT, "gnu_get_libc_version"), &info) != 0);
	const char *slash = strrchr(info.dli_fname, '/');
	assert_non_null(slash);
	snprintf(out, len, "%.*s", (int)(slash - info.dli_fname), info.dli_fname);
}

static void expect_one_line(const char *const argv[], const char *needle)
{
	struct cmd_result r = cmd_run(argv);
	if (r.status != 2 || count_lines(r.err) != 1 || strstr(r.err, "mmlab: ") == NULL ||
	    strstr(r.err, needle) == NULL || r.out[0] != '\0')
		fail_msg("status %d, stdout \"%s\", stderr \"%s\" (wanted \"%s\")", r.status, r.out,
			 r.err, needle);
	cmd_free(&r);
}

static void each_backend_serves_the_run(void **state)
{
	(void)state;
	const char *checksum = NULL;
	json_t *first = NULL;
	for (int i = 0; i < NBACKENDS; i++) {
		if (sanitized() && i > 0)
			break;
		const char *name = backends[i].name;
		struct cmd_result r = cmd_run(MMLAB("run", "-a", name, "-p", "depth=10", "-q",
						    "--json", "-"));
		if (r.status != 0)
			fail_msg("%s: status %d, %s", name, r.status, r.err);
		json_t *j = need_json(r.out, strlen(r.out));
		assert_string_equal(need_str(need(j, "config"), "allocator"), name);
		const json_t *a = need(j, "allocator");
		assert_string_equal(need_str(a, "backend"), name);
		/* under ASan the sanitizer serves malloc: glibc's figures are not its */
		uint64_t raw = need_u64(need(a, "raw"), backends[i].raw);
		uint64_t allocated = need_u64(a, "allocated"), foot = need_u64(a, "footprint");
		if (!sanitized() && (raw == 0 || allocated == 0 || allocated > foot ||
				     need_u64(a, "resident") == 0))
			fail_msg("%s: %s %llu, allocated %llu, footprint %llu", name,
				 backends[i].raw, (unsigned long long)raw,
				 (unsigned long long)allocated, (unsigned long long)foot);
		const char *sum = need_str(need(j, "results"), "checksum");
		if (checksum == NULL) {
			checksum = sum;
			first = j;
		} else {
			assert_string_equal(sum, checksum);
			json_decref(j);
		}
		cmd_free(&r);
	}
	json_decref(first);
}

static void replay_and_matrix_use_the_backend(void **state)
{
	(void)state;
	if (sanitized())
		skip();
	for (int i = 1; i < NBACKENDS; i++) {
		struct cmd_result r = cmd_run(MMLAB("replay", "-a", backends[i].name, "--reps", "1",
						    "--min-time", "0", "--json", "-",
						    "traces/binary-trees.trace"));
		if (r.status != 0)
			fail_msg("replay -a %s: status %d, %s", backends[i].name, r.status, r.err);
		json_t *j = need_json(r.out, strlen(r.out));
		assert_string_equal(need_str(need(j, "config"), "backend"), backends[i].name);
		assert_string_equal(need_str(json_array_get(need(j, "traces"), 0), "valid"), "yes");
		json_decref(j);
		cmd_free(&r);
	}
	struct cmd_result r = cmd_run(MMLAB("matrix", "-a", "jemalloc", "-p", "depth=8"));
	if (r.status != 0 || strstr(r.out, "the same under every model") == NULL)
		fail_msg("matrix -a jemalloc: status %d\n%s%s", r.status, r.out, r.err);
	/* the model's row names the allocator (the model column is as wide
	 * as the longest model name) */
	const char *rows[] = { "\nmanual ", "\nown " };
	for (size_t i = 0; i < 2; i++) {
		const char *row = strstr(r.out, rows[i]);
		assert_non_null(row);
		row += strlen(rows[i]);
		assert_int_equal(strncmp(row + strspn(row, " "), "jemalloc ", 9), 0);
	}
	cmd_free(&r);
}

static void missing_library_names_the_package(void **state)
{
	(void)state;
	if (sanitized())
		skip();
	for (int i = 1; i < NBACKENDS; i++) {
		char want[128];
		snprintf(want, sizeof want, "allocator %s needs %s, not found in", backends[i].name,
			 backends[i].soname);
		expect_one_line(ENV("MMLAB_PRELOAD_PATH=/nonexistent", mmlab_path(), "run", "-a",
				    backends[i].name, "-q"),
				want);
		expect_one_line(ENV("MMLAB_PRELOAD_PATH=/nonexistent", mmlab_path(), "run", "-a",
				    backends[i].name, "-q"),
				backends[i].package);
	}
}

static void the_library_serving_malloc_is_checked(void **state)
{
	(void)state;
	if (sanitized())
		skip();
	/* a "libjemalloc.so.2" that is mimalloc: refused after the re-exec */
	char dir[] = "/tmp/mmlab-fake-XXXXXX", lib[256], real[512], path[600];
	assert_non_null(mkdtemp(dir));
	libdir(lib, sizeof lib);
	snprintf(real, sizeof real, "%s/libmimalloc.so.2", lib);
	snprintf(path, sizeof path, "%s/libjemalloc.so.2", dir);
	assert_int_equal(symlink(real, path), 0);
	char env[600];
	snprintf(env, sizeof env, "MMLAB_PRELOAD_PATH=%s", dir);
	expect_one_line(ENV(env, mmlab_path(), "run", "-a", "jemalloc", "-q"),
			"loading jemalloc did not take: malloc is served by");
	expect_one_line(ENV(env, mmlab_path(), "run", "-a", "jemalloc", "-q"), "(mimalloc)");
	unlink(path);
	rmdir(dir);
	/* a second re-exec is never tried */
	expect_one_line(ENV("MMLAB_PRELOAD=tcmalloc", mmlab_path(), "run", "-a", "tcmalloc", "-q"),
			"loading tcmalloc did not take");
	/* glibc asked for under someone else's LD_PRELOAD: run without it */
	char preload[512];
	snprintf(preload, sizeof preload, "LD_PRELOAD=%s/libjemalloc.so.2", lib);
	struct cmd_result r = cmd_run(ENV(preload, mmlab_path(), "run", "-a", "glibc", "-p",
					  "depth=6", "-q", "--json", "-"));
	assert_int_equal(r.status, 0);
	json_t *j = need_json(r.out, strlen(r.out));
	assert_string_equal(need_str(need(j, "allocator"), "backend"), "glibc");
	json_decref(j);
	cmd_free(&r);
}

static void refusals(void **state)
{
	(void)state;
	expect_one_line(MMLAB("run", "-m", "gc", "-a", "jemalloc"), "brings its own heap");
	expect_one_line(MMLAB("matrix", "-a", "bdwgc"), "only the gc model");
	if (sanitized()) /* ASan must come first: nothing can be preloaded */
		expect_one_line(MMLAB("run", "-a", "jemalloc", "-q"), "sanitizer build");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_backend_serves_the_run),
		cmocka_unit_test(replay_and_matrix_use_the_backend),
		cmocka_unit_test(missing_library_names_the_package),
		cmocka_unit_test(the_library_serving_malloc_is_checked),
		cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
