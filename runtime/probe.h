/* probe.h — the event listener every model reports to.
 *
 * Words: a *pause* is a stretch of time in which the mutator (the workload)
 * is stopped while memory is reclaimed; a *step* is a unit of work the
 * workload defines (a tree checked).  Models emit the same events whatever
 * their kind of reclamation.  A listener is a const table of callbacks; the
 * null listener ignores everything and lets models skip reading the clock.
 * Invariant: pause_begin and pause_end come in pairs, never nested.
 */
#ifndef MM_PROBE_H
#define MM_PROBE_H

#include <stdbool.h>
#include <stdint.h>

/* X(id, name, what) — the kinds of pause, declared once. */
#define PROBE_PAUSES(X)                                                        \
	X(GC, "gc", "a Boehm collection, stop-world to start-world")            \
	X(CASCADE, "rc-cascade", "a reference-count release cascading at zero") \
	X(FREE, "free", "a manual drop freeing an owned subtree")               \
	X(DROP, "drop", "an own-model drop freeing an owned subtree")

enum probe_pause {
#define PROBE_PAUSE_ENUM(id, name, what) PROBE_PAUSE_##id,
	PROBE_PAUSES(PROBE_PAUSE_ENUM)
#undef PROBE_PAUSE_ENUM
	PROBE_PAUSE_KINDS
};

const char *probe_pause_name(enum probe_pause kind);

/* A heap sample, taken by the probes at the end of a pause and by the
 * sampler; fields a model or allocator cannot know are zero. */
struct probe_heap {
	uint64_t t_ns;
	uint64_t live_bytes;   /* bytes the workload asked for, still live */
	uint64_t heap_bytes;   /* bytes the model's heap holds in use */
};

struct probe_listener {
	void (*pause_begin)(void *st, enum probe_pause kind, uint64_t t_ns);
	void (*pause_end)(void *st, enum probe_pause kind, uint64_t t_ns);
	void (*step)(void *st, uint64_t t_ns);
	void (*heap)(void *st, const struct probe_heap *sample);
	bool timed; /* false: events carry no time, models skip the clock */
};

extern const struct probe_listener probe_null;

#endif
