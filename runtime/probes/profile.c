/* profile.c — the sampling timer and its signal handler.
 *
 * The one platform difference (where a ucontext keeps the program counter)
 * lives in prof_pc; the handler only reads it and stores it, which is all
 * a handler may safely do.  The signal goes to the mutator's thread only
 * (SIGEV_THREAD_ID), so a collector's marker threads are never sampled. */
#include "profile.h"

#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "probe_mem.h"

static struct prof *_Atomic sampling; /* whose buffer the tick fills */

#if defined(__x86_64__) || defined(__aarch64__)
#define PROF_SUPPORTED true
#else
#define PROF_SUPPORTED false
#endif

static uintptr_t prof_pc(const void *uctx)
{
	const ucontext_t *uc = uctx;
#if defined(__x86_64__)
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return (uintptr_t)uc->uc_mcontext.pc;
#else
	(void)uc;
	return 0;
#endif
}

static void on_tick(int sig, siginfo_t *info, void *uctx)
{
	(void)sig, (void)info;
	struct prof *p = atomic_load_explicit(&sampling, memory_order_relaxed);
	if (p == NULL)
		return;
	p->ticks++;
	if (p->skip > 1) {
		p->skip--;
		return;
	}
	p->skip = p->stride;
	uint32_t n = atomic_load_explicit(&p->n, memory_order_relaxed);
	if (n == PROF_MAX_SAMPLES) { /* keep every other one, sample half as often */
		for (uint32_t i = 0; i < n / 2; i++)
			p->pcs[i] = p->pcs[2 * i];
		n /= 2;
		p->stride *= 2;
	}
	p->pcs[n] = prof_pc(uctx);
	atomic_store_explicit(&p->n, n + 1, memory_order_relaxed);
}

int prof_start(struct prof *p, uint64_t period_ns)
{
	memset(p, 0, sizeof *p);
	p->stride = p->skip = 1;
	if (!PROF_SUPPORTED)
		return -1;
	p->pcs = probe_mem_map(PROF_MAX_SAMPLES * sizeof p->pcs[0]);
	if (p->pcs == NULL)
		return -1;
	struct prof *none = NULL;
	if (!atomic_compare_exchange_strong(&sampling, &none, p)) {
		prof_free(p);
		return -1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_tick;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev._sigev_un._tid = gettid();
	ev.sigev_signo = PROF_SIGNAL;
	struct itimerspec its = {
		.it_interval = { (time_t)(period_ns / 1000000000u), (long)(period_ns % 1000000000u) },
		.it_value = { (time_t)(period_ns / 1000000000u), (long)(period_ns % 1000000000u) },
	};
	if (sigaction(PROF_SIGNAL, &sa, &p->old) != 0)
		goto no_signal;
	if (timer_create(CLOCK_MONOTONIC, &ev, &p->timer) != 0)
		goto no_timer;
	if (timer_settime(p->timer, 0, &its, NULL) != 0) {
		timer_delete(p->timer);
		goto no_timer;
	}
	p->running = true;
	return 0;
no_timer:
	sigaction(PROF_SIGNAL, &p->old, NULL);
no_signal:
	atomic_store(&sampling, NULL);
	prof_free(p);
	return -1;
}

/* As the heap sampler does: ignore the signal before restoring the old
 * disposition, so a tick still pending meets no default action. */
void prof_stop(struct prof *p)
{
	if (!p->running)
		return;
	timer_delete(p->timer);
	struct sigaction ign;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(PROF_SIGNAL, &ign, NULL);
	sigaction(PROF_SIGNAL, &p->old, NULL);
	atomic_store(&sampling, NULL);
	p->running = false;
}

void prof_free(struct prof *p)
{
	probe_mem_unmap(p->pcs, PROF_MAX_SAMPLES * sizeof p->pcs[0]);
	p->pcs = NULL;
	atomic_store(&p->n, 0);
}

uint64_t prof_bytes(const struct prof *p)
{
	uint64_t used = (uint64_t)atomic_load(&p->n) * sizeof p->pcs[0];
	long page = sysconf(_SC_PAGESIZE);
	uint64_t pg = page > 0 ? (uint64_t)page : 4096;
	return p->pcs ? (used + pg - 1) / pg * pg : 0;
}
