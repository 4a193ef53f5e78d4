/* system.c — the process's own malloc as an allocator.
 *
 * Which library serves malloc is decided before main (glibc, or the one
 * the CLI preloaded); this file forwards to it and reads the figures of
 * the backend found serving (sys_backend.h), plus RSS from /proc.
 * Requested bytes are not known here: the runtime counts them.
 */
#include "allocator.h"
#include "sys_backend.h"

#include <stdio.h>
#include <stdlib.h>

/* The state is the backend found at init.  A malloc none of the backends
 * serves (a sanitizer's) is read as glibc's, which is what it wraps. */
static int sys_init(void **state, const char *options, char *err, size_t errlen)
{
	const struct sys_backend *b = sys_serving(NULL, 0);
	*state = (void *)(b ? b : &sys_glibc);
	if (options && *options) {
		snprintf(err, errlen, "the system allocator takes no options (got '%s')", options);
		return -1;
	}
	return 0;
}

static void *sys_alloc(void *state, size_t size)
{
	(void)state;
	return malloc(size);
}

static void sys_free(void *state, void *ptr, size_t size)
{
	(void)state, (void)size;
	free(ptr);
}

static void *sys_realloc(void *state, void *ptr, size_t old_size, size_t new_size)
{
	(void)state, (void)old_size;
	return realloc(ptr, new_size);
}

static void sys_stats(void *state, struct alloc_stats *s)
{
	const struct sys_backend *b = state ? state : &sys_glibc;
	*s = (struct alloc_stats){ .known = 0 };
	snprintf(s->backend, sizeof s->backend, "%s", b->name);
	b->stats(s);
	s->resident = sys_resident_bytes();
	if (s->resident > 0)
		s->known |= ALLOC_KNOW_RESIDENT;
}

static void sys_fini(void *state)
{
	(void)state;
}

const struct alloc_ops alloc_system = {
	.abi = ALLOC_ABI_CURRENT,
	.name = "system",
	.summary = "the process's malloc",
	.init = sys_init,
	.alloc = sys_alloc,
	.free = sys_free,
	.realloc = sys_realloc,
	.reset = NULL,
	.stats = sys_stats,
	.fini = sys_fini,
};
