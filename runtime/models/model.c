/* model.c — the registry of memory models, generated from MM_MODEL_LIST.
 *
 * Invariant: models[m] is the model whose enum value is m.
 */
#include "runtime/models/model.h"

#include <string.h>

#define MM_MODEL_DECLARE(name, a) extern const struct mm_model_ops mm_model_##name;
MM_MODEL_LIST(MM_MODEL_DECLARE, )
#undef MM_MODEL_DECLARE

static const struct mm_model_ops *const models[] = {
#define MM_MODEL_ROW(name, a) [MM_MODEL_##name] = &mm_model_##name,
	MM_MODEL_LIST(MM_MODEL_ROW, )
#undef MM_MODEL_ROW
};

const struct mm_model_ops *mm_model_get(enum mm_model m)
{
	return (unsigned)m < MM_MODEL_COUNT ? models[m] : NULL;
}

const char *mm_model_name(enum mm_model m)
{
	return (unsigned)m < MM_MODEL_COUNT ? models[m]->name : NULL;
}

enum mm_model mm_model_find(const char *name)
{
	for (unsigned m = 0; m < MM_MODEL_COUNT; m++)
		if (strcmp(models[m]->name, name) == 0)
			return (enum mm_model)m;
	return MM_MODEL_COUNT;
}

void mm_model_allocator_heap(struct mm_ctx *c, struct alloc_stats *out)
{
	c->alloc->stats(c->alloc_state, out);
	alloc_figure_set(out, ALLOC_FIG_REQUESTED, c->live_bytes);
}
