/* workload.h — how a workload describes itself and is found.
 *
 * A workload source is compiled once per model; WL_DEFINE at its end emits
 * one `struct wl_impl` per build, named wl_<sym>__<model>.  The registry
 * gathers them into one descriptor per workload.  Invariant: the per-model
 * builds of a workload agree on name, parameters and ops unit (checked by
 * the unit tests), and produce the same checksum for the same parameters.
 */
#ifndef WL_WORKLOAD_H
#define WL_WORKLOAD_H

#include <stdint.h>

#include <stdio.h>

#include "runtime/api/mm_job.h"
#include "runtime/api/mm_type.h"

struct mm_ctx;
struct mm_job;

struct wl_param {
	const char *name;
	int64_t def, min, max;
	const char *help;
	/* a value below floor runs as floor, and is recorded so (0: none) */
	int64_t floor;
};

struct wl_impl {
	const char *name;     /* as typed on the command line */
	const char *summary;  /* one line for `mmlab list` */
	const char *ops_unit; /* what one op is, plural: "nodes" */
	const struct wl_param *params;
	unsigned nparams;
	int (*entry)(struct mm_ctx *c, struct mm_job *job);
};

/* One workload, every model: impl[m] is its build for enum mm_model m
 * (runtime/models/model.h); impl[0] carries the shared name, parameters
 * and unit. */
struct wl_desc {
	const struct wl_impl *const *impl;
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

/* The workloads' PRNG (splitmix64): the same stream on every model. */
static inline uint64_t wl_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A uniform integer in [0, n), n > 0. */
static inline uint64_t wl_below(uint64_t *s, uint64_t n)
{
	return wl_rand(s) % n;
}

/* A workload's reference result: at its default parameters and seed 1 the
 * checksum must be `expect`, or the run is a failed check (MM_JOB_WRONG,
 * exit 1 from the CLI).  Other parameters have no reference: MM_JOB_OK. */
static inline int wl_check_reference(struct mm_job *job, const struct wl_param *params,
				     unsigned n, uint64_t expect)
{
	if (job->seed != 1)
		return MM_JOB_OK;
	for (unsigned i = 0; i < n; i++)
		if (job->params[i] != params[i].def)
			return MM_JOB_OK;
	if (job->checksum == expect)
		return MM_JOB_OK;
	snprintf(job->error, sizeof job->error,
		 "checksum %#llx at the default parameters and seed 1, the reference is %#llx",
		 (unsigned long long)job->checksum, (unsigned long long)expect);
	return MM_JOB_WRONG;
}

/* Refuse parameters this model cannot run (bad input: exit 2). */
static inline int wl_refuse(struct mm_job *job, const char *why)
{
	snprintf(job->error, sizeof job->error, "%s", why);
	return MM_JOB_REFUSED;
}

#define WL_PASTE_(a, b, c) a##b##__##c
#define WL_PASTE(a, b, c) WL_PASTE_(a, b, c)
#define WL_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define WL_FREE_TREE(sym) WL_FREE_TREE_(sym, MM_MODEL)
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
	const struct wl_impl WL_PASTE(wl_, sym, MM_MODEL) = {               \
		.name = name_,                                                     \
		.summary = summary_,                                               \
		.ops_unit = unit_,                                                 \
		.params = params_,                                                 \
		.nparams = (unsigned)WL_COUNT(params_),                            \
		.entry = sym##_entry,                                              \
	}

#endif
