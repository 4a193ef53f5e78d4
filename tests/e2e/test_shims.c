/* test_shims.c — real programs on every shim `make shims` built.
 *
 * Each program found on the machine (python3, sort, gcc, ls, and a C
 * program that calls the whole malloc family) must print the same and
 * exit the same on every shim as it does plainly; with MMLAB_STATS set the
 * shim leaves a stats record mmlab reads back, naming its allocator.  LD_PRELOAD
 * cannot be combined with ASan, so sanitizer runs skip all of it.
 */
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "runtime/stats/stats_read.h"
#include "tests/support/test.h"

static char dir[] = "/tmp/mmlab-shims-XXXXXX";
static char shims[16][PATH_MAX];
static int nshims;

/* Exercises the whole family, printing only what glibc and a correct
 * shim agree on. */
static const char family_c[] =
	"#include <errno.h>\n#include <malloc.h>\n#include <stdint.h>\n#include <stdio.h>\n"
	"#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\n"
	"static int aligned(void *p, size_t a) { return p && (uintptr_t)p % a == 0; }\n"
	"int main(void) {\n"
	"  enum { N = 3000 }; static char *v[N]; unsigned long sum = 0; int ok = 1;\n"
	"  for (int i = 0; i < N; i++) { v[i] = malloc(i * 7 % 1000 + 1); memset(v[i], i & 255, i * 7 % 1000 + 1);"
	"    ok &= aligned(v[i], 16); }\n"
	"  for (int i = 0; i < N; i += 3) { v[i] = realloc(v[i], i * 13 % 5000 + 1000);"
	"    for (int k = 0; k < i * 7 % 1000 + 1; k++) ok &= (unsigned char)v[i][k] == (i & 255); }\n"
	"  for (int i = 0; i < N; i++) { sum += (unsigned char)v[i][0]; free(v[i]); }\n"
	"  printf(\"malloc realloc free %d %lu\\n\", ok, sum);\n"
	"  void *p = NULL; int rc = posix_memalign(&p, 4096, 100);\n"
	"  printf(\"posix_memalign %d %d\\n\", rc, aligned(p, 4096)); free(p);\n"
	"  printf(\"posix_memalign bad %d\\n\", posix_memalign(&p, 24, 100) == EINVAL);\n"
	"  p = aligned_alloc(64, 640); printf(\"aligned_alloc %d\\n\", aligned(p, 64));\n"
	"  p = realloc(p, 100000); printf(\"realloc aligned %d\\n\", p != NULL); free(p);\n"
	"  p = memalign(256, 10); printf(\"memalign %d\\n\", aligned(p, 256)); free(p);\n"
	"  errno = 0; p = memalign(SIZE_MAX / 2 + 2, 10);"
	"  printf(\"memalign above SIZE_MAX/2+1 %d %d\\n\", p == NULL, errno == EINVAL);\n"
	"  errno = 0; p = memalign(SIZE_MAX / 2 + 1, 10);"
	"  printf(\"memalign SIZE_MAX/2+1 %d %d\\n\", p == NULL, errno == ENOMEM);\n"
	"  p = memalign((size_t)1 << 31, 10);"
	"  printf(\"memalign 2 GiB %d\\n\", aligned(p, (size_t)1 << 31)); free(p);\n"
	"  long page = sysconf(_SC_PAGESIZE);\n"
	"  p = valloc(10); printf(\"valloc %d\\n\", aligned(p, (size_t)page)); free(p);\n"
	"  p = pvalloc(10); printf(\"pvalloc %d %d\\n\", aligned(p, (size_t)page),"
	"    malloc_usable_size(p) >= (size_t)page); free(p);\n"
	"  p = malloc(100); printf(\"usable %d\\n\", malloc_usable_size(p) >= 100); free(p);\n"
	"  int *z = calloc(5000, sizeof *z); int zero = 1; for (int i = 0; i < 5000; i++) zero &= z[i] == 0;\n"
	"  printf(\"calloc %d\\n\", zero); free(z);\n"
	"  errno = 0; p = calloc(SIZE_MAX / 2, 4); printf(\"calloc overflow %d %d\\n\", p == NULL, errno == ENOMEM);\n"
	"  errno = 0; p = malloc(SIZE_MAX - 64); printf(\"malloc huge %d %d\\n\", p == NULL, errno == ENOMEM);\n"
	"  p = malloc(10); p = realloc(p, 0); printf(\"realloc 0 %d\\n\", p == NULL);\n"
	"  free(NULL); printf(\"usable NULL %d\\n\", (int)malloc_usable_size(NULL));\n"
	"  return 3;\n}\n";

static const char python_src[] =
	"import json, os, subprocess, threading\n"
	"d = {str(i): list(range(i % 40)) for i in range(20000)}\n"
	"out = []\n"
	"def work(k):\n"
	"    out.append(sum(len(bytes(i % 300)) for i in range(20000 * k)))\n"
	"ts = [threading.Thread(target=work, args=(k,)) for k in range(1, 5)]\n"
	"[t.start() for t in ts]; [t.join() for t in ts]\n"
	"print(len(json.dumps(d)), sorted(out))\n"
	"print(subprocess.run(['echo', 'child'], capture_output=True).stdout)\n"
	"pid = os.fork()\n"
	"if pid == 0:\n"
	"    os._exit(len([str(i) for i in range(10000)]) % 7)\n"
	"print(os.waitpid(pid, 0)[1] >> 8)\n";

static bool in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[1024];
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, prog);
		if (access(buf, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

static char *path_in_dir(const char *name)
{
	static char bufs[8][256];
	static int next;
	char *b = bufs[next++ % 8];
	snprintf(b, 256, "%s/%s", dir, name);
	return b;
}

static void write_text(const char *name, const char *text)
{
	FILE *f = fopen(path_in_dir(name), "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	if (getenv("MMLAB_SANITIZED"))
		return 0;
	assert_non_null(mkdtemp(dir));
	char where[512];
	const char *env = getenv("MMLAB_SHIMS");
	if (env != NULL) {
		snprintf(where, sizeof where, "%s", env);
	} else { /* MMLAB is B/obj/mmlab; the shims are in B/shims */
		char m[512];
		snprintf(m, sizeof m, "%s", mmlab_path());
		snprintf(where, sizeof where, "%s/../shims", dirname(m));
	}
	char pattern[600];
	snprintf(pattern, sizeof pattern, "%s/libmmlab-*.so", where);
	glob_t g;
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && nshims < 16; i++) {
			if (realpath(g.gl_pathv[i], shims[nshims]) == NULL)
				continue;
			bool seen = false; /* an old name is a symlink to its shim */
			for (int k = 0; k < nshims; k++)
				seen |= strcmp(shims[k], shims[nshims]) == 0;
			nshims += !seen;
		}
		globfree(&g);
	}
	FILE *f = fopen(path_in_dir("numbers"), "w");
	assert_non_null(f);
	for (unsigned i = 0, x = 12345; i < 100000; i++, x = x * 1103515245u + 12345u)
		fprintf(f, "%u\n", (x >> 8) % 1000003u);
	fclose(f);
	write_text("family.c", family_c);
	write_text("program.py", python_src);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (getenv("MMLAB_SANITIZED"))
		return 0;
	const char *files[] = { "numbers", "family.c", "program.py", "family", "family.shim",
				"stats.json" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		unlink(path_in_dir(files[i]));
	rmdir(dir);
	return 0;
}

/* The shim's name: libmmlab-NAME.so. */
static const char *shim_name(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/') + 1 + strlen("libmmlab-");
	snprintf(buf, len, "%.*s", (int)(strlen(base) - 3), base);
	return buf;
}

/* argv (at most 8 words) plainly, then on every shim: same status, same stdout. */
static void same_on_every_shim(const char *const *argv)
{
	struct cmd_result plain = cmd_run(argv);
	for (int s = 0; s < nshims; s++) {
		char preload[PATH_MAX + 16];
		snprintf(preload, sizeof preload, "LD_PRELOAD=%.4000s", shims[s]);
		const char *args[12] = { "env", preload };
		for (int i = 0; argv[i] != NULL; i++)
			args[2 + i] = argv[i];
		struct cmd_result r = cmd_run(args);
		char name[64];
		if (r.status != plain.status || strcmp(r.out, plain.out) != 0)
			fail_msg("%s on %s: status %d (plainly %d), stdout:\n%s\nplainly:\n%s\nstderr:\n%s",
				 argv[0], shim_name(shims[s], name, sizeof name), r.status,
				 plain.status, r.out, plain.out, r.err);
		cmd_free(&r);
	}
	cmd_free(&plain);
}

static void every_teaching_allocator_has_a_shim(void **state)
{
	(void)state;
	if (getenv("MMLAB_SANITIZED"))
		skip();
	const char *want[] = { "bump", "freelist", "simpleseg", "segfits", "buddy" };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		bool found = false;
		char name[64];
		for (int s = 0; s < nshims; s++)
			found |= strcmp(shim_name(shims[s], name, sizeof name), want[i]) == 0;
		if (!found)
			fail_msg("no shim for %s (make shims)", want[i]);
	}
}

static void malloc_family_program(void **state)
{
	(void)state;
	if (getenv("MMLAB_SANITIZED") || !in_path("cc"))
		skip();
	struct cmd_result r = cmd_run((const char *const[]){ "cc", "-O1", "-w", "-o",
		path_in_dir("family"), path_in_dir("family.c"), NULL });
	if (r.status != 0)
		fail_msg("cc: %s", r.err);
	cmd_free(&r);
	same_on_every_shim((const char *const[]){ path_in_dir("family"), NULL });
	r = cmd_run((const char *const[]){ path_in_dir("family"), NULL });
	assert_int_equal(r.status, 3); /* the test can tell a run from a crash */
	assert_non_null(strstr(r.out, "malloc realloc free 1"));
	assert_non_null(strstr(r.out, "calloc overflow 1 1"));
	/* glibc's answers, which every shim must give too (same_on_every_shim) */
	assert_non_null(strstr(r.out, "memalign above SIZE_MAX/2+1 1 1"));
	assert_non_null(strstr(r.out, "memalign 2 GiB 1"));
	cmd_free(&r);
}

static void compilers_and_tools(void **state)
{
	(void)state;
	if (getenv("MMLAB_SANITIZED"))
		skip();
	if (in_path("sort"))
		same_on_every_shim((const char *const[]){ "sort", "-n", "--parallel=2", "-S", "1M",
							  path_in_dir("numbers"), NULL });
	if (in_path("ls"))
		same_on_every_shim((const char *const[]){ "ls", "-l", "-a", "/usr/bin", NULL });
	if (in_path("python3"))
		same_on_every_shim((const char *const[]){ "python3", path_in_dir("program.py"), NULL });
	if (in_path("gcc")) {
		/* gcc, cc1, as and ld all on the shim; the program it makes must work */
		for (int s = 0; s < nshims; s++) {
			char preload[PATH_MAX + 16];
			snprintf(preload, sizeof preload, "LD_PRELOAD=%.4000s", shims[s]);
			struct cmd_result r = cmd_run((const char *const[]){
				"env", preload, "gcc", "-O2", "-w", "-o", path_in_dir("family.shim"),
				path_in_dir("family.c"), NULL });
			if (r.status != 0)
				fail_msg("gcc on %s: %s", shims[s], r.err);
			cmd_free(&r);
			r = cmd_run((const char *const[]){ path_in_dir("family.shim"), NULL });
			assert_int_equal(r.status, 3);
			assert_non_null(strstr(r.out, "malloc realloc free 1"));
			cmd_free(&r);
		}
	}
}

static void stats_at_exit(void **state)
{
	(void)state;
	if (getenv("MMLAB_SANITIZED"))
		skip();
	for (int s = 0; s < nshims; s++) {
		char preload[PATH_MAX + 16], stats[300], name[64];
		snprintf(preload, sizeof preload, "LD_PRELOAD=%.4000s", shims[s]);
		snprintf(stats, sizeof stats, "MMLAB_STATS=%s", path_in_dir("stats.json"));
		unlink(path_in_dir("stats.json"));
		struct cmd_result r = cmd_run((const char *const[]){ "env", preload, stats, "sort",
			"-n", path_in_dir("numbers"), NULL });
		assert_int_equal(r.status, 0);
		cmd_free(&r);
		FILE *f = fopen(path_in_dir("stats.json"), "r");
		if (f == NULL)
			fail_msg("%s wrote no stats", shims[s]);
		static char text[1 << 17];
		size_t n = fread(text, 1, sizeof text - 1, f);
		fclose(f);
		text[n] = '\0';
		char err[320];
		json_decref(need_json(text, n));
		static struct stats st;
		if (stats_read("stats.json", text, n, &st, err, sizeof err) != 0)
			fail_msg("not a stats record: %s", err);
		shim_name(shims[s], name, sizeof name);
		assert_string_equal(st.config.allocator, name);
		assert_string_equal(st.config.workload, "sort");
		assert_string_equal(st.alloc.backend, name);
		assert_true(st.results.allocs > 0);
		assert_true(st.results.peak_live_bytes > 0);
		assert_true(stats_known(&st.results, STATS_F_peak_footprint_bytes));
		assert_true(st.results.peak_footprint_bytes >= st.results.peak_live_bytes);
	}
	/* "-": the record goes to stderr */
	if (nshims > 0) {
		char preload[PATH_MAX + 16];
		snprintf(preload, sizeof preload, "LD_PRELOAD=%.4000s", shims[0]);
		struct cmd_result r = cmd_run((const char *const[]){ "env", preload, "MMLAB_STATS=-",
			"true", NULL });
		assert_non_null(strstr(r.err, "\"schema\": \"mmlab-stats\""));
		cmd_free(&r);
	}
}

/* MMLAB_STATS=path on the first shim running `true`; its stderr. */
static struct cmd_result stats_to(const char *path)
{
	char preload[PATH_MAX + 16], stats[PATH_MAX + 16];
	snprintf(preload, sizeof preload, "LD_PRELOAD=%.4000s", shims[0]);
	snprintf(stats, sizeof stats, "MMLAB_STATS=%.4000s", path);
	return cmd_run((const char *const[]){ "env", preload, stats, "true", NULL });
}

/* a device or a symlink named by MMLAB_STATS is written
 * through, never replaced; a record that cannot be written is said. */
static void stats_never_replace_devices_or_links(void **state)
{
	(void)state;
	if (getenv("MMLAB_SANITIZED") || nshims == 0)
		skip();
	struct stat st;
	/* a character device: a null device of our own when we may make one
	 * (as root), else the system's, which a non-root shim cannot replace */
	const char *dev = path_in_dir("null");
	if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) != 0)
		dev = "/dev/null";
	struct cmd_result r = stats_to(dev);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	cmd_free(&r);
	assert_int_equal(lstat(dev, &st), 0);
	assert_true(S_ISCHR(st.st_mode));

	/* a symlink: still a link, its target holds the record */
	unlink(path_in_dir("target.json"));
	unlink(path_in_dir("link.json"));
	assert_int_equal(symlink(path_in_dir("target.json"), path_in_dir("link.json")), 0);
	r = stats_to(path_in_dir("link.json"));
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	cmd_free(&r);
	assert_int_equal(lstat(path_in_dir("link.json"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat(path_in_dir("target.json"), &st), 0);
	assert_true(S_ISREG(st.st_mode) && st.st_size > 100);

	/* nowhere to write: one line on stderr, the program's status kept */
	r = stats_to(path_in_dir("no-such-dir/stats.json"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.err, "cannot write the stats record to"));
	assert_non_null(strstr(r.err, "no-such-dir/stats.json"));
	cmd_free(&r);
	/* a directory is not replaced either */
	r = stats_to(dir);
	assert_non_null(strstr(r.err, "cannot write the stats record"));
	cmd_free(&r);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	unlink(path_in_dir("null"));
	unlink(path_in_dir("link.json"));
	unlink(path_in_dir("target.json"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_teaching_allocator_has_a_shim),
		cmocka_unit_test(malloc_family_program),
		cmocka_unit_test(compilers_and_tools),
		cmocka_unit_test(stats_at_exit),
		cmocka_unit_test(stats_never_replace_devices_or_links),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
