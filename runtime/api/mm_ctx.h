/* mm_ctx.h — the context every workload call carries, and its slow paths.
 *
 * The struct is visible because model fast paths are inlined into each
 * workload; fields touched on every allocation come first.  Counters
 * (allocs, frees, alloc_bytes) only grow; live_bytes is a gauge and
 * peak_live_bytes its high-water mark.  Invariant: live_bytes equals the
 * sum of the sizes of the objects the model has not yet freed.
 */
#ifndef MM_CTX_H
#define MM_CTX_H

#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "allocators/allocator.h"
#include "allocators/stat_count.h"
#include "runtime/probes/clock.h"
#include "heap_limit.h"
#include "mm_type.h"
#include "runtime/probes/probe.h"

struct mm_ctx;
struct mm_model_ops;

enum { MM_SCRATCH_MAX = 16 };

/* Called on a broken ownership rule: file:line of the workload's call and
 * a sentence naming the rule.  Must not return normally (abort, or
 * longjmp out as the cmocka tests do). */
typedef void (*mm_panic_fn)(void *st, const char *file, int line, const char *msg);

/* Free an owned subtree whose root is already unowned, given the root
 * object's address (every model).  file:line is the drop's
 * call site, for own's reports.  Workload builds install a version
 * specialised to their own types (MM_FREE_TREE_FN). */
typedef void (*mm_free_tree_fn)(struct mm_ctx *c, uintptr_t root, const char *file, int line);

struct mm_ctx {
	/* hot: every allocation */
	const struct alloc_ops *alloc;
	void *alloc_state;
	/* true: the system malloc, called directly, not through the table.
	 * A probe that wants the mutator's attention (the heap sampler's
	 * timer) sets poll_due and clears this, to divert the next allocation
	 * to the table path, which polls: the fast path keeps its one test
	 * (Go preempts goroutines with the same trick). */
	_Atomic bool alloc_direct;
	bool free_direct;  /* the system free: call it; never diverted */
	bool timed;        /* the listener wants pause and step times */
	const struct mm_type *types;
	uint32_t ntypes;
	mm_free_tree_fn free_tree;
	uint64_t live_bytes;
	uint64_t peak_live_bytes; /* up to date after mm_note_peak */
	uint64_t allocs;
	uint64_t frees;
	uint64_t alloc_bytes;

	/* the model's own words (own: its handle table) */
	void *m_table;
	uint32_t m_cap;
	uint32_t m_free;

	/* probes */
	const struct probe_listener *probe;
	void *probe_state;
	/* the poll hook: set poll_due (from a signal handler, too) and the
	 * mutator calls poll(poll_arg) at its next allocation, pause end or
	 * step; NULL poll: nothing hooked, the flag is just cleared */
	_Atomic bool poll_due;
	void (*poll)(void *arg);
	void *poll_arg;
	/* the peak hook: called when live bytes reach a new peak at or above
	 * peak_hook_at (UINT64_MAX: never), which it then raises by a
	 * sixteenth; the session samples the heap there when the allocator
	 * cannot give its figures at the peak itself (docs/metrics.md) */
	uint64_t peak_hook_at;
	void (*peak_hook)(void *arg);

	/* failure */
	jmp_buf *escape;       /* where an allocation failure unwinds to */
	size_t failed_size;    /* the request that failed */
	mm_panic_fn panic;
	void *panic_state;
	char panic_msg[256]; /* the last rule broken, kept for the panic hook */

	const struct mm_model_ops *model;
	uint64_t collections; /* whole-heap collections the model ran */
	uint64_t shares;      /* mm_share calls that added a counted holder (rc) */
	uint64_t borrows;     /* borrows taken (own: counted at the end, from its records) */

	/* configuration, set before the model's init (mm_ctx_init_opts) */
	const char *model_options; /* "key=value,..." after -m NAME: ("" when none) */
	uint64_t heap_limit;       /* bytes; 0: none */
	bool limit_hit;            /* an allocation failed at the heap limit */
	struct heap_limit limiter; /* wraps the allocator when heap_limit is set */
	void *m_cycles;            /* rc: the cycle collector, NULL when off */
	/* the workload's plain-C bookkeeping (mm_ctx_scratch), freed by
	 * mm_ctx_fini, so a run unwound by a failed allocation leaks none */
	void *scratch[MM_SCRATCH_MAX];
	unsigned nscratch;
	/* peak_live_bytes is an estimate, not a count (gc, when a size class
	 * of Boehm's held requests of several sizes) */
	bool peak_live_estimated;
};

/* Set up a context for a model over an allocator (NULL: the system
 * malloc; a model that brings its own heap refuses any other).  Returns 0,
 * or -1 with a message in err. */
int mm_ctx_init(struct mm_ctx *c, const struct mm_model_ops *model,
		const struct alloc_ops *alloc, const char *alloc_options, char *err,
		size_t errlen);
void mm_ctx_fini(struct mm_ctx *c);

/* The same, with the model's options ("key=value,..." that the model's
 * init parses; NULL or "": none) and a heap limit in bytes (0: none; the
 * model enforces it: gc through Boehm's maximum heap size, the others by
 * refusing allocations that would take the bytes they hold past it). */
struct mm_ctx_opts {
	const char *model_options;
	uint64_t heap_limit;
};
int mm_ctx_init_opts(struct mm_ctx *c, const struct mm_model_ops *model,
		     const struct alloc_ops *alloc, const char *alloc_options,
		     const struct mm_ctx_opts *opts, char *err, size_t errlen);

/* The types the running workload allocates, checked against the
 * invariant types[i].id == i, and its specialised subtree free (NULL: the
 * model's generic one).  Returns 0, or -1 when the types are malformed. */
int mm_ctx_bind_types(struct mm_ctx *c, const struct mm_type *types, uint32_t n,
		      mm_free_tree_fn free_tree);

/* Route the context's allocations through another table and state (the
 * allocation timer wraps the allocator this way), or give them back. */
void mm_ctx_use_allocator(struct mm_ctx *c, const struct alloc_ops *ops, void *state);

/* The heap's figures now, as the model reports them.  Mutator thread only. */
void mm_ctx_heap(struct mm_ctx *c, struct alloc_stats *out);

/* Zeroed bookkeeping memory for the running workload (hash maps, free
 * lists: plain C, not heap objects of the model), owned by the context and
 * freed by mm_ctx_fini.  Never NULL: failure unwinds like an allocation. */
void *mm_ctx_scratch(struct mm_ctx *c, size_t bytes);

/* Slow paths shared by the models. */
_Noreturn void mm_fail_oom(struct mm_ctx *c, size_t size);
/* Run the hook the context's poll flag asked for (the heap sampler's). */
void mm_ctx_poll(struct mm_ctx *c);
/* Live bytes reached a new peak past peak_hook_at: run the peak hook. */
void mm_ctx_peak_hook(struct mm_ctx *c);
_Noreturn void mm_panic(struct mm_ctx *c, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Allocation through the ops table: a teaching allocator's path, and the
 * system malloc's while a poll is due. */
static inline void *mm_table_alloc(struct mm_ctx *c, size_t size)
{
	if (__builtin_expect(atomic_load_explicit(&c->poll_due, memory_order_relaxed), 0))
		mm_ctx_poll(c);
	return c->alloc->alloc(c->alloc_state, size);
}

/* Bytes from the context's allocator; never NULL (failure unwinds). */
static inline void *mm_bytes_alloc(struct mm_ctx *c, size_t size)
{
	void *p = __builtin_expect(c->alloc_direct, 1) ? malloc(size) : mm_table_alloc(c, size);
	if (__builtin_expect(p == NULL, 0))
		mm_fail_oom(c, size);
	c->allocs++;
	c->alloc_bytes += size;
	c->live_bytes += size;
	return p;
}

/* live_bytes only falls when something is freed, so its peak is always
 * reached just before a free: models call this before freeing (and the
 * session at the end), which keeps the compare off the allocation path. */
static inline void mm_note_peak(struct mm_ctx *c)
{
	if (stat_max(&c->peak_live_bytes, c->live_bytes) &&
	    __builtin_expect(c->live_bytes >= c->peak_hook_at, 0))
		mm_ctx_peak_hook(c);
}

static inline void mm_bytes_free(struct mm_ctx *c, void *p, size_t size)
{
	c->frees++;
	c->live_bytes -= size;
	if (__builtin_expect(c->free_direct, 1))
		free(p);
	else
		c->alloc->free(c->alloc_state, p, size);
}

/* Pause and step events; the clock is read only for a timed listener. */
static inline uint64_t mm_pause_begin(struct mm_ctx *c, enum probe_pause kind)
{
	if (!c->timed)
		return 0;
	uint64_t t = clock_now_ns();
	c->probe->pause_begin(c->probe_state, kind, t);
	return t;
}

static inline void mm_pause_end(struct mm_ctx *c, enum probe_pause kind)
{
	if (c->timed)
		c->probe->pause_end(c->probe_state, kind, clock_now_ns());
}

#endif
