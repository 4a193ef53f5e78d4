/* gc.h — the Boehm mark-sweep model (bdwgc).
 *
 * Objects come from Boehm's own heap (GC_MALLOC, conservatively scanned)
 * and carry no header: a node is just its slots and payload, exactly what a
 * hand-written Boehm program allocates.  Moves and drops are plain stores
 * and no-ops; the collector finds garbage itself.  References must live in
 * mm objects, on the stack or in globals, where Boehm can see them.
 */
#ifndef MM_MODELS_GC_H
#define MM_MODELS_GC_H

#include <gc.h>

#define PTR_HDR 0
#define PTR_CLONES 1 /* a second owner is a copy of the pointer */
#include "gc_model.h"
#include "ptr.h"

__attribute__((warn_unused_result)) static inline mm_own
mm_new_at(struct mm_ctx *c, const struct mm_type *t, const char *f, int l)
{
	(void)f, (void)l;
	size_t n = mm_type_size(t, 0);
	void *p = GC_MALLOC(n);
	if (__builtin_expect(p == NULL, 0))
		mm_fail_oom(c, n);
	c->allocs++;
	c->alloc_bytes += n;
	return (mm_own)p;
}

static inline void mm_drop_at(struct mm_ctx *c, mm_own o, const char *f, int l)
{
	(void)c, (void)o, (void)f, (void)l;
}

/* Nothing to free by hand: the collector does it (mm_drop never calls it). */
#define MM_FREE_TREE_FN(name, types, n)                                         \
	static void name(struct mm_ctx *c, uintptr_t root, const char *f, int l) \
	{                                                                        \
		(void)c, (void)root, (void)f, (void)l;                           \
	}

MM_MODEL_OPS(.summary = "Boehm mark-sweep (bdwgc): the collector finds garbage",
	     .pause = PROBE_PAUSE_GC, .takes_allocator = false, .heap_name = "bdwgc",
	     .counts_live = false,
	     .init = gc_model_init, .fini = gc_model_fini, .heap = gc_model_heap,
	     .bind = gc_model_bind,
	     .takes_options = true, .strong_cycles = true,
	     .options_help = "markers=N,incremental=0|1,divisor=N,full_freq=N")

#endif
