/* model.h — the list of memory models, declared once.
 *
 * MM_MODELS(X) expands X(id, name, summary) for every model; the enum, the
 * name table, the registry of per-model workload entry points and `mmlab
 * list` are all generated from it, so adding a model is one line here plus
 * one header and one .c file under runtime/models/.
 */
#ifndef MM_MODEL_H
#define MM_MODEL_H

#define MM_MODELS(X)                                                           \
	X(MANUAL, manual, "malloc/free discipline: the owner frees its subtree")  \
	X(RC, rc, "reference counting: ownership moves, release cascades at zero") \
	X(GC, gc, "Boehm mark-sweep (bdwgc): the collector finds garbage")        \
	X(OWN, own, "ownership/borrow discipline: typed handles, checked at run time")

enum mm_model {
#define MM_MODEL_ENUM(id, name, summary) MM_##id,
	MM_MODELS(MM_MODEL_ENUM)
#undef MM_MODEL_ENUM
	MM_MODEL_COUNT
};

/* The model's lower-case name ("manual"), or NULL when out of range. */
const char *mm_model_name(enum mm_model m);
const char *mm_model_summary(enum mm_model m);

/* Look a model up by name; returns MM_MODEL_COUNT when unknown. */
enum mm_model mm_model_find(const char *name);

#endif
