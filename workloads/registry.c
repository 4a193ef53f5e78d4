/* registry.c — every workload, each with its build for every model.
 *
 * WORKLOADS(X) lists the workload symbols once; the per-model builds of
 * each come from MM_MODEL_LIST, so a model added there is added here.
 * Invariant: all[i].impl[m] is workload i's build for model m.
 */
#include <string.h>

#include "runtime/models/model.h"
#include "workload.h"

#define WORKLOADS(X) X(binary_trees) X(lru_cache) X(cyclic_graph) X(web_requests)

#define WL_DECLARE(model, sym) extern const struct wl_impl wl_##sym##__##model;
#define WL_IMPL(model, sym) [MM_MODEL_##model] = &wl_##sym##__##model,
#define WL_IMPLS(sym)                             \
	MM_MODEL_LIST(WL_DECLARE, sym)            \
	static const struct wl_impl *const sym##_impls[MM_MODEL_COUNT] = { \
		MM_MODEL_LIST(WL_IMPL, sym)       \
	};
WORKLOADS(WL_IMPLS)

#define WL_ROW(sym) { .impl = sym##_impls },
static const struct wl_desc all[] = { WORKLOADS(WL_ROW) };

const struct wl_desc *wl_all(unsigned *count)
{
	*count = (unsigned)WL_COUNT(all);
	return all;
}

const struct wl_desc *wl_find(const char *name)
{
	for (unsigned i = 0; i < WL_COUNT(all); i++)
		if (strcmp(all[i].impl[0]->name, name) == 0)
			return &all[i];
	return NULL;
}

const struct wl_param *wl_param_find(const struct wl_impl *w, const char *name)
{
	for (unsigned i = 0; i < w->nparams; i++)
		if (strcmp(w->params[i].name, name) == 0)
			return &w->params[i];
	return NULL;
}
