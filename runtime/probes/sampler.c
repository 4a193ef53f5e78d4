/* sampler.c — the tick, and the mutator's heap sample.
 *
 * The timer's signal goes to the mutator's thread, with SA_RESTART so
 * interrupted calls resume; its handler stores two lock-free atomics, which
 * is all C allows a handler to touch. */
#include "sampler.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/models/gc_model.h"

static struct mm_ctx *_Atomic ticking_ctx; /* whose flags the tick raises */

static void on_tick(int sig)
{
	(void)sig;
	struct mm_ctx *c = atomic_load_explicit(&ticking_ctx, memory_order_relaxed);
	if (c == NULL)
		return;
	atomic_store_explicit(&c->sample_due, true, memory_order_relaxed);
	atomic_store_explicit(&c->alloc_direct, false, memory_order_relaxed);
}

/* A timer, not a ticker thread: the first pthread_create switches glibc
 * malloc to its multi-threaded paths for good, which made binary-trees
 * about 50% slower (measured); and the teaching allocators are not
 * thread-safe, so the sample is the mutator's to take anyway. */
int sampler_start(struct sampler *s, struct mm_ctx *c, uint64_t t0, uint64_t period_ns,
		  bool always)
{
	memset(s, 0, sizeof *s);
	s->ctx = c;
	s->t0 = t0;
	s->period_ns = period_ns;
	s->always = always;
	s->statm_fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	long page = sysconf(_SC_PAGESIZE);
	s->page = page > 0 ? (uint64_t)page : 4096;
	c->sampler = s;

	struct mm_ctx *none = NULL;
	if (!atomic_compare_exchange_strong(&ticking_ctx, &none, c))
		return -1;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_tick;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
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
		atomic_store(&ticking_ctx, NULL);
		return -1;
	}
	if (timer_create(CLOCK_MONOTONIC, &ev, &s->timer) != 0) {
		sigaction(SAMPLER_SIGNAL, &s->old, NULL);
		atomic_store(&ticking_ctx, NULL);
		return -1;
	}
	if (timer_settime(s->timer, 0, &its, NULL) != 0) {
		timer_delete(s->timer);
		sigaction(SAMPLER_SIGNAL, &s->old, NULL);
		atomic_store(&ticking_ctx, NULL);
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
	struct mm_ctx *c = s->ctx;
	if (s->ticking) {
		timer_delete(s->timer);
		struct sigaction ign;
		memset(&ign, 0, sizeof ign);
		ign.sa_handler = SIG_IGN;
		sigemptyset(&ign.sa_mask);
		sigaction(SAMPLER_SIGNAL, &ign, NULL);
		sigaction(SAMPLER_SIGNAL, &s->old, NULL);
		atomic_store(&ticking_ctx, NULL);
		s->ticking = false;
	}
	if (s->statm_fd >= 0)
		close(s->statm_fd);
	s->statm_fd = -1;
	if (c != NULL && c->sampler == s) {
		c->sampler = NULL;
		atomic_store_explicit(&c->sample_due, false, memory_order_relaxed);
		atomic_store_explicit(&c->alloc_direct, c->alloc == &alloc_system,
				      memory_order_relaxed);
	}
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

void mm_alloc_stats(struct mm_ctx *c, struct alloc_stats *out)
{
	if (c->model == MM_GC) {
		gc_model_heap(out);
		return;
	}
	c->alloc->stats(c->alloc_state, out);
	out->requested = c->live_bytes;
	out->known |= ALLOC_KNOW_REQUESTED;
}

static const struct {
	enum probe_heap_field field;
	unsigned bit;
	size_t offset;
} from_alloc[] = {
	{ PROBE_HEAP_ALLOCATED, ALLOC_KNOW_ALLOCATED, offsetof(struct alloc_stats, allocated) },
	{ PROBE_HEAP_FOOTPRINT, ALLOC_KNOW_FOOTPRINT, offsetof(struct alloc_stats, footprint) },
	{ PROBE_HEAP_RESIDENT, ALLOC_KNOW_RESIDENT, offsetof(struct alloc_stats, resident) },
};

static void take(struct sampler *s, uint64_t t, const struct alloc_stats *a)
{
	struct mm_ctx *c = s->ctx;
	struct probe_heap h = { .t_ns = t };
	if (c->model != MM_GC) {
		h.v[PROBE_HEAP_LIVE] = c->live_bytes;
		h.known |= 1u << PROBE_HEAP_LIVE;
	}
	for (size_t i = 0; a != NULL && i < sizeof from_alloc / sizeof from_alloc[0]; i++) {
		if (!(a->known & from_alloc[i].bit))
			continue;
		memcpy(&h.v[from_alloc[i].field], (const char *)a + from_alloc[i].offset,
		       sizeof(uint64_t));
		h.known |= 1u << from_alloc[i].field;
	}
	uint64_t rss = sampler_rss(s);
	if (rss) {
		h.v[PROBE_HEAP_RSS] = rss;
		h.known |= 1u << PROBE_HEAP_RSS;
	}
	c->probe->heap(c->probe_state, &h);
}

void sampler_take(struct sampler *s, bool force)
{
	struct mm_ctx *c = s->ctx;
	atomic_store_explicit(&c->sample_due, false, memory_order_relaxed);
	uint64_t t = clock_now_ns();
	if (force || s->always || (double)s->stats_ns <= SAMPLER_BUDGET * (double)(t - s->t0)) {
		struct alloc_stats a;
		mm_alloc_stats(c, &a);
		if (!force) /* the forced ones (the run's start) are no tick's cost */
			s->stats_ns += clock_now_ns() - t;
		s->stats_calls++;
		take(s, t, &a);
	} else {
		s->stats_skipped++;
		take(s, t, NULL);
	}
	atomic_store_explicit(&c->alloc_direct, c->alloc == &alloc_system, memory_order_relaxed);
}

void sampler_take_with(struct sampler *s, const struct alloc_stats *a)
{
	take(s, clock_now_ns(), a);
}

void mm_sample_heap(struct mm_ctx *c)
{
	if (c->sampler != NULL)
		sampler_take(c->sampler, false);
	else
		atomic_store_explicit(&c->sample_due, false, memory_order_relaxed);
}
