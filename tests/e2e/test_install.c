/* test_install.c — the lab kit: install into a temporary
 * prefix (lab/install.sh, what `make install` runs), build the template
 * plug-in outside the tree with pkg-config's flags, grade it with the
 * installed mmlab and its installed traces, serve a real program from it
 * through `mmlab shim`; the man page has a section for every command of
 * `mmlab --help`; `lab/kit.sh` writes a kit whose Makefile builds.
 *
 * The build dir is the one holding the mmlab under test (B/VARIANT). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/support/test.h"

static char prefix[] = "/tmp/mmlab-install-XXXXXX";
static char work[] = "/tmp/mmlab-outoftree-XXXXXX";

static int setup(void **state)
{
	(void)state;
	if (mkdtemp(prefix) == NULL || mkdtemp(work) == NULL)
		return -1;
	char obj[PATH_MAX], b[PATH_MAX], shims[PATH_MAX + 16], lab[PATH_MAX + 16];
	if (realpath(mmlab_path(), obj) == NULL)
		return -1;
	*strrchr(obj, '/') = '\0'; /* B/VARIANT */
	snprintf(b, sizeof b, "%s", obj);
	*strrchr(b, '/') = '\0'; /* B */
	snprintf(shims, sizeof shims, "%s/shims", b);
	snprintf(lab, sizeof lab, "%s/lab", b);
	struct cmd_result r = cmd_run((const char *const[]){ "lab/install.sh", prefix, prefix, obj,
							     shims, lab, NULL });
	int ok = r.status == 0;
	if (!ok)
		fprintf(stderr, "install.sh: %s%s", r.out, r.err);
	cmd_free(&r);
	return ok ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char *const rm1[] = { "rm", "-rf", prefix, work, NULL };
	struct cmd_result r = cmd_run((const char *const *)rm1);
	cmd_free(&r);
	return 0;
}

static const char *in(const char *base, const char *rel)
{
	static char bufs[4][PATH_MAX];
	static int next;
	char *b = bufs[next++ % 4];
	snprintf(b, PATH_MAX, "%s/%s", base, rel);
	return b;
}

/* sh -c TEXT with PKG_CONFIG_PATH at the prefix; the result */
static struct cmd_result sh(const char *text)
{
	char env[PATH_MAX + 32];
	snprintf(env, sizeof env, "PKG_CONFIG_PATH=%s/lib/pkgconfig", prefix);
	return cmd_run((const char *const[]){ "env", env, "sh", "-c", text, NULL });
}

static void builds_out_of_tree(void **state)
{
	(void)state;
	char cmd[4 * PATH_MAX];
	snprintf(cmd, sizeof cmd,
		 "cd %s && cp %s/share/mmlab/examples/example_alloc.c my_alloc.c && "
		 "cc -O2 -std=c11 -Wall -Werror $(pkg-config --cflags mmlab-plugin) "
		 "my_alloc.c $(pkg-config --libs mmlab-plugin) -o my_alloc.so",
		 work, prefix);
	struct cmd_result r = sh(cmd);
	if (r.status != 0)
		fail_msg("out-of-tree build: %s%s", r.out, r.err);
	cmd_free(&r);
	/* the flags name the installed header, not the tree */
	r = sh("pkg-config --cflags mmlab-plugin");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, prefix));
	cmd_free(&r);

	/* the installed mmlab grades it on its installed trace set */
	const char *mm = in(prefix, "bin/mmlab");
	r = cmd_run((const char *const[]){ mm, "grade", "--rounds", "1", "--json", "-",
					   in(work, "my_alloc.so"), NULL });
	if (r.status != 0)
		fail_msg("installed grade: %d %s", r.status, r.err);
	json_t *doc = need_json(r.out, strlen(r.out));
	assert_true(need_u64(need(doc, "total"), "traces") >= 8);
	assert_true(need_num(need(doc, "total"), "score") > 0);
	json_decref(doc);
	cmd_free(&r);

	/* and serves a real program from it: the shim's record names it */
	char stats[PATH_MAX + 16], envs[PATH_MAX + 32];
	snprintf(stats, sizeof stats, "%s/py.json", work);
	snprintf(envs, sizeof envs, "MMLAB_STATS=%s", stats);
	r = cmd_run((const char *const[]){ "env", envs, mm, "shim", in(work, "my_alloc.so"), "--",
					   "python3", "-c", "print(sum(range(1000)))", NULL });
	if (r.status != 0)
		fail_msg("installed shim: %d %s", r.status, r.err);
	assert_string_equal(r.out, "499500\n");
	cmd_free(&r);
	char cat[PATH_MAX + 64];
	snprintf(cat, sizeof cat, "cat %s", stats);
	r = sh(cat);
	assert_int_equal(r.status, 0);
	if (strstr(r.out, "\"example\"") == NULL)
		fail_msg("the shim's record does not name the plug-in's backend: %.200s", r.out);
	cmd_free(&r);
}

static void shim_prints_environment(void **state)
{
	(void)state;
	const char *mm = in(prefix, "bin/mmlab");
	struct cmd_result r = cmd_run((const char *const[]){ mm, "shim", in(work, "my_alloc.so"),
							     NULL });
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "export LD_PRELOAD='"));
	assert_non_null(strstr(r.out, "lib/mmlab/shims/mmlab-plugin-shim.so"));
	cmd_free(&r);
	r = cmd_run((const char *const[]){ mm, "shim", "README.md", NULL });
	assert_int_equal(r.status, 2);
	assert_int_equal(count_lines(r.err), 1);
	cmd_free(&r);
}

/* every command `mmlab --help` lists has its ".SS NAME" in the man page */
static void man_page_covers_every_command(void **state)
{
	(void)state;
	struct cmd_result h = cmd_run(MMLAB("--help"));
	assert_int_equal(h.status, 0);
	char man[PATH_MAX + 32];
	snprintf(man, sizeof man, "cat %s/share/man/man1/mmlab.1", prefix);
	struct cmd_result m = sh(man);
	assert_int_equal(m.status, 0);
	const char *p = strstr(h.out, "commands:\n");
	assert_non_null(p);
	unsigned n = 0;
	for (p = strchr(p, '\n') + 1; *p == ' ' && p[2] != ' ' && p[2] != '\n';) {
		char name[32], want[48];
		if (sscanf(p, " %31s", name) != 1)
			break;
		snprintf(want, sizeof want, "\n.SS %s\n", name);
		if (strstr(m.out, want) == NULL)
			fail_msg("docs/mmlab.1 has no section for '%s'", name);
		n++;
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
	assert_true(n >= 10);
	cmd_free(&h);
	cmd_free(&m);
}

/* the installed lab kit builds with its own Makefile */
static void lab_kit_builds(void **state)
{
	(void)state;
	char cmd[4 * PATH_MAX];
	snprintf(cmd, sizeof cmd, "cp -r %s/share/mmlab/lab-kit %s/kit && make -s -C %s/kit",
		 prefix, work, work);
	struct cmd_result r = sh(cmd);
	if (r.status != 0)
		fail_msg("lab kit: %s%s", r.out, r.err);
	cmd_free(&r);
	snprintf(cmd, sizeof cmd, "test -f %s/kit/my_alloc.so && ls %s/kit/traces | wc -l", work,
		 work);
	r = sh(cmd);
	assert_int_equal(r.status, 0);
	assert_true(atoi(r.out) >= 8);
	cmd_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builds_out_of_tree),
		cmocka_unit_test(shim_prints_environment),
		cmocka_unit_test(man_page_covers_every_command),
		cmocka_unit_test(lab_kit_builds),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
