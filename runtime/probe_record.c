/* probe_record.c — the recording listener. */
#include "probe_record.h"

#include <string.h>

static void begin(void *st, enum probe_pause kind, uint64_t t_ns)
{
	struct probe_record *r = st;
	(void)kind;
	r->open_since = t_ns;
	r->open = true;
}

static void end(void *st, enum probe_pause kind, uint64_t t_ns)
{
	struct probe_record *r = st;
	if (!r->open)
		return;
	uint64_t d = t_ns - r->open_since;
	r->open = false;
	r->pause_count++;
	r->pause_total_ns += d;
	if (d > r->pause_max_ns)
		r->pause_max_ns = d;
	r->by_kind[kind]++;
}

static void step(void *st, uint64_t t_ns)
{
	struct probe_record *r = st;
	(void)t_ns;
	r->steps++;
}

static void heap(void *st, const struct probe_heap *sample)
{
	(void)st, (void)sample;
}

const struct probe_listener probe_recorder = {
	.pause_begin = begin,
	.pause_end = end,
	.step = step,
	.heap = heap,
	.timed = true,
};

void probe_record_init(struct probe_record *r)
{
	memset(r, 0, sizeof *r);
}
