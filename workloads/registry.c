/* registry.c — every workload, each with its four per-model builds.
 *
 * WORKLOADS(X) lists the workload symbols once.  Each row names the four
 * builds by model; a model added to MM_MODELS needs its column here, and
 * the unit tests fail while any cell is missing.
 */
#include <string.h>

#include "workload.h"

#define WORKLOADS(X) X(binary_trees)

#define WL_DECLARE(sym)                                                      \
	extern const struct wl_impl wl_##sym##__manual, wl_##sym##__rc, \
		wl_##sym##__gc, wl_##sym##__own;
WORKLOADS(WL_DECLARE)

#define WL_ROW(sym)                                  \
	{ .impl = {                                  \
		  [MM_MANUAL] = &wl_##sym##__manual, \
		  [MM_RC] = &wl_##sym##__rc,         \
		  [MM_GC] = &wl_##sym##__gc,         \
		  [MM_OWN] = &wl_##sym##__own,       \
	  } },
static const struct wl_desc all[] = { WORKLOADS(WL_ROW) };

const struct wl_desc *wl_all(unsigned *count)
{
	*count = (unsigned)WL_COUNT(all);
	return all;
}

const struct wl_desc *wl_find(const char *name)
{
	for (unsigned i = 0; i < WL_COUNT(all); i++)
		if (strcmp(all[i].impl[MM_MANUAL]->name, name) == 0)
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
