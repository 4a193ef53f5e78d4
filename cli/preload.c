/* preload.c — running on the system allocator asked for, re-executing
 * mmlab with its library in LD_PRELOAD when it does not serve malloc yet.
 *
 * Invariant: at most one re-exec per command (MMLAB_PRELOAD marks it); a
 * run goes on only once the library serving malloc is the one asked for,
 * and LD_PRELOAD is then cleared so our own children start clean. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allocators/sys_backend.h"
#include "cli.h"

#define PRELOAD_GUARD "MMLAB_PRELOAD"
#define PRELOAD_PATH "MMLAB_PRELOAD_PATH"

enum { ARGV_MAX = 256 };

/* Look for `soname` in dir; true with its path in out. */
static bool found_in(const char *dir, size_t dirlen, const char *soname, char *out,
		     size_t len)
{
	if (dirlen == 0)
		return false;
	int n = snprintf(out, len, "%.*s/%s", (int)dirlen, dir, soname);
	return n > 0 && (size_t)n < len && access(out, R_OK) == 0;
}

/* The directory glibc itself was loaded from: where Debian puts the
 * other libraries of this architecture. */
static bool libc_dir(char *dir, size_t len)
{
	Dl_info info;
	void *sym = dlsym(RTLD_DEFAULT, "gnu_get_libc_version");
	if (sym == NULL || dladdr(sym, &info) == 0 || info.dli_fname == NULL)
		return false;
	const char *slash = strrchr(info.dli_fname, '/');
	if (slash == NULL)
		return false;
	snprintf(dir, len, "%.*s", (int)(slash - info.dli_fname), info.dli_fname);
	return true;
}

/* The path of a library to preload: searched in $MMLAB_PRELOAD_PATH when
 * set, else in glibc's directory and its /usr twin. */
static bool resolve(const char *soname, char *out, size_t len)
{
	const char *list = getenv(PRELOAD_PATH);
	if (list != NULL) {
		for (const char *p = list; *p;) {
			size_t n = strcspn(p, ":");
			if (found_in(p, n, soname, out, len))
				return true;
			p += n + (p[n] == ':');
		}
		return false;
	}
	char dir[PATH_MAX], usr[PATH_MAX + 8];
	if (!libc_dir(dir, sizeof dir))
		return false;
	snprintf(usr, sizeof usr, "/usr%s", dir);
	return found_in(dir, strlen(dir), soname, out, len) ||
	       (strncmp(dir, "/usr/", 5) != 0 && found_in(usr, strlen(usr), soname, out, len));
}

static int reexec(const char *preload, int argc, char **argv, const char *name)
{
	const char *args[ARGV_MAX];
	if (argc + 2 > ARGV_MAX) {
		cli_error("too many arguments to re-run with %s", name);
		return EXIT_USAGE;
	}
	args[0] = "mmlab";
	for (int i = 0; i < argc; i++)
		args[1 + i] = argv[i];
	args[1 + argc] = NULL;
	if (preload != NULL)
		setenv("LD_PRELOAD", preload, 1);
	else
		unsetenv("LD_PRELOAD");
	setenv(PRELOAD_GUARD, name, 1);
	fflush(NULL);
	execv("/proc/self/exe", (char *const *)args);
	cli_error("cannot re-run myself to load %s: %s", name, strerror(errno));
	return EXIT_RUN;
}

int preload_select(const struct alloc_entry *a, int argc, char **argv)
{
	if (a->ops != &alloc_system)
		return EXIT_OK;
	char lib[PATH_MAX];
	const struct sys_backend *b = sys_serving(lib, sizeof lib);
	bool again = getenv(PRELOAD_GUARD) != NULL;
	if (b != NULL && strcmp(b->name, a->name) == 0) {
		if (again) {
			unsetenv("LD_PRELOAD");
			unsetenv(PRELOAD_GUARD);
		}
		return EXIT_OK;
	}
	/* A sanitizer must serve malloc itself, and insists on coming first
	 * among the libraries: it wraps glibc, and nothing can be preloaded. */
	if (sys_symbol("__asan_init") != NULL) {
		if (a->preload == NULL)
			return EXIT_OK;
		cli_error("allocator %s cannot run in a sanitizer build: the sanitizer serves "
			  "malloc and must be loaded first",
			  a->name);
		return EXIT_USAGE;
	}
	if (again) {
		cli_error("loading %s did not take: malloc is served by %s (%s), not %s", a->name,
			  lib[0] ? lib : "an unknown object", b ? b->name : "not a known library",
			  a->name);
		return EXIT_USAGE;
	}
	if (a->preload == NULL) { /* glibc, with another malloc preloaded by the user */
		if (getenv("LD_PRELOAD") != NULL)
			return reexec(NULL, argc, argv, a->name);
		cli_error("malloc is served by %s, not glibc", lib[0] ? lib : "an unknown object");
		return EXIT_USAGE;
	}
	char path[PATH_MAX];
	if (!resolve(a->preload, path, sizeof path)) {
		const char *list = getenv(PRELOAD_PATH);
		if (list != NULL)
			cli_error("allocator %s needs %s, not found in %s=%s (Debian package %s)",
				  a->name, a->preload, PRELOAD_PATH, list, a->package);
		else
			cli_error("allocator %s needs %s, which is not installed: apt-get install %s "
				  "(Debian package %s)",
				  a->name, a->preload, a->package, a->package);
		return EXIT_USAGE;
	}
	return reexec(path, argc, argv, a->name);
}

bool preload_library(const struct alloc_entry *a, char *out, size_t len)
{
	return a->preload != NULL && resolve(a->preload, out, len);
}
