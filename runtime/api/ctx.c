/* ctx.c — creating and tearing down a model context, and its slow paths.
 *
 * mm_fail_oom unwinds to the session's escape point: a workload never
 * sees a null allocation, and the process is never taken over here.
 * mm_panic reports a broken rule to the context's hook, or by default
 * writes one line to stderr and aborts.
 */
#include "mm_ctx.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime/models/gc_model.h"
#include "runtime/models/own_table.h"
#include "runtime/models/ptr_free.h"

static const mm_free_tree_fn generic_free[MM_MODEL_COUNT];

int mm_ctx_init(struct mm_ctx *c, enum mm_model model, const struct alloc_ops *alloc,
		const char *alloc_options, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	c->model = model;
	c->probe = &probe_null;
	if ((unsigned)model >= MM_MODEL_COUNT) {
		snprintf(err, errlen, "unknown model %d", (int)model);
		return -1;
	}
	c->free_tree = generic_free[model];
	if (model == MM_GC) {
		if (alloc != NULL && alloc != &alloc_system) {
			snprintf(err, errlen,
				 "the gc model takes no allocator: Boehm owns its heap");
			return -1;
		}
		return gc_model_init(c, err, errlen);
	}
	c->alloc = alloc ? alloc : &alloc_system;
	if (c->alloc->init(&c->alloc_state, alloc_options ? alloc_options : "", err, errlen) != 0)
		return -1;
	c->alloc_direct = c->alloc == &alloc_system;
	c->free_direct = c->alloc_direct;
	return 0;
}

void mm_ctx_fini(struct mm_ctx *c)
{
	if (c->model == MM_OWN)
		own_release_all(c);
	if (c->model == MM_GC)
		gc_model_fini(c);
	else if (c->alloc != NULL)
		c->alloc->fini(c->alloc_state);
	c->alloc = NULL;
}

int mm_ctx_bind_types(struct mm_ctx *c, const struct mm_type *types, uint32_t n,
		      mm_free_tree_fn free_tree)
{
	for (uint32_t i = 0; i < n; i++) {
		if (types[i].id != i || types[i].nslots > MM_MAX_SLOTS)
			return -1;
	}
	c->types = types;
	c->ntypes = n;
	if (free_tree != NULL)
		c->free_tree = free_tree;
	return 0;
}

static void generic_manual(struct mm_ctx *c, uintptr_t root, const char *f, int l)
{
	(void)f, (void)l;
	ptr_free_tree(c, (struct mm_obj *)root, false);
}

static void generic_rc(struct mm_ctx *c, uintptr_t root, const char *f, int l)
{
	(void)f, (void)l;
	ptr_free_tree(c, (struct mm_obj *)root, true);
}

static void generic_own(struct mm_ctx *c, uintptr_t root, const char *f, int l)
{
	own_free_tree(c, (uint32_t)root, f, l);
}

static const mm_free_tree_fn generic_free[MM_MODEL_COUNT] = {
	[MM_MANUAL] = generic_manual,
	[MM_RC] = generic_rc,
	[MM_GC] = NULL,
	[MM_OWN] = generic_own,
};

uint64_t mm_ctx_leaked_objects(const struct mm_ctx *c)
{
	return c->model == MM_GC ? 0 : c->allocs - c->frees;
}

void mm_fail_oom(struct mm_ctx *c, size_t size)
{
	c->failed_size = size;
	if (c->escape != NULL)
		longjmp(*c->escape, 1);
	mm_panic(c, __FILE__, __LINE__, "out of memory: a request of %zu bytes failed", size);
}

void mm_panic(struct mm_ctx *c, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->panic_msg, sizeof c->panic_msg, fmt, ap);
	va_end(ap);
	if (c->panic != NULL)
		c->panic(c->panic_state, file, line, c->panic_msg);
	fprintf(stderr, "mmlab: %s:%d: %s\n", file, line, c->panic_msg);
	abort();
}
