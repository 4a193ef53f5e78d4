/* test_labs.c — labs never rot: every command on every lab
 * page (docs/labs/lab*.md) runs, at small sizes, and exits as the page
 * says.
 *
 * A page's commands are the "$ " lines of its ```lab blocks; one ending
 * in "# exit N" must exit N, any other 0; one ending in "# lab-check:
 * skip" is not run (none today).  A page's commands run in order in one
 * shell from the top of the tree (so a `cd` holds for the lines after
 * it), with the mmlab under test first on PATH, its build dir for
 * "build/obj/" and "make" given B=, and the sizes the pages write as
 * ${NAME:-default} set small here.  LeakSanitizer is off for the pages
 * (lab 2 leaks on purpose); every other suite keeps it on. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/support/test.h"

static char tmp[] = "/tmp/mmlab-labs-XXXXXX";

/* the sizes a page may name, small */
static const char small_env[] = "export DEPTH=8 NODES=200 STEPS=200 REQUESTS=200 OPS=2000 "
				"ROUNDS=1 MULTIPLES=1.5,3 KIT=%s/kit OUT=%s\n";

struct page_cmd {
	char text[1024];
	int want; /* exit status */
	bool skip;
};

/* The commands of one page; their number. */
static unsigned read_page(const char *path, struct page_cmd *cmds, unsigned max)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot read %s", path);
	char line[1024];
	bool in = false;
	unsigned n = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "```", 3) == 0) {
			in = !in && strcmp(line, "```lab") == 0;
			continue;
		}
		if (!in || strncmp(line, "$ ", 2) != 0)
			continue;
		if (n == max)
			fail_msg("%s: more than %u commands", path, max);
		struct page_cmd *c = &cmds[n++];
		c->want = 0;
		c->skip = strstr(line, "# lab-check: skip") != NULL;
		char *hash = strstr(line, "  # exit ");
		if (hash != NULL) {
			c->want = atoi(hash + 9);
			*hash = '\0';
		}
		snprintf(c->text, sizeof c->text, "%s", line + 2);
	}
	fclose(f);
	return n;
}

/* text with "build/obj/" made the build dir under test and a leading
 * "make " given B= */
static void adapt(const char *text, const char *objdir, const char *b, char *out, size_t len)
{
	size_t o = 0;
	if (strncmp(text, "make ", 5) == 0) {
		o += (size_t)snprintf(out, len, "make -s B=%s ", b);
		text += 5;
	}
	while (*text && o + 1 < len) {
		if (strncmp(text, "build/obj/", 10) == 0) {
			o += (size_t)snprintf(out + o, len - o, "%s/", objdir);
			text += 10;
		} else {
			out[o++] = *text++;
		}
	}
	out[o < len ? o : len - 1] = '\0';
}

static void check_page(const char *page, const char *objdir, const char *b)
{
	static struct page_cmd cmds[64];
	unsigned n = read_page(page, cmds, 64);
	if (n == 0)
		fail_msg("%s: no ```lab commands", page);
	char script[PATH_MAX], status[PATH_MAX], log[PATH_MAX];
	snprintf(script, sizeof script, "%s/page.sh", tmp);
	snprintf(status, sizeof status, "%s/status", tmp);
	snprintf(log, sizeof log, "%s/log", tmp);
	FILE *f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f, "export PATH=%s:$PATH\n", objdir);
	/* lab 2 leaks on purpose (rc on strong cycles): under the sanitized
	 * build LeakSanitizer would turn that lesson into a failed run */
	fputs("export ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\"\n", f);
	fprintf(f, small_env, tmp, tmp);
	unsigned ran = 0;
	for (unsigned i = 0; i < n; i++) {
		if (cmds[i].skip)
			continue;
		char cmd[2048];
		adapt(cmds[i].text, objdir, b, cmd, sizeof cmd);
		fprintf(f, "echo '@@ command %u' >&2\n%s </dev/null\necho \"%u $?\" >>%s\n", i, cmd,
			i, status);
		ran++;
	}
	fclose(f);
	remove(status);
	char cmdline[3 * PATH_MAX];
	snprintf(cmdline, sizeof cmdline, "sh %s >%s 2>&1", script, log);
	struct cmd_result r = cmd_run((const char *const[]){ "sh", "-c", cmdline, NULL });
	cmd_free(&r);
	f = fopen(status, "r");
	if (f == NULL)
		fail_msg("%s: no command ran", page);
	unsigned idx, got, seen = 0;
	int rc;
	while (fscanf(f, "%u %d", &idx, &rc) == 2) {
		got = idx;
		seen++;
		if (got < n && rc != cmds[got].want) {
			snprintf(cmdline, sizeof cmdline, "tail -c 1500 %s", log);
			struct cmd_result t = cmd_run((const char *const[]){ "sh", "-c", cmdline, NULL });
			fail_msg("%s: '%s' exited %d, the page says %d; its output ends:\n%s", page,
				 cmds[got].text, rc, cmds[got].want, t.out);
		}
	}
	fclose(f);
	if (seen != ran)
		fail_msg("%s: %u of %u commands reported", page, seen, ran);
}

static void every_lab_page_runs(void **state)
{
	(void)state;
	char objdir[PATH_MAX], b[PATH_MAX];
	if (realpath(mmlab_path(), objdir) == NULL)
		fail_msg("no mmlab at %s", mmlab_path());
	*strrchr(objdir, '/') = '\0';
	/* B as the Makefile's rules name it: relative to the top of the tree,
	 * or make would see other targets and rebuild */
	char cwd[PATH_MAX];
	assert_non_null(getcwd(cwd, sizeof cwd));
	size_t top = strlen(cwd);
	const char *rel = strncmp(objdir, cwd, top) == 0 && objdir[top] == '/' ? objdir + top + 1
									 : objdir;
	snprintf(b, sizeof b, "%s", rel);
	*strrchr(b, '/') = '\0';
	assert_non_null(mkdtemp(tmp));
	DIR *d = opendir("docs/labs");
	assert_non_null(d);
	char pages[16][NAME_MAX + 16];
	unsigned npages = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && npages < 16)
		if (strncmp(e->d_name, "lab", 3) == 0 && strstr(e->d_name, ".md") != NULL)
			snprintf(pages[npages++], sizeof pages[0], "docs/labs/%s", e->d_name);
	closedir(d);
	assert_int_equal(npages, 5);
	for (unsigned i = 0; i < npages; i++) {
		print_message("  %s\n", pages[i]);
		check_page(pages[i], objdir, b);
	}
	char rm[PATH_MAX + 16];
	snprintf(rm, sizeof rm, "rm -rf %s", tmp);
	struct cmd_result r = cmd_run((const char *const[]){ "sh", "-c", rm, NULL });
	cmd_free(&r);
}

/* The reader itself: a page whose command fails is caught. */
static void a_rotten_page_fails(void **state)
{
	(void)state;
	char path[] = "/tmp/mmlab-labpage-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char text[] = "x\n```lab\n$ mmlab nosuchcommand\n$ mmlab list  # exit 2\n"
			    "$ mmlab gone  # lab-check: skip\n```\n```sh\n$ not a lab line\n```\n";
	assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
	close(fd);
	struct page_cmd cmds[8];
	unsigned n = read_page(path, cmds, 8);
	remove(path);
	assert_int_equal(n, 3);
	assert_string_equal(cmds[0].text, "mmlab nosuchcommand");
	assert_int_equal(cmds[1].want, 2);
	assert_true(cmds[2].skip);
	char out[256];
	adapt("make lab-kit KIT=x && build/obj/own-lab cycle", "/o", "/b", out, sizeof out);
	assert_string_equal(out, "make -s B=/b lab-kit KIT=x && /o/own-lab cycle");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_rotten_page_fails),
		cmocka_unit_test(every_lab_page_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
