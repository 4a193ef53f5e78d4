/* mm_model.h — what the context knows of a memory model: its ops table.
 *
 * The context and the session ask a model nothing but these fields, so no
 * code outside a model's own files needs to know which model runs.  The
 * tables themselves, and their registry, live in runtime/models/.
 */
#ifndef MM_MM_MODEL_H
#define MM_MM_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "allocators/allocator.h"
#include "runtime/api/mm_ctx.h"
#include "runtime/probes/probe.h"

struct mm_model_ops {
	const char *name;    /* as typed after -m */
	const char *summary; /* one line for `mmlab list` */
	enum probe_pause pause; /* what its reclamation is timed as */
	/* true: its bytes come from the context's allocator (-a); false: it
	 * brings its own heap and refuses any allocator but the default. */
	bool takes_allocator;
	/* the heap it brings when it takes none, as the allocator column
	 * names it ("bdwgc"); NULL when it takes one */
	const char *heap_name;
	/* true: live_bytes is exact, so what is live at the end leaked */
	bool counts_live;
	/* true: it counts the borrows it takes (mm_ctx.borrows) */
	bool counts_borrows;
	/* true: each allocator call is one workload object (--record) */
	bool records;
	/* Set up after the allocator (when it takes one); 0, or -1 with a
	 * message in err.  NULL: nothing to set up. */
	int (*init)(struct mm_ctx *c, char *err, size_t errlen);
	/* Release what the model still holds; before the allocator's fini. */
	void (*fini)(struct mm_ctx *c);
	/* The heap's figures now; mutator thread only, never allocates. */
	void (*heap)(struct mm_ctx *c, struct alloc_stats *out);
	/* The subtree free of a root over the context's types (a workload
	 * build installs its specialised one); NULL: drops free nothing. */
	mm_free_tree_fn free_tree;
	/* The end of a run whose workload returned: checks what the model's
	 * rules say must hold then (own: nothing leaked), and may panic.
	 * NULL: nothing to check. */
	void (*end)(struct mm_ctx *c);
	/* The workload bound its types (mm_ctx_bind_types): a model that
	 * learns something of each type does it here.  NULL: nothing. */
	void (*bind)(struct mm_ctx *c);
	/* true: init parses c->model_options ("key=value,...", -m NAME:OPTS);
	 * false: any option is refused before init */
	bool takes_options;
	/* true: a strong edge may close a cycle (a collector reclaims it, or
	 * counting leaks it); false: a drop's subtree free would visit a
	 * freed object, so workloads refuse to build strong cycles */
	bool strong_cycles;
	/* the options, for `mmlab list` (NULL: none) */
	const char *options_help;
};

#endif
