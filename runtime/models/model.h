/* model.h — the registry of memory models.
 *
 * Each model's header ends with MM_MODEL_OPS(...) (struct mm_model_ops,
 * runtime/api/mm_model.h), and model_ops.c, compiled once per model, turns
 * that into `mm_model_NAME`; model.c lists them in MM_MODEL_LIST order.
 * Invariant: the index of a model in the registry is its enum value.
 */
#ifndef MM_MODELS_MODEL_H
#define MM_MODELS_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/api/mm_model.h"
#include "runtime/models/list.h"

enum mm_model {
#define MM_MODEL_ENUM(name, a) MM_MODEL_##name,
	MM_MODEL_LIST(MM_MODEL_ENUM, )
#undef MM_MODEL_ENUM
	MM_MODEL_COUNT
};

/* The model with this enum value; NULL when out of range. */
const struct mm_model_ops *mm_model_get(enum mm_model m);
/* Look a model up by name; MM_MODEL_COUNT when unknown. */
enum mm_model mm_model_find(const char *name);
/* The model's name, or NULL when out of range. */
const char *mm_model_name(enum mm_model m);

/* The heap figures of a model whose bytes come from the context's
 * allocator: the allocator's, with requested = the live bytes. */
void mm_model_allocator_heap(struct mm_ctx *c, struct alloc_stats *out);

#endif
