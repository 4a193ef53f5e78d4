/* probe.c — the null listener, and the names of pause kinds and levels. */
#include "probe.h"

#include <stddef.h>
#include <string.h>

static void null_pause(void *st, enum probe_pause kind, uint64_t t_ns)
{
	(void)st, (void)kind, (void)t_ns;
}

static void null_step(void *st, uint64_t t_ns)
{
	(void)st, (void)t_ns;
}

static void null_heap(void *st, const struct probe_heap *sample)
{
	(void)st, (void)sample;
}

const struct probe_listener probe_null = {
	.pause_begin = null_pause,
	.pause_end = null_pause,
	.step = null_step,
	.heap = null_heap,
	.timed = false,
};

static const char *const pause_names[] = {
#define PROBE_PAUSE_NAME(id, name, class, what) name,
	PROBE_PAUSES(PROBE_PAUSE_NAME)
#undef PROBE_PAUSE_NAME
};

static const enum probe_pause_class pause_classes[] = {
#define PROBE_PAUSE_CLASS(id, name, class, what) PROBE_##class,
	PROBE_PAUSES(PROBE_PAUSE_CLASS)
#undef PROBE_PAUSE_CLASS
};

const char *probe_pause_name(enum probe_pause kind)
{
	return (unsigned)kind < PROBE_PAUSE_KINDS ? pause_names[kind] : NULL;
}

enum probe_pause_class probe_pause_class(enum probe_pause kind)
{
	return (unsigned)kind < PROBE_PAUSE_KINDS ? pause_classes[kind] : PROBE_PAUSE_CLASSES;
}

const char *probe_class_name(enum probe_pause_class c)
{
	static const char *const names[] = { "collections", "drop cascades" };
	return (unsigned)c < PROBE_PAUSE_CLASSES ? names[c] : NULL;
}

enum probe_pause probe_pause_find(const char *name)
{
	for (unsigned k = 0; k < PROBE_PAUSE_KINDS; k++)
		if (strcmp(pause_names[k], name) == 0)
			return (enum probe_pause)k;
	return PROBE_PAUSE_KINDS;
}

static const char *const level_names[] = {
#define PROBE_LEVEL_NAME(id, name) name,
	PROBE_LEVELS(PROBE_LEVEL_NAME)
#undef PROBE_LEVEL_NAME
};

const char *probe_level_name(enum probe_level level)
{
	return (unsigned)level < PROBE_LEVEL_COUNT ? level_names[level] : NULL;
}

enum probe_level probe_level_find(const char *name)
{
	for (unsigned l = 0; l < PROBE_LEVEL_COUNT; l++)
		if (strcmp(level_names[l], name) == 0)
			return (enum probe_level)l;
	return PROBE_LEVEL_COUNT;
}
