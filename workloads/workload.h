/* workload.h — how a workload describes itself and is found.
 *
 * A workload source is compiled once per model; WL_DEFINE at its end emits
 * one `struct wl_impl` per build, named wl_<sym>__<model>.  The registry
 * gathers them into one descriptor per workload.  Invariant: the four
 * builds of a workload agree on name, parameters and ops unit (checked by
 * the unit tests), and produce the same checksum for the same parameters.
 */
#ifndef WL_WORKLOAD_H
#define WL_WORKLOAD_H

#include <stdint.h>

#include "runtime/api/mm_type.h"
#include "runtime/models/model.h"

struct mm_ctx;
struct mm_job;

struct wl_param {
	const char *name;
	int64_t def, min, max;
	const char *help;
};

struct wl_impl {
	const char *name;     /* as typed on the command line */
	const char *summary;  /* one line for `mmlab list` */
	const char *ops_unit; /* what one op is, plural: "nodes" */
	const struct wl_param *params;
	unsigned nparams;
	int (*entry)(struct mm_ctx *c, struct mm_job *job);
};

/* One workload, every model. */
struct wl_desc {
	const struct wl_impl *impl[MM_MODEL_COUNT];
};

const struct wl_desc *wl_find(const char *name);
const struct wl_desc *wl_all(unsigned *count);

/* The parameter called name, or NULL. */
const struct wl_param *wl_param_find(const struct wl_impl *w, const char *name);

/* Workload output, one line at a time, through the job's sink. */
void wl_print(struct mm_job *job, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fold a value into a 64-bit FNV-1a checksum. */
static inline uint64_t wl_mix(uint64_t h, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 0x100000001b3ull;
	}
	return h;
}
#define WL_CHECKSUM_SEED 0xcbf29ce484222325ull

#define WL_PASTE_(a, b, c) a##b##__##c
#define WL_PASTE(a, b, c) WL_PASTE_(a, b, c)
#define WL_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define WL_FREE_TREE(sym) WL_FREE_TREE_(sym, MM_MODEL_SUFFIX)
#define WL_FREE_TREE_(sym, model) WL_FREE_TREE__(sym, model)
#define WL_FREE_TREE__(sym, model) sym##_free_##model

/* The entry binds the workload's types and its subtree free, specialised
 * to those types by the model's MM_FREE_TREE_FN. */
#define WL_DEFINE(sym, name_, summary_, unit_, params_, types_, run_)                  \
	MM_FREE_TREE_FN(WL_FREE_TREE(sym), types_, (uint32_t)WL_COUNT(types_))        \
	static int sym##_entry(struct mm_ctx *c, struct mm_job *job)                   \
	{                                                                              \
		if (mm_ctx_bind_types(c, types_, (uint32_t)WL_COUNT(types_),           \
				      WL_FREE_TREE(sym)) != 0)                         \
			return -1;                                                     \
		return run_(c, job);                                                   \
	}                                                                              \
	const struct wl_impl WL_PASTE(wl_, sym, MM_MODEL_SUFFIX) = {               \
		.name = name_,                                                     \
		.summary = summary_,                                               \
		.ops_unit = unit_,                                                 \
		.params = params_,                                                 \
		.nparams = (unsigned)WL_COUNT(params_),                            \
		.entry = sym##_entry,                                              \
	}

#endif
