/* cmd_shim.c — `mmlab shim PLUGIN.so [PROGRAM ARGS...]`: a student's
 * plug-in as a real program's malloc.
 *
 * One library, mmlab-plugin-shim.so (lab/module.mk), is shims/shim.c over
 * the plug-in loader: it loads the plug-in MMLAB_SHIM_OPTIONS names on its
 * first malloc.  This command checks the plug-in loads, then either runs
 * PROGRAM with both variables set or prints them for a shell. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allocators/builtin.h"
#include "cli.h"

static const char usage[] =
	"usage: mmlab shim PLUGIN.so [--] [PROGRAM [ARGS...]]\n"
	"\n"
	"Serve a real program's malloc, free, realloc, calloc and memalign from a\n"
	"plug-in allocator (docs/plugins.md).  With PROGRAM, run it with the plug-in\n"
	"shim preloaded (its input, output and exit status are its own); without,\n"
	"print the two environment variables that do the same in a shell:\n"
	"\n"
	"  eval \"$(mmlab shim ./my_alloc.so)\" ... or:  mmlab shim ./my_alloc.so -- python3\n"
	"\n"
	"The shim is mmlab-plugin-shim.so, found in $MMLAB_SHIMS, else beside mmlab\n"
	"(B/shims in the source tree, PREFIX/lib/mmlab/shims installed).  With\n"
	"MMLAB_STATS=DIR set, the program writes the allocator's figures there at\n"
	"exit, as every shim does (docs/shims.md).\n"
	"\n"
	"  -h, --help   show this help\n"
	"\n"
	"Exit status: PROGRAM's own; 2 bad input (not a plug-in, no shim, a PROGRAM\n"
	"that cannot be run).\n";

/* The plug-in shim's path, into out; false when it is not there. */
static bool plugin_shim(char *out, size_t len)
{
	const char *env = getenv("MMLAB_SHIMS");
	char dir[PATH_MAX];
	if (env != NULL && *env) {
		snprintf(dir, sizeof dir, "%s", env);
	} else {
		ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
		dir[n > 0 ? n : 0] = '\0';
		char *slash = strrchr(dir, '/');
		if (slash == NULL)
			return false;
		*slash = '\0';
		size_t used = strlen(dir);
		snprintf(dir + used, sizeof dir - used, "/../shims");
	}
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/mmlab-plugin-shim.so", dir);
	if (realpath(path, out) == NULL || strlen(out) >= len)
		return false;
	return true;
}

int cmd_shim(int argc, char **argv)
{
	int first = 1;
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (argc > 1 && argv[1][0] == '-' && strcmp(argv[1], "--") != 0)
		return cli_bad_option("shim", 0, argv[1]);
	if (argc < 2) {
		cli_error("shim: no plug-in given (see mmlab shim --help)");
		return EXIT_USAGE;
	}
	const char *plugin = argv[first];
	char abs[PATH_MAX];
	if (strchr(plugin, ':') != NULL) {
		cli_error("shim: %s: a plug-in's path may not hold ':'", plugin);
		return EXIT_USAGE;
	}
	if (realpath(plugin, abs) == NULL) {
		cli_error("shim: %s: %s", plugin, strerror(errno));
		return EXIT_USAGE;
	}
	void *state;
	char err[512];
	if (alloc_plugin.init(&state, abs, err, sizeof err) != 0) {
		cli_error("shim: %s", err);
		return EXIT_USAGE;
	}
	alloc_plugin.fini(state);
	char shim[PATH_MAX];
	if (!plugin_shim(shim, sizeof shim)) {
		cli_error("shim: mmlab-plugin-shim.so not found beside mmlab (make shims, or set "
			  "MMLAB_SHIMS)");
		return EXIT_USAGE;
	}
	int prog = first + 1;
	if (prog < argc && strcmp(argv[prog], "--") == 0)
		prog++;
	if (prog >= argc) {
		printf("export LD_PRELOAD='%s'\nexport MMLAB_SHIM_OPTIONS='%s'\n", shim, abs);
		return EXIT_OK;
	}
	if (setenv("LD_PRELOAD", shim, 1) != 0 || setenv("MMLAB_SHIM_OPTIONS", abs, 1) != 0) {
		cli_error("shim: cannot set the environment: %s", strerror(errno));
		return EXIT_USAGE;
	}
	fflush(NULL);
	execvp(argv[prog], argv + prog);
	cli_error("shim: cannot run %s: %s", argv[prog], strerror(errno));
	return EXIT_USAGE;
}
