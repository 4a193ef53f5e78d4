/* gc_model.h — the gc model's slow paths: starting Boehm, its collection
 * events, its heap figures, and the requested bytes live (gc.c says how:
 * peak live under gc is requested bytes, as under every other model). */
#ifndef MM_MODELS_GC_MODEL_H
#define MM_MODELS_GC_MODEL_H

#include <stddef.h>

#include "runtime/api/mm_ctx.h"

/* Learn the Boehm size class of each type the workload bound: every gc
 * request is one type's size (mm_new), so the classes are known before
 * the first allocation and the allocation path checks nothing. */
void gc_model_bind(struct mm_ctx *c);

int gc_model_init(struct mm_ctx *c, char *err, size_t errlen);
void gc_model_fini(struct mm_ctx *c);

/* Boehm's heap figures, normalized (footprint, free) and raw, read
 * without taking Boehm's lock: on the mutator thread, including from
 * inside a collection event (gc.c says why that is safe). */
void gc_model_heap(struct mm_ctx *c, struct alloc_stats *out);

#endif
