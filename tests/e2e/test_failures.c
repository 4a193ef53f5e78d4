/* test_failures.c — how mmlab fails: one test per
 * item.  A crash or a time-out is a message and exit status 3, a failed
 * model keeps its row, names of any length work, a replay's cost follows
 * its operations, conflicting options are refused with status 2.
 *
 * The crashing and hanging plug-ins are tests/conformance/fixtures/
 * plugin_crash.c and plugin_hang.c, built beside the mmlab under test
 * (VARIANT/tests/conformance/fixtures/); the example plug-in is
 * VARIANT/examples/plugin/example_alloc.so.  No assertion is on time.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/test.h"

static char dir[] = "/tmp/mmlab-failures-XXXXXX";

/* A file beside the mmlab under test: VARIANT/rel. */
static const char *beside(const char *rel)
{
	static char bufs[4][PATH_MAX];
	static int next;
	char m[PATH_MAX], *b = bufs[next++ % 4];
	snprintf(m, sizeof m, "%s", mmlab_path());
	snprintf(b, PATH_MAX, "%s/%s", dirname(m), rel);
	return b;
}

static const char *fixture(const char *name)
{
	char rel[128];
	snprintf(rel, sizeof rel, "tests/conformance/fixtures/%s.so", name);
	const char *p = beside(rel);
	if (access(p, R_OK) != 0)
		fail_msg("no fixture %s (make test-e2e builds it)", p);
	return p;
}

/* "plugin:PATH" in a buffer of its own. */
static const char *plugin(const char *path)
{
	static char bufs[4][PATH_MAX + 16];
	static int next;
	char *b = bufs[next++ % 4];
	snprintf(b, PATH_MAX + 16, "plugin:%s", path);
	return b;
}

static const char *in_dir(const char *name)
{
	static char bufs[8][PATH_MAX];
	static int next;
	char *b = bufs[next++ % 8];
	snprintf(b, PATH_MAX, "%s/%s", dir, name);
	return b;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot read %s", path);
	static char text[1 << 20];
	*len = fread(text, 1, sizeof text - 1, f);
	text[*len] = '\0';
	fclose(f);
	return text;
}

static void expect(struct cmd_result *r, int status, const char *needle, const char *what)
{
	if (r->status != status || (needle != NULL && strstr(r->err, needle) == NULL))
		fail_msg("%s: status %d (wanted %d), stderr \"%s\" (wanted \"%s\"), stdout \"%s\"",
			 what, r->status, status, r->err, needle ? needle : "", r->out);
}

/* Bad input: status 2, one line "mmlab: ...", nothing on stdout. */
static void expect_usage(const char *const argv[], const char *needle)
{
	struct cmd_result r = cmd_run(argv);
	if (r.status != 2 || count_lines(r.err) != 1 || strncmp(r.err, "mmlab: ", 7) != 0 ||
	    r.out[0] != '\0' || strstr(r.err, needle) == NULL)
		fail_msg("%s %s %s: status %d, stdout \"%s\", stderr \"%s\" (wanted \"%s\")",
			 argv[1], argv[2] ? argv[2] : "", argv[2] && argv[3] ? argv[3] : "",
			 r.status, r.out, r.err, needle);
	cmd_free(&r);
}

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	struct cmd_result r = cmd_run((const char *const[]){ "rm", "-rf", dir, NULL });
	cmd_free(&r);
	return 0;
}

/* a crashing plug-in is "killed by signal N" and status 3. */
static void crash_is_a_message_and_status_3(void **state)
{
	(void)state;
	const char *a = plugin(fixture("plugin_crash"));
	struct cmd_result r = cmd_run(MMLAB("run", "-a", a, "-p", "depth=4", "-q"));
	expect(&r, 3, "mmlab: the run was killed by signal ", "run on a crashing plug-in");
	cmd_free(&r);
	r = cmd_run(MMLAB("replay", "-a", a, "traces/small-blocks.rep"));
	expect(&r, 3, "killed by signal ", "replay on a crashing plug-in");
	cmd_free(&r);
}

/* --timeout stops run, matrix, repeat and replay: the work is
 * killed, the message says so, status 3. */
static void timeout_stops_every_command(void **state)
{
	(void)state;
	/* the hanging plug-in under a name of this test's own, so that the
	 * check below sees this test's processes and no one else's */
	char link[64];
	snprintf(link, sizeof link, "/tmp/mmlab-hang-%ld.so", (long)getpid());
	unlink(link);
	char target[PATH_MAX];
	assert_non_null(realpath(fixture("plugin_hang"), target));
	assert_int_equal(symlink(target, link), 0);
	const char *a = plugin(link);
	struct cmd_result r = cmd_run(MMLAB("run", "-a", a, "-p", "depth=4", "-q", "--timeout", "1"));
	expect(&r, 3, "mmlab: the run timed out after 1 s", "run --timeout");
	cmd_free(&r);
	r = cmd_run(MMLAB("run", "-a", a, "-p", "depth=4", "--repeat", "2", "--timeout", "1"));
	expect(&r, 3, "the manual run timed out after 1 s", "run --repeat --timeout");
	cmd_free(&r);
	r = cmd_run(MMLAB("matrix", "-a", a, "-p", "depth=4", "--models", "manual,gc", "--timeout",
			  "1"));
	expect(&r, 3, "the manual run timed out after 1 s", "matrix --timeout");
	cmd_free(&r);
	r = cmd_run(MMLAB("replay", "-a", a, "--timeout", "1", "traces/small-blocks.rep"));
	expect(&r, 3, "timed out after 1 s", "replay --timeout");
	cmd_free(&r);
	/* nothing of the hanging plug-in is left running */
	r = cmd_run((const char *const[]){ "pgrep", "-f", link, NULL });
	if (r.status == 0)
		fail_msg("still running after a time-out: %s", r.out);
	cmd_free(&r);
	unlink(link);
	expect_usage(MMLAB("run", "--timeout", "0"), "--timeout");
	expect_usage(MMLAB("matrix", "--timeout", "1.5"), "--timeout");
	expect_usage(MMLAB("replay", "--timeout", "x", "traces/small-blocks.rep"), "--timeout");
}

/* the model that failed keeps its row and its JSON entry, with
 * the error; the others are there as usual. */
static void failed_model_keeps_its_row(void **state)
{
	(void)state;
	const char *a = plugin(fixture("plugin_crash"));
	const char *json = in_dir("matrix.json");
	struct cmd_result r = cmd_run(MMLAB("matrix", "-a", a, "-p", "depth=4", "--models",
					    "manual,gc", "--json", json));
	expect(&r, 3, "the manual run", "matrix with a crashing model");
	const char *row = strstr(r.out, "\nmanual ");
	if (row == NULL || strstr(row, "killed by signal") == NULL)
		fail_msg("no row with the error for manual:\n%s", r.out);
	assert_non_null(strstr(r.out, "\ngc "));
	assert_non_null(strstr(r.out, "the same under every model that ran"));
	size_t len;
	char *text = read_file(json, &len);
	json_t *j = need_json(text, len);
	json_t *table = need(j, "table");
	assert_true(json_is_array(table));
	bool found = false;
	for (size_t i = 0; i < json_array_size(table); i++) {
		json_t *e = json_array_get(table, i);
		if (strcmp(need_str(e, "model"), "manual") != 0)
			continue;
		found = true;
		if (strstr(need_str(e, "error"), "killed by signal") == NULL)
			fail_msg("manual's entry has error \"%s\"", need_str(e, "error"));
	}
	if (!found)
		fail_msg("the JSON table has no entry for manual:\n%s", text);
	json_decref(j);
	cmd_free(&r);
}

/* a plug-in path far longer than any old buffer (160, 256) runs
 * under run, matrix, repeat and --record. */
static void long_plugin_paths_work(void **state)
{
	(void)state;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s", dir);
	for (int i = 0; i < 8; i++) {
		size_t n = strlen(path);
		snprintf(path + n, sizeof path - n, "/%s%d", "a-rather-long-folder-name-for-a-plug-in", i);
		assert_int_equal(mkdir(path, 0755), 0);
	}
	size_t n = strlen(path);
	snprintf(path + n, sizeof path - n, "/example_alloc.so");
	assert_true(strlen(path) > 300);
	const char *so = beside("examples/plugin/example_alloc.so");
	if (access(so, R_OK) != 0)
		fail_msg("no example plug-in %s (make test-e2e builds it)", so);
	char *abs = realpath(so, NULL);
	assert_non_null(abs);
	assert_int_equal(symlink(abs, path), 0);
	free(abs);
	const char *a = plugin(path);
	struct cmd_result r = cmd_run(MMLAB("run", "-a", a, "-p", "depth=4", "-q"));
	expect(&r, 0, NULL, "run on a long plug-in path");
	cmd_free(&r);
	r = cmd_run(MMLAB("matrix", "-a", a, "-p", "depth=4", "--models", "manual,own", "--json",
			  in_dir("long.json")));
	expect(&r, 0, NULL, "matrix on a long plug-in path");
	cmd_free(&r);
	size_t len;
	const char *text = read_file(in_dir("long.json"), &len);
	json_t *j = need_json(text, len);
	json_t *row = json_array_get(need(j, "table"), 0);
	assert_non_null(row);
	assert_string_equal(need_str(row, "allocator"), a); /* uncut */
	json_decref(j);
	r = cmd_run(MMLAB("run", "-a", a, "-p", "depth=4", "--repeat", "2"));
	expect(&r, 0, NULL, "repeat on a long plug-in path");
	cmd_free(&r);
	r = cmd_run(MMLAB("run", "-a", a, "-p", "depth=4", "-q", "--record", in_dir("long.trace")));
	expect(&r, 0, NULL, "--record on a long plug-in path");
	cmd_free(&r);
	assert_non_null(strstr(read_file(in_dir("long.trace"), &len), path));
}

/* a 2-operation trace declaring 2^26 ids replays within a 64 MiB
 * address space (per-id state for the declared count would need gigabytes),
 * and a replay out of memory is status 3 (not under ASan, whose heap
 * ignores the limit). */
static void replay_follows_operations_not_declared_ids(void **state)
{
	(void)state;
	write_file(in_dir("many-ids.rep"), "0\n67108864\n2\n1\na 0 16\nf 0\n");
	struct cmd_result r = cmd_run(MMLAB("replay", "--mem-limit", "64M", in_dir("many-ids.rep")));
	expect(&r, 0, NULL, "replay of a trace declaring 2^26 ids");
	cmd_free(&r);
	expect_usage(MMLAB("replay", "--mem-limit", "12q", "traces/small-blocks.rep"), "--mem-limit");
	if (getenv("MMLAB_SANITIZED")) /* ASan's heap takes no address-space limit */
		return;
	write_file(in_dir("huge.rep"), "0\n1\n2\n1\na 0 1073741824\nf 0\n");
	r = cmd_run(MMLAB("replay", "--mem-limit", "64M", in_dir("huge.rep")));
	expect(&r, 3, "out of memory", "replay out of memory");
	cmd_free(&r);
}

/* conflicting options are refused, before anything is written. */
static void conflicting_options_are_refused(void **state)
{
	(void)state;
	const char *same = in_dir("same.out");
	expect_usage(MMLAB("run", "--record", same, "--json", same), "--record and --json");
	assert_int_equal(access(same, F_OK), -1);
	expect_usage(MMLAB("run", "--seed", "1", "--seed", "2"), "--seed given twice");
	expect_usage(MMLAB("run", "-w", "binary-trees", "-w", "binary-trees"), "--workload given twice");
	expect_usage(MMLAB("run", "-q", "-q"), "--quiet given twice");
	expect_usage(MMLAB("matrix", "--models", "rc", "--models", "gc"), "--models given twice");
	expect_usage(MMLAB("replay", "--reps", "3", "--reps", "4", "traces/small-blocks.rep"),
		     "--reps given twice");
	/* --record -: refused, and no file named "-" appears */
	char cwd[PATH_MAX];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(dir), 0);
	char mmlab[2 * PATH_MAX + 2];
	if (mmlab_path()[0] == '/')
		snprintf(mmlab, sizeof mmlab, "%s", mmlab_path());
	else
		snprintf(mmlab, sizeof mmlab, "%s/%s", cwd, mmlab_path());
	struct cmd_result r = cmd_run((const char *const[]){ mmlab, "run", "--record", "-",
							      "-p", "depth=4", NULL });
	int made = access("-", F_OK);
	assert_int_equal(chdir(cwd), 0);
	expect(&r, 2, "--record", "--record -");
	assert_int_equal(made, -1);
	cmd_free(&r);
	/* --min-time reads numbers as the other options do */
	expect_usage(MMLAB("replay", "--min-time", "0x10", "traces/small-blocks.rep"), "--min-time");
	expect_usage(MMLAB("replay", "--min-time", " 1", "traces/small-blocks.rep"), "--min-time");
	expect_usage(MMLAB("replay", "--min-time", "1e1", "traces/small-blocks.rep"), "--min-time");
	expect_usage(MMLAB("replay", "--min-time", "inf", "traces/small-blocks.rep"), "--min-time");
	/* sizes: the one strict parser */
	expect_usage(MMLAB("run", "--mem-limit", "1G "), "--mem-limit");
	expect_usage(MMLAB("run", "--mem-limit", "99999999999999999999"), "--mem-limit");
	/* --help states every range */
	const char *cmds[][2] = { { "run", "--seed" }, { "run", "--mem-limit" }, { "run", "--timeout" },
				  { "run", "--repeat" }, { "matrix", "--timeout" },
				  { "replay", "--reps" }, { "replay", "--min-time" } };
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		r = cmd_run(MMLAB(cmds[i][0], "--help"));
		assert_int_equal(r.status, 0);
		const char *opt = strstr(r.out, cmds[i][1]);
		if (opt == NULL || strstr(opt, " to") == NULL ||
		    strstr(opt, " to") - opt > 160)
			fail_msg("mmlab %s --help gives no range for %s", cmds[i][0], cmds[i][1]);
		cmd_free(&r);
	}
}

/* the replay table's columns line up whatever the trace names'
 * length (the shipped binary-trees.trace is longer than the old column);
 * and no "1 operations". */
static void tables_align_and_plurals_agree(void **state)
{
	(void)state;
	struct cmd_result r = cmd_run(MMLAB("replay", "--reps", "1", "--min-time", "0",
					    "traces/binary-trees.trace", "traces/small-blocks.rep"));
	expect(&r, 0, NULL, "replay of the shipped traces");
	const char *head = strstr(r.out, "\ntrace ");
	assert_non_null(head);
	head++;
	const char *ops = strstr(head, " ops");
	assert_non_null(ops);
	size_t at = (size_t)(ops - head) + 3; /* the column's last character */
	const char *names[] = { "traces/binary-trees.trace", "traces/small-blocks.rep" };
	for (size_t i = 0; i < 2; i++) {
		const char *row = strstr(r.out, names[i]);
		assert_non_null(row);
		if (!(row[at] >= '0' && row[at] <= '9') || row[at + 1] != ' ')
			fail_msg("the ops of %s are not under their header:\n%s", names[i], r.out);
	}
	cmd_free(&r);
	write_file(in_dir("one.trace"), "mmlab-trace 1\na 0 8\n");
	r = cmd_run(MMLAB("replay", in_dir("one.trace")));
	expect(&r, 2, "no end line after 1 operation", "a trace cut after one operation");
	assert_null(strstr(r.err, "1 operations"));
	cmd_free(&r);
}

/* gc running out of memory says something true about its heap
 * (it counts no live bytes: "0 bytes live" was false). */
static void gc_out_of_memory_says_its_heap(void **state)
{
	(void)state;
	if (getenv("MMLAB_SANITIZED")) /* no address-space limit under ASan */
		skip();
	struct cmd_result r = cmd_run(MMLAB("run", "-m", "gc", "-p", "depth=18", "--mem-limit",
					    "16M", "-q"));
	expect(&r, 3, "out of memory: a request of ", "gc out of memory");
	assert_null(strstr(r.err, " 0 bytes live"));
	assert_non_null(strstr(r.err, "bdwgc heap of "));
	cmd_free(&r);
}

/* tools/deps.sh waits while another apt holds its lock, and
 * still stops at once on any other failure.  A fake apt-get (refusing
 * for the lock twice), id (root) and pkg-config (nothing installed). */
static void deps_waits_for_the_apt_lock(void **state)
{
	(void)state;
	char bin[PATH_MAX], path[2 * PATH_MAX + 32];
	snprintf(bin, sizeof bin, "%s/fakebin", dir);
	assert_int_equal(mkdir(bin, 0755), 0);
	char script[4 * PATH_MAX];
	snprintf(script, sizeof script,
		 "#!/bin/sh\n"
		 "n=$(cat %s/calls 2>/dev/null || echo 0); n=$((n + 1)); echo $n > %s/calls\n"
		 "if [ -f %s/other-error ]; then echo 'E: Unable to locate package' >&2; exit 100; fi\n"
		 "if [ $n -le 2 ]; then echo 'E: Could not get lock /var/lib/dpkg/lock-frontend. "
		 "It is held by process 42 (apt-get)' >&2; exit 100; fi\n"
		 "echo \"apt-get $*\" >> %s/log\n",
		 dir, dir, dir, dir);
	const char *files[][2] = { { "apt-get", script },
				   { "id", "#!/bin/sh\necho 0\n" },
				   { "pkg-config", "#!/bin/sh\nexit 1\n" } };
	for (size_t i = 0; i < 3; i++) {
		char f[PATH_MAX + 16];
		snprintf(f, sizeof f, "%s/%s", bin, files[i][0]);
		write_file(f, files[i][1]);
		assert_int_equal(chmod(f, 0755), 0);
	}
	snprintf(path, sizeof path, "PATH=%s:/usr/bin:/bin", bin);
	struct cmd_result r = cmd_run((const char *const[]){ "env", path, "MMLAB_APT_RETRY=0",
							      "sh", "tools/deps.sh", NULL });
	expect(&r, 0, "waiting for it", "deps.sh while apt holds its lock");
	cmd_free(&r);
	size_t len;
	const char *log = read_file(in_dir("log"), &len);
	assert_non_null(strstr(log, "apt-get -o DPkg::Lock::Timeout=0 update"));
	assert_non_null(strstr(log, "install -y"));
	/* another failure: at once, status not 0, apt's own message shown */
	write_file(in_dir("other-error"), "");
	r = cmd_run((const char *const[]){ "env", path, "MMLAB_APT_RETRY=0", "sh", "tools/deps.sh",
					   NULL });
	if (r.status == 0 || strstr(r.err, "Unable to locate package") == NULL ||
	    strstr(r.err, "waiting") != NULL)
		fail_msg("deps.sh on another failure: status %d, stderr %s", r.status, r.err);
	cmd_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crash_is_a_message_and_status_3),
		cmocka_unit_test(timeout_stops_every_command),
		cmocka_unit_test(failed_model_keeps_its_row),
		cmocka_unit_test(long_plugin_paths_work),
		cmocka_unit_test(replay_follows_operations_not_declared_ids),
		cmocka_unit_test(conflicting_options_are_refused),
		cmocka_unit_test(tables_align_and_plurals_agree),
		cmocka_unit_test(gc_out_of_memory_says_its_heap),
		cmocka_unit_test(deps_waits_for_the_apt_lock),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
