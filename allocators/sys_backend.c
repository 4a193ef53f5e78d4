/* sys_backend.c — finding which malloc library serves the process.
 *
 * The library that defines the malloc we call is the one that serves us
 * (LD_PRELOAD puts it ahead of libc); a backend is recognised by its marker
 * symbol living in that same object.  Only dlsym and dladdr are used, so
 * the answer is about the process as it runs, not as it was linked.
 */
#include "sys_backend.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static const struct sys_backend *const backends[] = {
	&sys_jemalloc,
	&sys_tcmalloc,
	&sys_mimalloc,
	&sys_glibc,
};

sys_fn sys_symbol(const char *name)
{
	void *p = dlsym(RTLD_DEFAULT, name);
	return (sys_fn)p;
}

/* The base address of the object that defines p, or NULL. */
static void *object_of(void *p, char *path, size_t len)
{
	Dl_info info;
	if (p == NULL || dladdr(p, &info) == 0)
		return NULL;
	if (path != NULL)
		snprintf(path, len, "%s", info.dli_fname ? info.dli_fname : "?");
	return info.dli_fbase;
}

const struct sys_backend *sys_serving(char *lib, size_t len)
{
	if (lib != NULL && len > 0)
		lib[0] = '\0';
	void *base = object_of(dlsym(RTLD_DEFAULT, "malloc"), lib, len);
	if (base == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++)
		if (object_of(dlsym(RTLD_DEFAULT, backends[i]->marker), NULL, 0) == base)
			return backends[i];
	return NULL;
}

uint64_t sys_resident_bytes(void)
{
	/* read(2), not stdio: no allocation, so it is safe to call between
	 * two operations of a trace being measured */
	char buf[128];
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	unsigned long long size = 0, rss = 0;
	if (sscanf(buf, "%llu %llu", &size, &rss) != 2)
		return 0;
	return (uint64_t)rss * (uint64_t)sysconf(_SC_PAGESIZE);
}
