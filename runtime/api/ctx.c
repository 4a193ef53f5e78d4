/* ctx.c — creating and tearing down a model context, and its slow paths.
 *
 * The context knows its model only through the model's ops table: no
 * model is named here.  mm_fail_oom unwinds to the session's escape
 * point: a workload never sees a null allocation, and the process is
 * never taken over here.  mm_panic reports a broken rule to the context's
 * hook, or by default writes one line to stderr and aborts.
 */
#include "mm_ctx.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mm_model.h"

int mm_ctx_init(struct mm_ctx *c, const struct mm_model_ops *model,
		const struct alloc_ops *alloc, const char *alloc_options, char *err,
		size_t errlen)
{
	return mm_ctx_init_opts(c, model, alloc, alloc_options, NULL, err, errlen);
}

int mm_ctx_init_opts(struct mm_ctx *c, const struct mm_model_ops *model,
		     const struct alloc_ops *alloc, const char *alloc_options,
		     const struct mm_ctx_opts *opts, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	c->model = model;
	c->peak_hook_at = UINT64_MAX;
	c->model_options = opts && opts->model_options ? opts->model_options : "";
	c->heap_limit = opts ? opts->heap_limit : 0;
	c->probe = &probe_null;
	if (model == NULL) {
		snprintf(err, errlen, "no such model");
		return -1;
	}
	c->free_tree = model->free_tree;
	if (!model->takes_allocator) {
		if (alloc != NULL && alloc != &alloc_system) {
			snprintf(err, errlen, "the %s model takes no allocator: it brings its own heap",
				 model->name);
			return -1;
		}
	} else {
		c->alloc = alloc ? alloc : &alloc_system;
		if (c->alloc->init(&c->alloc_state, alloc_options ? alloc_options : "", err,
				   errlen) != 0) {
			c->alloc = NULL;
			return -1;
		}
		mm_ctx_use_allocator(c, c->alloc, c->alloc_state);
	}
	if (!model->takes_options && c->model_options[0] != '\0') {
		snprintf(err, errlen, "the %s model takes no options (got '%s')", model->name,
			 c->model_options);
		if (c->alloc != NULL)
			c->alloc->fini(c->alloc_state);
		c->alloc = NULL;
		return -1;
	}
	if (model->init != NULL && model->init(c, err, errlen) != 0) {
		if (c->alloc != NULL)
			c->alloc->fini(c->alloc_state);
		c->alloc = NULL;
		return -1;
	}
	if (c->heap_limit != 0 && c->alloc != NULL) {
		heap_limit_start(&c->limiter, c->alloc, c->alloc_state, c->heap_limit,
				 c->alloc != &alloc_system);
		mm_ctx_use_allocator(c, &heap_limit_ops, &c->limiter);
	}
	return 0;
}

void *mm_ctx_scratch(struct mm_ctx *c, size_t bytes)
{
	void *p = c->nscratch < MM_SCRATCH_MAX ? calloc(1, bytes ? bytes : 1) : NULL;
	if (p == NULL)
		mm_fail_oom(c, bytes);
	c->scratch[c->nscratch++] = p;
	return p;
}

void mm_ctx_fini(struct mm_ctx *c)
{
	while (c->nscratch > 0)
		free(c->scratch[--c->nscratch]);
	if (c->model != NULL && c->model->fini != NULL)
		c->model->fini(c);
	if (c->alloc == &heap_limit_ops)
		mm_ctx_use_allocator(c, c->limiter.inner, c->limiter.inner_state);
	if (c->alloc != NULL)
		c->alloc->fini(c->alloc_state);
	c->alloc = NULL;
}

void mm_ctx_use_allocator(struct mm_ctx *c, const struct alloc_ops *ops, void *state)
{
	c->alloc = ops;
	c->alloc_state = state;
	c->free_direct = ops == &alloc_system;
	atomic_store(&c->alloc_direct, c->free_direct);
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
	if (c->model->bind != NULL)
		c->model->bind(c);
	return 0;
}

void mm_ctx_heap(struct mm_ctx *c, struct alloc_stats *out)
{
	c->model->heap(c, out);
}

/* The poll flag is cleared before the hook runs, so a tick that lands
 * during the hook is kept for the next poll; the allocation fast path
 * goes back to direct calls once nothing is due. */
void mm_ctx_poll(struct mm_ctx *c)
{
	atomic_store_explicit(&c->poll_due, false, memory_order_relaxed);
	if (c->poll != NULL)
		c->poll(c->poll_arg);
	atomic_store_explicit(&c->alloc_direct, c->free_direct, memory_order_relaxed);
}

void mm_ctx_peak_hook(struct mm_ctx *c)
{
	c->peak_hook_at = c->live_bytes + c->live_bytes / 16;
	if (c->peak_hook != NULL)
		c->peak_hook(c->poll_arg);
}

void mm_fail_oom(struct mm_ctx *c, size_t size)
{
	c->failed_size = size;
	c->limit_hit = c->heap_limit != 0;
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
