/* probe.h — the event listener every model reports to.
 *
 * Words: a *pause* stops the mutator while memory is reclaimed; a *step* is
 * a unit of the workload's own work; a *heap sample* is a memory snapshot.
 * The null listener ignores everything and lets models skip the clock.
 * Invariant: pause_begin and pause_end come in pairs, never nested. */
#ifndef MM_PROBE_H
#define MM_PROBE_H

#include <stdbool.h>
#include <stdint.h>

/* X(id, name, class, what) — the kinds of pause, declared once.  The class
 * says what sort of pause it is, because the sorts do not compare:
 *   COLLECTION — the whole heap is traced while the mutator is stopped
 *                (a collector's stop-the-world pause);
 *   CASCADE    — one drop frees what it owned, on the mutator's own time
 *                (a manual free, an rc release, an own drop of a subtree). */
#define PROBE_PAUSES(X)                                                                    \
	X(GC, "gc", COLLECTION, "a Boehm collection, stop-world to start-world")            \
	X(CASCADE, "rc-cascade", CASCADE, "a reference-count release cascading at zero")    \
	X(FREE, "free", CASCADE, "a manual drop freeing an owned subtree")                  \
	X(DROP, "drop", CASCADE, "an own-model drop freeing an owned subtree")            \
	X(CYCLE, "rc-cycles", COLLECTION,                                                   \
	  "a trial-deletion cycle collection over rc's candidate roots (Bacon and Rajan)")

enum probe_pause {
#define PROBE_PAUSE_ENUM(id, name, class, what) PROBE_PAUSE_##id,
	PROBE_PAUSES(PROBE_PAUSE_ENUM)
#undef PROBE_PAUSE_ENUM
	PROBE_PAUSE_KINDS
};

enum probe_pause_class { PROBE_COLLECTION, PROBE_CASCADE, PROBE_PAUSE_CLASSES };

const char *probe_pause_name(enum probe_pause kind);
enum probe_pause_class probe_pause_class(enum probe_pause kind);
/* The class's name, plural for counts: "collections", "drop cascades". */
const char *probe_class_name(enum probe_pause_class c);
/* The kind called name; PROBE_PAUSE_KINDS when unknown. */
enum probe_pause probe_pause_find(const char *name);

/* X(id, key, label, what, from) — the figures of a heap sample, declared
 * once; the timeline's columns are these, in this order.  from: the
 * allocator figure a sample reads it from (ALLOC_FIGURES), or NONE when
 * the sample gets it elsewhere (the model's live bytes, /proc's RSS). */
#define PROBE_HEAP_FIELDS(X)                                                                        \
	X(LIVE, live_bytes, "live", "bytes the workload asked for and has not freed", NONE)          \
	X(ALLOCATED, allocated_bytes, "allocated", "bytes the allocator handed out", ALLOCATED)      \
	X(FOOTPRINT, footprint_bytes, "footprint", "bytes the allocator holds from the OS", FOOTPRINT) \
	X(RESIDENT, resident_bytes, "resident", "the allocator's bytes in RAM", RESIDENT)            \
	X(RSS, rss_bytes, "RSS", "the process's resident set", NONE)

enum probe_heap_field {
#define PROBE_HEAP_ENUM(id, key, label, what, from) PROBE_HEAP_##id,
	PROBE_HEAP_FIELDS(PROBE_HEAP_ENUM)
#undef PROBE_HEAP_ENUM
	PROBE_HEAP_NFIELDS
};

/* A heap sample; v[f] is meaningful only when bit f of known is set
 * (a model or allocator cannot know every figure). */
struct probe_heap {
	uint64_t t_ns;
	uint64_t v[PROBE_HEAP_NFIELDS];
	unsigned known;
};

struct probe_listener {
	void (*pause_begin)(void *st, enum probe_pause kind, uint64_t t_ns);
	void (*pause_end)(void *st, enum probe_pause kind, uint64_t t_ns);
	void (*step)(void *st, uint64_t t_ns);
	void (*heap)(void *st, const struct probe_heap *sample);
	bool timed; /* false: events carry no time, models skip the clock */
};

extern const struct probe_listener probe_null;

/* How much the probes record, as `--probes` names it:
 *   off  — the null listener: no clock reads, counters only;
 *   on   — pauses, steps, MMU and a memory timeline (the default);
 *   full — on, plus the time inside every allocation call and the
 *          allocator's figures at every heap sample whatever they cost. */
#define PROBE_LEVELS(X) X(OFF, "off") X(ON, "on") X(FULL, "full")

enum probe_level {
#define PROBE_LEVEL_ENUM(id, name) PROBE_##id,
	PROBE_LEVELS(PROBE_LEVEL_ENUM)
#undef PROBE_LEVEL_ENUM
	PROBE_LEVEL_COUNT
};

const char *probe_level_name(enum probe_level level);
/* The level called name; PROBE_LEVEL_COUNT when unknown. */
enum probe_level probe_level_find(const char *name);

#endif
