/* shim.c — a teaching allocator as the whole process's malloc (LD_PRELOAD).
 *
 * Built once per allocator (SHIM_OPS, SHIM_NAME).  The ops table frees by
 * size, so each block carries a 16-byte head (size asked, offset from the
 * block's start, bytes reserved; both in ALLOC_ALIGN units, so alignments
 * up to SHIM_ALIGN_MAX fit) before the program's pointer.
 * Invariant: the allocator's state is touched only under `lock`. */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "allocators/builtin.h"
#include "shim_report.h"

struct shim_head {
	uint64_t size;    /* what the program asked for */
	uint32_t offset;  /* from the block's start to the program's pointer, /ALLOC_ALIGN */
	uint32_t reserve; /* the block is size + reserve bytes (/ALLOC_ALIGN); 0: bootstrap */
};

_Static_assert(sizeof(struct shim_head) == ALLOC_ALIGN, "the head keeps payloads aligned");

/* The largest alignment served: glibc serves any power of two it finds
 * the memory for; 32 GiB keeps offset and reserve within their fields. */
#define SHIM_ALIGN_MAX ((size_t)1 << 35)
#define SHIM_UNITS(bytes) ((uint32_t)((bytes) / ALLOC_ALIGN))
#define SHIM_BYTES(units) ((size_t)(units) * ALLOC_ALIGN)

enum { PHASE_NONE, PHASE_INIT, PHASE_READY, PHASE_FAILED };

static const struct alloc_ops *const ops = &SHIM_OPS;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int phase;
static pthread_t initializer;
static void *state;
static struct shim_counts counts;

/* While the allocator initialises, whatever it calls that allocates
 * (dlsym, stdio, pthread_atfork) is served from here, by the thread that
 * holds the lock; such blocks are never given back. */
static _Alignas(64) unsigned char boot[64 << 10];
static size_t boot_used;

static struct shim_head *head_of(void *p)
{
	return (struct shim_head *)p - 1;
}

static bool in_boot(const void *p)
{
	return (const unsigned char *)p >= boot && (const unsigned char *)p < boot + sizeof boot;
}

static void *boot_alloc(size_t size, size_t align)
{
	uintptr_t base = (uintptr_t)boot + boot_used + sizeof(struct shim_head);
	uintptr_t user = (base + align - 1) & ~(uintptr_t)(align - 1);
	if (size > sizeof boot || user + size > (uintptr_t)boot + sizeof boot) {
		errno = ENOMEM;
		return NULL;
	}
	boot_used = user + size - (uintptr_t)boot;
	*head_of((void *)user) = (struct shim_head){ .size = size, .offset = 0, .reserve = 0 };
	return (void *)user;
}

static bool initialising_here(void)
{
	return atomic_load_explicit(&phase, memory_order_acquire) == PHASE_INIT &&
	       pthread_equal(initializer, pthread_self());
}

static void before_fork(void)
{
	pthread_mutex_lock(&lock);
}

static void after_fork_parent(void)
{
	pthread_mutex_unlock(&lock);
}

static void after_fork_child(void)
{
	pthread_mutex_init(&lock, NULL);
}

/* Under the lock.  A refusal of MMLAB_SHIM_OPTIONS is said once on
 * stderr, the only way left to tell; every allocation then fails. */
static bool ready(void)
{
	int ph = atomic_load_explicit(&phase, memory_order_acquire);
	if (ph == PHASE_READY || ph == PHASE_FAILED)
		return ph == PHASE_READY;
	initializer = pthread_self();
	atomic_store_explicit(&phase, PHASE_INIT, memory_order_release);
	const char *options = getenv("MMLAB_SHIM_OPTIONS");
	char err[256];
	if (ops->init(&state, options ? options : "", err, sizeof err) != 0) {
		char line[320];
		int n = snprintf(line, sizeof line, "mmlab shim %s: %s\n", SHIM_NAME, err);
		ssize_t said = write(STDERR_FILENO, line, n > 0 ? (size_t)n : 0);
		(void)said; /* nothing more can be done if stderr is gone */
		atomic_store_explicit(&phase, PHASE_FAILED, memory_order_release);
		return false;
	}
	pthread_atfork(before_fork, after_fork_parent, after_fork_child);
	clock_gettime(CLOCK_MONOTONIC, &counts.start);
	atomic_store_explicit(&phase, PHASE_READY, memory_order_release);
	return true;
}

/* A block of size bytes whose payload is aligned to align (a power of
 * two, at least ALLOC_ALIGN); NULL with errno ENOMEM. */
static void *take(size_t size, size_t align)
{
	if (initialising_here())
		return boot_alloc(size, align);
	size_t reserve = align > ALLOC_ALIGN ? align : sizeof(struct shim_head);
	if (size > SIZE_MAX - reserve || align > SHIM_ALIGN_MAX) {
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_lock(&lock);
	void *block = ready() ? ops->alloc(state, size + reserve) : NULL;
	if (block != NULL) {
		counts.allocs++;
		counts.alloc_bytes += size;
		counts.live_blocks++;
		counts.live_bytes += size;
		if (counts.live_bytes > counts.peak_live_bytes)
			counts.peak_live_bytes = counts.live_bytes;
	}
	pthread_mutex_unlock(&lock);
	if (block == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	uintptr_t start = (uintptr_t)block;
	uintptr_t user = (start + sizeof(struct shim_head) + align - 1) & ~(uintptr_t)(align - 1);
	*head_of((void *)user) = (struct shim_head){
		.size = size, .offset = SHIM_UNITS(user - start), .reserve = SHIM_UNITS(reserve)
	};
	return (void *)user;
}

static void give(void *p)
{
	if (p == NULL || in_boot(p))
		return;
	struct shim_head h = *head_of(p);
	pthread_mutex_lock(&lock);
	counts.live_blocks--;
	counts.live_bytes -= h.size;
	ops->free(state, (char *)p - SHIM_BYTES(h.offset), h.size + SHIM_BYTES(h.reserve));
	pthread_mutex_unlock(&lock);
}

void *malloc(size_t size)
{
	return take(size, ALLOC_ALIGN);
}

void free(void *p)
{
	give(p);
}

void *calloc(size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = take(n * size, ALLOC_ALIGN);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

void *realloc(void *p, size_t size)
{
	if (p == NULL)
		return take(size, ALLOC_ALIGN);
	if (size == 0) { /* as glibc: free, and no block */
		give(p);
		return NULL;
	}
	struct shim_head h = *head_of(p);
	if (!in_boot(p) && SHIM_BYTES(h.offset) == sizeof h && SHIM_BYTES(h.reserve) == sizeof h &&
	    size <= SIZE_MAX - sizeof h) {
		/* a plain block: the allocator's own realloc, head and all */
		pthread_mutex_lock(&lock);
		char *block = ops->realloc(state, (char *)p - sizeof h, h.size + sizeof h,
					   size + sizeof h);
		if (block != NULL) {
			counts.reallocs++;
			counts.alloc_bytes += size;
			counts.live_bytes += size - h.size;
			if (counts.live_bytes > counts.peak_live_bytes)
				counts.peak_live_bytes = counts.live_bytes;
		}
		pthread_mutex_unlock(&lock);
		if (block == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		head_of(block + sizeof h)->size = size;
		return block + sizeof h;
	}
	/* a bootstrap or over-aligned block: move it */
	void *q = take(size, ALLOC_ALIGN);
	if (q == NULL)
		return NULL;
	memcpy(q, p, h.size < size ? h.size : size);
	give(p);
	return q;
}

static bool power_of_two(size_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

int posix_memalign(void **out, size_t align, size_t size)
{
	if (!power_of_two(align) || align % sizeof(void *) != 0)
		return EINVAL;
	int saved = errno;
	void *p = take(size, align < ALLOC_ALIGN ? ALLOC_ALIGN : align);
	errno = saved;
	if (p == NULL)
		return ENOMEM;
	*out = p;
	return 0;
}

void *aligned_alloc(size_t align, size_t size)
{
	if (!power_of_two(align)) {
		errno = EINVAL;
		return NULL;
	}
	return take(size, align < ALLOC_ALIGN ? ALLOC_ALIGN : align);
}

/* As glibc's: any alignment up to SIZE_MAX/2 + 1, rounded up to a power
 * of two; above that EINVAL (no power of two is left to round to). */
void *memalign(size_t align, size_t size)
{
	if (align > SIZE_MAX / 2 + 1) {
		errno = EINVAL;
		return NULL;
	}
	size_t a = ALLOC_ALIGN;
	while (a < align)
		a *= 2;
	return take(size, a);
}

void *valloc(size_t size)
{
	return take(size, (size_t)sysconf(_SC_PAGESIZE));
}

void *pvalloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (size > SIZE_MAX - page) {
		errno = ENOMEM;
		return NULL;
	}
	return take((size + page - 1) & ~(page - 1), page);
}

size_t malloc_usable_size(void *p)
{
	return p == NULL ? 0 : (size_t)head_of(p)->size;
}

/* The names glibc's own internals and some programs call.  gcc's copy
 * attribute gives each alias its target's attributes; clang lacks it. */
#if defined(__has_attribute) && __has_attribute(copy)
#define SHIM_ALIAS(f) __attribute__((copy(f), alias(#f)))
#else
#define SHIM_ALIAS(f) __attribute__((alias(#f)))
#endif
void *__libc_malloc(size_t size) SHIM_ALIAS(malloc);
void __libc_free(void *p) SHIM_ALIAS(free);
void *__libc_calloc(size_t n, size_t size) SHIM_ALIAS(calloc);
void *__libc_realloc(void *p, size_t size) SHIM_ALIAS(realloc);
void *__libc_memalign(size_t align, size_t size) SHIM_ALIAS(memalign);

/* At exit, with MMLAB_STATS set: the run's figures as an mmlab stats
 * record (shim_report.c). */
__attribute__((destructor)) static void shim_at_exit(void)
{
	const char *where = getenv("MMLAB_STATS");
	if (where == NULL || *where == '\0')
		return;
	pthread_mutex_lock(&lock);
	bool ok = ready();
	struct shim_counts now = counts;
	struct alloc_stats a;
	if (ok)
		ops->stats(state, &a);
	pthread_mutex_unlock(&lock);
	if (ok)
		shim_report(where, SHIM_NAME, &now, &a);
}
