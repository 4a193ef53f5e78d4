/* list.h — the memory models, one line each.
 *
 * Adding a model is one header, runtime/models/NAME.h (its inline API for
 * workload builds, ending in MM_MODEL_OPS), plus one X(NAME, a) line here:
 * the enum, the registry, every workload's per-model build, `mmlab list`,
 * matrix and bench all follow from this list (docs/architecture.md).
 * The Makefile reads the names from the X(NAME, a) lines: one a line.
 * A build may append models of its own through MM_MODEL_LIST_EXTRA_H
 * (the test build's tests/models/list.h does).
 */
#ifndef MM_MODELS_LIST_H
#define MM_MODELS_LIST_H

#ifdef MM_MODEL_LIST_EXTRA_H
#include MM_MODEL_LIST_EXTRA_H
#else
#define MM_MODEL_LIST_EXTRA(X, a)
#endif

/* X(name, a) for every model; a is the caller's, passed through. */
#define MM_MODEL_LIST(X, a) \
	X(manual, a)        \
	X(rc, a)            \
	X(gc, a)            \
	X(own, a)           \
	X(own_unchecked, a) \
	MM_MODEL_LIST_EXTRA(X, a)

#endif
