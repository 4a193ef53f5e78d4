/* split.c — the rules that sort a program counter into a bucket.
 *
 * By object first (libgc, a preloaded malloc, an allocator plug-in, the
 * vdso), then, in libc and in mmlab itself, by function and source file:
 * only those two objects' symbols are ever read, and only when a sample
 * fell in them.
 * A function inlined into the workload counts as the workload's: the
 * sample sees the code, not the source it came from (callgrind's
 * function costs, which tools/check-figures.sh compares, see the same). */
#include "split.h"

#include <stdbool.h>
#include <string.h>

#include "runtime/probes/probe_mem.h"
#include "runtime/probes/prof_sym.h"

static bool is_any(const char *s, const char *const *list)
{
	for (; s != NULL && *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static bool starts_any(const char *s, const char *const *list)
{
	for (; s != NULL && *list != NULL; list++)
		if (strncmp(s, *list, strlen(*list)) == 0)
			return true;
	return false;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* glibc's malloc: its entry points and, with the debug symbols, its
 * internal functions; the system calls it makes for memory. */
static const char *const libc_malloc[] = {
	"malloc", "free", "calloc", "realloc", "cfree", "memalign", "aligned_alloc", "valloc",
	"pvalloc", "posix_memalign", "malloc_usable_size", "malloc_trim", "malloc_info",
	"malloc_stats", "mallopt", "mallinfo", "mallinfo2", "reallocarray", "sysmalloc", "systrim",
	"unlink_chunk", "malloc_consolidate", "mremap_chunk", "munmap_chunk", "heap_trim",
	"new_heap", "shrink_heap", "int_mallinfo", "arena_get2", "mmap", "munmap", "brk", "sbrk",
	"madvise", "mremap", NULL,
};
static const char *const libc_malloc_prefix[] = {
	"__libc_", "_int_", "tcache", "malloc_", "__malloc", "_mid_memalign", "__default_morecore",
	"__glibc_morecore", "__mmap", "__munmap", "__brk", "__sbrk", "__madvise", "__mremap",
	"unlink_chunk", "arena_", "ptmalloc_", "_IO_NOTHING", NULL,
};
/* what only the probes call */
static const char *const libc_probes[] = {
	"clock_gettime", "__clock_gettime", "__clock_gettime64", "timer_getoverrun", "pread",
	"__pread64", "pread64", "__restore_rt", "sigaction", "__libc_sigaction", NULL,
};

/* malloc's figures: only the heap sampler asks for them */
static const char *const libc_malloc_figures[] = {
	"mallinfo", "mallinfo2", "int_mallinfo", "malloc_info", "malloc_stats", NULL,
};

static bool libc_allocator(const char *name)
{
	return is_any(name, libc_malloc) ||
	       (starts_any(name, libc_malloc_prefix) && !starts_any(name, (const char *const[]){
								      "__libc_start", "__libc_sigaction", NULL }));
}

static const char *const probe_files[] = {
	"probe.c", "probe_alloc.c", "probe_record.c", "probe_mem.c", "sampler.c", "timeline.c",
	"histogram.c", "pause_log.c", "mmu.c", "profile.c", "prof_sym.c", "probe_stats.c",
	"split.c", "session.c", NULL,
};
static const char *const probe_prefix[] = {
	"probe_", "sampler_", "plog_", "hist_", "tl_", "prof_", "psym_", "mm_ctx_poll", NULL,
};
static const char *const model_files[] = {
	"gc.c", "own.c", "tree_free.c", "model.c", "model_ops.c", "ctx.c", NULL,
};
static const char *const model_prefix[] = {
	"mm_", "tree_free", "tree_reverse_free", "own_", "gc_model_", "rc_", NULL,
};
/* the teaching allocators and their shared parts (allocators/), and the
 * --heap-limit wrapper that every allocation passes through */
static const char *const alloc_files[] = {
	"book.c", "buddy.c", "bump.c", "freelist.c", "large.c", "pages.c", "segfit.c", "segfits.c",
	"simpleseg.c", "blocks.c", "plugin.c", "system.c", "alloc_stats.c", "sys_backend.c",
	"sys_glibc.c", "sys_jemalloc.c", "sys_mimalloc.c", "sys_tcmalloc.c", "heap_limit.c", NULL,
};
static const char *const alloc_prefix[] = {
	"pages_", "large_", "blocks_", "book_", "alloc_", "sys_", NULL,
};

/* A subtree free instantiated in a workload: NAME_free_MODEL. */
static bool subtree_free(const char *name)
{
	static const char *const models[] = { "_free_manual", "_free_rc", "_free_gc", "_free_own",
					      "_free_own_unchecked", NULL };
	for (const char *const *m = models; *m != NULL; m++) {
		size_t n = strlen(name), k = strlen(*m);
		if (n > k && strcmp(name + n - k, *m) == 0)
			return true;
	}
	return false;
}

/* A call's PLT stub belongs to the function it calls. */
static enum split_bucket through_plt(const char *name)
{
	if (strncmp(name, "GC_", 3) == 0)
		return SPLIT_COLLECTOR;
	if (is_any(name, libc_malloc_figures) || is_any(name, libc_probes))
		return SPLIT_PROBES;
	if (libc_allocator(name))
		return SPLIT_ALLOCATOR;
	return SPLIT_MUTATOR;
}

static enum split_bucket in_mmlab(const struct psym_hit *h, const char *alloc_file)
{
	const char *name = h->name;
	if (name == NULL)
		return SPLIT_MUTATOR;
	if (h->file != NULL && strcmp(h->file, PSYM_PLT_FILE) == 0)
		return through_plt(name);
	if (h->file != NULL) {
		if (is_any(h->file, probe_files))
			return SPLIT_PROBES;
		if (alloc_file != NULL && strcmp(h->file, alloc_file) == 0)
			return SPLIT_ALLOCATOR;
		if (is_any(h->file, alloc_files))
			return SPLIT_ALLOCATOR;
		if (is_any(h->file, model_files))
			return SPLIT_MODEL;
	}
	/* by name whatever the file: the API's and the models' inline
	 * functions, when the compiler keeps a copy out of line (such as
	 * mm_new_to_at.constprop.0), sit in the workload's object file */
	if (starts_any(name, probe_prefix))
		return SPLIT_PROBES;
	if (subtree_free(name) || starts_any(name, model_prefix))
		return SPLIT_MODEL;
	if (h->file == NULL && starts_any(name, alloc_prefix))
		return SPLIT_ALLOCATOR;
	return SPLIT_MUTATOR;
}

/* glibc's malloc sources, as its debug symbols name them */
static const char *const libc_malloc_files[] = {
	"malloc.c", "arena.c", "hooks.c", "morecore.c", "malloc-check.c", NULL,
};

static enum split_bucket in_libc(const struct psym_hit *h)
{
	if (is_any(h->name, libc_malloc_figures))
		return SPLIT_PROBES;
	if (is_any(h->file, libc_malloc_files))
		return SPLIT_ALLOCATOR;
	if (h->name == NULL) /* a function libc does not export */
		return libc_allocator(h->before) || libc_allocator(h->after) ? SPLIT_ALLOCATOR
									      : SPLIT_MUTATOR;
	if (libc_allocator(h->name))
		return SPLIT_ALLOCATOR;
	if (is_any(h->name, libc_probes))
		return SPLIT_PROBES;
	return SPLIT_MUTATOR;
}

/* What an object's code is, when its object alone says it; else whose
 * functions must be looked at. */
enum { BY_LIBC = SPLIT_NBUCKETS, BY_MMLAB };

static int object_rule(const struct psym_object *o, const struct psym_object *plugin_obj)
{
	const char *base = base_name(o->path);
	if (strstr(base, "vdso") != NULL)
		return SPLIT_PROBES; /* the clock */
	if (strncmp(base, "libgc.", 6) == 0 || strncmp(base, "libgc-", 6) == 0)
		return SPLIT_COLLECTOR;
	if (strstr(base, "jemalloc") || strstr(base, "mimalloc") || strstr(base, "tcmalloc") ||
	    strncmp(base, "libasan", 7) == 0)
		return SPLIT_ALLOCATOR; /* the malloc that serves the process (ASan's too) */
	if (o == plugin_obj)
		return SPLIT_ALLOCATOR; /* a plug-in, whole */
	if (strncmp(base, "libc.so", 7) == 0)
		return BY_LIBC;
	if (o->path[0] == '\0')
		return BY_MMLAB;
	return SPLIT_MUTATOR;
}

/* The bucket of each function seen, by what psym_find said of it: the
 * rules are a function of that alone, and a run's samples fall in a few
 * dozen functions.  Open addressing; when full, nothing more is kept. */
#define SPLIT_MEMO 1024u

struct memo {
	const struct psym_object *o; /* NULL: a free slot */
	const char *name, *file, *before, *after;
	int bucket;
};

/* Everything one split_fill needs, in probe memory: not the stack (which
 * gc scans) nor the allocator. */
struct split_work {
	struct psym_map map;
	signed char rule[PSYM_MAX_OBJECTS];
	const struct alloc_ops *alloc;
	const struct psym_object *alloc_obj;
	uintptr_t plugin_code;
	const char *alloc_file;
	bool alloc_file_known;
	unsigned memo_used;
	struct memo memo[SPLIT_MEMO];
};

static struct memo *memo_slot(struct split_work *w, const struct psym_object *o,
			      const struct psym_hit *h)
{
	uintptr_t k = (uintptr_t)o ^ (uintptr_t)h->name * 31u ^ (uintptr_t)h->file * 131u ^
		      (uintptr_t)h->before * 1031u ^ (uintptr_t)h->after * 8191u;
	k ^= k >> 17;
	k *= 0x9e3779b97f4a7c15u;
	for (unsigned i = (unsigned)(k >> 40) % SPLIT_MEMO, n = 0; n < SPLIT_MEMO;
	     i = (i + 1) % SPLIT_MEMO, n++) {
		struct memo *e = &w->memo[i];
		if (e->o == NULL || (e->o == o && e->name == h->name && e->file == h->file &&
				     e->before == h->before && e->after == h->after))
			return e;
	}
	return NULL;
}

/* The alloc ops' source file, which counts as allocator in mmlab itself. */
static int alloc_file(struct split_work *w, const char **file)
{
	if (!w->alloc_file_known && w->alloc != NULL) {
		uintptr_t fn = (uintptr_t)w->alloc->alloc;
		if (w->alloc_obj != NULL && psym_read(&w->map, w->alloc_obj) != 0)
			return -1;
		struct psym_hit ah;
		psym_find(&w->map, fn, &ah);
		w->alloc_file = ah.file;
	}
	w->alloc_file_known = true;
	*file = w->alloc_file;
	return 0;
}

/* pc's bucket, or -1 when no memory to read the symbols. */
static int classify(struct split_work *w, uintptr_t pc)
{
	const struct psym_object *o = psym_object_of(&w->map, pc);
	if (o == NULL)
		return SPLIT_MUTATOR;
	int rule = w->rule[o - w->map.obj];
	if (rule < SPLIT_NBUCKETS)
		return rule;
	if (psym_read(&w->map, o) != 0)
		return -1;
	struct psym_hit h;
	psym_find(&w->map, pc, &h);
	struct memo *e = memo_slot(w, o, &h);
	if (e != NULL && e->o != NULL)
		return e->bucket;
	int bucket;
	if (rule == BY_LIBC) {
		bucket = in_libc(&h);
	} else {
		const char *file;
		if (alloc_file(w, &file) != 0)
			return -1;
		bucket = in_mmlab(&h, file);
	}
	if (e != NULL && w->memo_used < SPLIT_MEMO * 3 / 4) {
		*e = (struct memo){ o, h.name, h.file, h.before, h.after, bucket };
		w->memo_used++;
	}
	return bucket;
}

/* Each sample's bucket counted; -1 when no memory to read the symbols. */
static int count_samples(struct split_work *w, const uintptr_t *pcs, uint32_t n,
			 uint64_t count[SPLIT_NBUCKETS])
{
	psym_load(&w->map);
	if (w->alloc != NULL)
		w->alloc_obj = psym_object_of(&w->map, (uintptr_t)w->alloc->alloc);
	const struct psym_object *plugin_obj =
		w->plugin_code ? psym_object_of(&w->map, w->plugin_code) : NULL;
	for (unsigned i = 0; i < w->map.n; i++)
		w->rule[i] = (signed char)object_rule(&w->map.obj[i], plugin_obj);
	int rc = 0;
	for (uint32_t i = 0; i < n && rc == 0; i++) {
		int b = classify(w, pcs[i]);
		if (b < 0)
			rc = -1;
		else
			count[b]++;
	}
	psym_free(&w->map);
	return rc;
}

void split_fill(const struct prof *p, const struct alloc_ops *alloc, uintptr_t plugin_code,
		bool collected, struct stats_results *r)
{
	uint32_t n = atomic_load(&p->n);
	if (p->pcs == NULL || n == 0)
		return;
	struct split_work *w = probe_mem_map(sizeof *w);
	if (w == NULL)
		return;
	w->alloc = alloc;
	w->plugin_code = plugin_code;
	uint64_t count[SPLIT_NBUCKETS] = { 0 };
	int rc = count_samples(w, p->pcs, n, count);
	probe_mem_unmap(w, sizeof *w);
	if (rc != 0)
		return;
	if (collected) { /* Boehm is allocator and collector at once */
		count[SPLIT_COLLECTOR] += count[SPLIT_ALLOCATOR];
		count[SPLIT_ALLOCATOR] = 0;
	}
	stats_set_u64(r, STATS_F_split_samples, n);
#define SPLIT_SET(id, field) stats_set_f64(r, STATS_F_##field, (double)count[SPLIT_##id] / n);
	SPLIT_BUCKETS(SPLIT_SET)
#undef SPLIT_SET
	stats_set_f64(r, STATS_F_mm_share,
		      (double)(count[SPLIT_ALLOCATOR] + count[SPLIT_MODEL] + count[SPLIT_COLLECTOR]) /
			      n);
}
