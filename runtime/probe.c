/* probe.c — the null listener and the pause-kind names. */
#include "probe.h"

#include <stddef.h>

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
#define PROBE_PAUSE_NAME(id, name, what) name,
	PROBE_PAUSES(PROBE_PAUSE_NAME)
#undef PROBE_PAUSE_NAME
};

const char *probe_pause_name(enum probe_pause kind)
{
	return (unsigned)kind < PROBE_PAUSE_KINDS ? pause_names[kind] : NULL;
}
