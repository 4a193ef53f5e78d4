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
#include "runtime/probes/clock.h"
#include "runtime/models/model.h"
#include "mm_type.h"
#include "runtime/probes/probe.h"

struct mm_ctx;
struct sampler;

/* One entry of the own model's generation table (see models/own.h).
 * gen, borrow and state share one word, meta, so that the common check
 * "this handle owns a live, unborrowed object" is one compare and a drop
 * one store (OWN_META in models/own_table.h); spare stays 0. */
struct own_entry {
	void *obj; /* the object; the next free index while free */
	union {
		struct {
			uint32_t gen;    /* bumped when the object is dropped */
			uint16_t borrow; /* OWN_MUT, or the number of live shared borrows */
			uint8_t state;   /* OWN_FREE, OWN_LOOSE or OWN_HELD */
			uint8_t spare;
		};
		uint64_t meta;
	};
};

/* Called on a broken ownership rule: file:line of the workload's call and
 * a sentence naming the rule.  Must not return normally (abort, or
 * longjmp out as the cmocka tests do). */
typedef void (*mm_panic_fn)(void *st, const char *file, int line, const char *msg);

/* Free an owned subtree whose root is already unowned: an object pointer
 * under manual and rc, a table index under own.  file:line is the drop's
 * call site, for own's reports.  Workload builds install a version
 * specialised to their own types (MM_FREE_TREE_FN). */
typedef void (*mm_free_tree_fn)(struct mm_ctx *c, uintptr_t root, const char *file, int line);

struct mm_ctx {
	/* hot: every allocation */
	const struct alloc_ops *alloc;
	void *alloc_state;
	/* true: the system malloc, called directly, not through the table.
	 * The heap sampler's timer signal clears it to divert the next
	 * allocation to the table path, which polls sample_due: the fast path
	 * keeps its one test (Go preempts goroutines with the same trick). */
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

	/* own model */
	struct own_entry *own_table;
	uint32_t own_cap;
	uint32_t own_free; /* head of the free-index list, 0 when empty */
	uint32_t own_loose;

	/* probes */
	const struct probe_listener *probe;
	void *probe_state;
	_Atomic bool sample_due;  /* the sampler's tick: take a heap sample */
	struct sampler *sampler;  /* NULL: no heap sampling (see sampler.h) */

	/* failure */
	jmp_buf *escape;       /* where an allocation failure unwinds to */
	size_t failed_size;    /* the request that failed */
	mm_panic_fn panic;
	void *panic_state;
	char panic_msg[256]; /* the last rule broken, kept for the panic hook */

	enum mm_model model;
	uint64_t gc_heap_peak; /* gc: largest heap in use after a collection */
	uint64_t gc_collections;
};

/* Set up a context for a model over an allocator (ignored by gc).
 * Returns 0, or -1 with a message in err. */
int mm_ctx_init(struct mm_ctx *c, enum mm_model model, const struct alloc_ops *alloc,
		const char *alloc_options, char *err, size_t errlen);
void mm_ctx_fini(struct mm_ctx *c);

/* The types the running workload allocates, checked against the
 * invariant types[i].id == i, and its specialised subtree free (NULL: the
 * model's generic one).  Returns 0, or -1 when the types are malformed. */
int mm_ctx_bind_types(struct mm_ctx *c, const struct mm_type *types, uint32_t n,
		      mm_free_tree_fn free_tree);

/* Objects and bytes never freed (zero under gc, which reclaims them). */
uint64_t mm_ctx_leaked_objects(const struct mm_ctx *c);

/* The allocator's current figures whatever the model (gc: Boehm's heap);
 * requested is the live bytes the runtime counts.  Mutator thread only. */
void mm_alloc_stats(struct mm_ctx *c, struct alloc_stats *out);

/* Slow paths shared by the models. */
_Noreturn void mm_fail_oom(struct mm_ctx *c, size_t size);
/* Take the heap sample the sampler asked for (defined in sampler.c). */
void mm_sample_heap(struct mm_ctx *c);
_Noreturn void mm_panic(struct mm_ctx *c, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Allocation through the ops table: a teaching allocator's path, and the
 * system malloc's while a heap sample is due. */
static inline void *mm_table_alloc(struct mm_ctx *c, size_t size)
{
	if (__builtin_expect(atomic_load_explicit(&c->sample_due, memory_order_relaxed), 0))
		mm_sample_heap(c);
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
	if (c->live_bytes > c->peak_live_bytes)
		c->peak_live_bytes = c->live_bytes;
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
