/* gc_model.h — the gc model's slow paths: starting Boehm, its collection
 * events, its heap figures, and the requested bytes live (gc.c says how:
 * peak live under gc is requested bytes, as under every other model). */
#ifndef MM_MODELS_GC_MODEL_H
#define MM_MODELS_GC_MODEL_H

#include <stddef.h>

#include "runtime/api/mm_ctx.h"

/* The last request size whose Boehm size class is known; a request of
 * another size goes through gc_model_new_request once (obj: its object). */
extern size_t gc_last_request;
void gc_model_new_request(size_t n, void *obj);

int gc_model_init(struct mm_ctx *c, char *err, size_t errlen);
void gc_model_fini(struct mm_ctx *c);

/* Boehm's heap figures, normalized (footprint, free) and raw, read
 * without taking Boehm's lock: on the mutator thread, including from
 * inside a collection event (gc.c says why that is safe). */
void gc_model_heap(struct mm_ctx *c, struct alloc_stats *out);

#endif
