/* gc_model.h — setting up and tearing down the gc model's collector hooks. */
#ifndef MM_MODELS_GC_MODEL_H
#define MM_MODELS_GC_MODEL_H

#include <stddef.h>

#include "runtime/api/mm_ctx.h"

int gc_model_init(struct mm_ctx *c, char *err, size_t errlen);
void gc_model_fini(struct mm_ctx *c);

/* Boehm's heap figures, normalized (footprint, free) and raw. */
void gc_model_stats(struct alloc_stats *out);
/* The same without taking Boehm's lock: for heap samples on the mutator
 * thread, including from inside a collection event. */
void gc_model_heap(struct alloc_stats *out);

#endif
