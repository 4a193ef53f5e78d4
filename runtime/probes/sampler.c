/* sampler.c — the tick, and the mutator's heap sample.
 *
 * The timer's signal goes to the mutator's thread, with SA_RESTART so
 * interrupted calls resume; its handler touches only lock-free atomics (the
 * target's two flags and its own two counters) and timer_getoverrun, which
 * is all a handler may. */
#include "sampler.h"

#include <stdatomic.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "profile.h"


static struct sampler *_Atomic ticking; /* whose flags the tick raises */

static void on_tick(int sig)
{
	(void)sig;
	struct sampler *s = atomic_load_explicit(&ticking, memory_order_relaxed);
	if (s == NULL)
		return;
	atomic_store_explicit(s->target.due, true, memory_order_relaxed);
	atomic_store_explicit(s->target.divert, false, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->ticks, 1, memory_order_relaxed);
	int over = timer_getoverrun(s->timer); /* async-signal-safe */
	if (over > 0)
		atomic_fetch_add_explicit(&s->overruns, (uint64_t)over, memory_order_relaxed);
}

/* A timer, not a ticker thread: the first pthread_create switches glibc
 * malloc to its multi-threaded paths for good, which made binary-trees
 * about 50% slower (measured); and the teaching allocators are not
 * thread-safe, so the sample is the mutator's to take anyway. */
int sampler_start(struct sampler *s, const struct sampler_target *target, uint64_t t0,
		  uint64_t period_ns, bool always)
{
	memset(s, 0, sizeof *s);
	s->target = *target;
	s->t0 = t0;
	s->period_ns = period_ns;
	s->always = always;
	s->statm_fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	long page = sysconf(_SC_PAGESIZE);
	s->page = page > 0 ? (uint64_t)page : 4096;

	struct sampler *none = NULL;
	if (!atomic_compare_exchange_strong(&ticking, &none, s))
		return -1;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_tick;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	/* the profile's tick waits until this handler returns: delivered
	 * inside it, it would sample the handler, not the code it stopped
	 * (on a busy machine both ticks are often pending at once) */
	sigaddset(&sa.sa_mask, PROF_SIGNAL);
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_THREAD_ID; /* the mutator's thread, never a marker */
	ev._sigev_un._tid = gettid();      /* sigev_notify_thread_id, timer_create(2) */
	ev.sigev_signo = SAMPLER_SIGNAL;
	struct itimerspec its = {
		.it_interval = { (time_t)(period_ns / 1000000000u), (long)(period_ns % 1000000000u) },
		.it_value = { (time_t)(period_ns / 1000000000u), (long)(period_ns % 1000000000u) },
	};
	if (sigaction(SAMPLER_SIGNAL, &sa, &s->old) != 0) {
		atomic_store(&ticking, NULL);
		return -1;
	}
	if (timer_create(CLOCK_MONOTONIC, &ev, &s->timer) != 0) {
		sigaction(SAMPLER_SIGNAL, &s->old, NULL);
		atomic_store(&ticking, NULL);
		return -1;
	}
	if (timer_settime(s->timer, 0, &its, NULL) != 0) {
		timer_delete(s->timer);
		sigaction(SAMPLER_SIGNAL, &s->old, NULL);
		atomic_store(&ticking, NULL);
		return -1;
	}
	s->ticking = true;
	return 0;
}

/* The signal is set to ignored before the old disposition comes back:
 * that discards a tick still pending, which would otherwise meet the
 * default action (terminate). */
void sampler_stop(struct sampler *s)
{
	if (s->ticking) {
		timer_delete(s->timer);
		struct sigaction ign;
		memset(&ign, 0, sizeof ign);
		ign.sa_handler = SIG_IGN;
		sigemptyset(&ign.sa_mask);
		sigaction(SAMPLER_SIGNAL, &ign, NULL);
		sigaction(SAMPLER_SIGNAL, &s->old, NULL);
		atomic_store(&ticking, NULL);
		s->ticking = false;
	}
	if (s->statm_fd >= 0)
		close(s->statm_fd);
	s->statm_fd = -1;
}

uint64_t sampler_rss(struct sampler *s)
{
	char buf[96];
	if (s->statm_fd < 0)
		return 0;
	ssize_t n = pread(s->statm_fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *p = strchr(buf, ' ');
	return p ? strtoull(p + 1, NULL, 10) * s->page : 0;
}

/* Each heap figure's allocator figure, from PROBE_HEAP_FIELDS (-1: none). */
#define ALLOC_FIG_NONE (-1)
static const int from_alloc[PROBE_HEAP_NFIELDS] = {
#define SAMPLER_FROM(id, key, label, what, from) [PROBE_HEAP_##id] = ALLOC_FIG_##from,
	PROBE_HEAP_FIELDS(SAMPLER_FROM)
#undef SAMPLER_FROM
};

static void take(struct sampler *s, uint64_t t, const struct alloc_stats *a)
{
	const struct sampler_target *g = &s->target;
	struct probe_heap h = { .t_ns = t };
	if (g->live_known) {
		h.v[PROBE_HEAP_LIVE] = *g->live;
		h.known |= 1u << PROBE_HEAP_LIVE;
	}
	for (unsigned f = 0; a != NULL && f < PROBE_HEAP_NFIELDS; f++) {
		int fig = from_alloc[f];
		if (fig < 0 || !(a->known & (1u << fig)))
			continue;
		h.v[f] = alloc_figure(a, (enum alloc_figure)fig);
		h.known |= 1u << f;
	}
	uint64_t rss = sampler_rss(s);
	if (rss) {
		h.v[PROBE_HEAP_RSS] = rss;
		h.known |= 1u << PROBE_HEAP_RSS;
	}
	g->probe->heap(g->probe_state, &h);
}

void sampler_take(struct sampler *s, bool force)
{
	uint64_t t = clock_now_ns();
	if (force || s->always || (double)s->stats_ns <= SAMPLER_BUDGET * (double)(t - s->t0)) {
		struct alloc_stats a;
		s->target.heap(s->target.heap_arg, &a);
		if (!force) /* the forced ones (the run's start) are no tick's cost */
			s->stats_ns += clock_now_ns() - t;
		s->stats_calls++;
		take(s, t, &a);
	} else {
		s->stats_skipped++;
		take(s, t, NULL);
	}
}

void sampler_take_with(struct sampler *s, const struct alloc_stats *a)
{
	take(s, clock_now_ns(), a);
}
