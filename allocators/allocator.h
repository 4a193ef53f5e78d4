/* allocator.h — the plug point under the manual, rc and own models.
 *
 * An allocator is one const ops table over opaque state.  Every free and
 * realloc is sized (the caller passes the size it asked for), so teaching
 * allocators can keep exact books without headers of their own.
 * Error contract: alloc/realloc return NULL on failure (a failed realloc
 * leaves the old block intact); init returns nonzero with a message in err;
 * nothing here prints or exits.  Blocks of 16 bytes or more are 16-byte
 * aligned; smaller ones are aligned to the largest power of two <= size.
 */
#ifndef ALLOC_ALLOCATOR_H
#define ALLOC_ALLOCATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ALLOC_ALIGN 16
#define ALLOC_RAW_MAX 24

/* One backend-specific figure, named as the backend names it. */
struct alloc_raw {
	char key[32];
	uint64_t value;
};

/* Normalized figures; a field the backend cannot know has its bit clear
 * in `known` (ALLOC_KNOW_*) and reads zero.  Self-contained (no pointers),
 * so a copy or a record read back from JSON stands on its own. */
struct alloc_stats {
	uint64_t requested;    /* bytes asked for, live */
	uint64_t allocated;    /* bytes handed out, live, with rounding */
	uint64_t footprint;    /* bytes held from the OS */
	uint64_t resident;     /* bytes of the footprint in RAM */
	uint64_t free_bytes;   /* footprint not handed out */
	uint64_t largest_free; /* the largest block one request could get */
	uint64_t peak_allocated; /* high-water marks, where the allocator */
	uint64_t peak_footprint; /* keeps them exactly */
	unsigned known;
	char backend[32];      /* name of the raw figures' source */
	unsigned nraw;
	struct alloc_raw raw[ALLOC_RAW_MAX];
};

/* Append one raw figure (ignored once the array is full). */
void alloc_stats_raw(struct alloc_stats *s, const char *key, uint64_t value);

enum {
	ALLOC_KNOW_REQUESTED = 1u << 0,
	ALLOC_KNOW_ALLOCATED = 1u << 1,
	ALLOC_KNOW_FOOTPRINT = 1u << 2,
	ALLOC_KNOW_RESIDENT = 1u << 3,
	ALLOC_KNOW_FREE = 1u << 4,
	ALLOC_KNOW_LARGEST_FREE = 1u << 5,
	ALLOC_KNOW_PEAK_ALLOCATED = 1u << 6,
	ALLOC_KNOW_PEAK_FOOTPRINT = 1u << 7,
};

struct alloc_ops {
	const char *name;
	const char *summary;
	/* options: the text after "NAME:" on the command line, or "" */
	int (*init)(void **state, const char *options, char *err, size_t errlen);
	void *(*alloc)(void *state, size_t size);
	void (*free)(void *state, void *ptr, size_t size);
	void *(*realloc)(void *state, void *ptr, size_t old_size, size_t new_size);
	/* Free every block at once; NULL when the allocator cannot. */
	void (*reset)(void *state);
	void (*stats)(void *state, struct alloc_stats *out);
	void (*fini)(void *state);
};

/* The ops table of the process's own malloc (glibc, or the library the
 * CLI preloaded).  Models call malloc/free directly when they see it, so
 * the system allocator carries no indirect call. */
extern const struct alloc_ops alloc_system;

/* A registry entry: what `-a NAME` selects.  System backends share the
 * alloc_system table and differ by the library the CLI preloads. */
struct alloc_entry {
	const char *name;
	const char *summary;
	const struct alloc_ops *ops; /* NULL: serves the gc model only */
	const char *preload; /* shared object to LD_PRELOAD, or NULL */
	const char *package; /* Debian package that ships it */
};

/* Look an allocator up by name; NULL when unknown. */
const struct alloc_entry *alloc_find(const char *name);
/* The registry in display order; *count receives its length. */
const struct alloc_entry *alloc_entries(size_t *count);

#endif
