/* allocator.h — the plug point under the manual, rc and own models, and
 * the ABI a compiled plug-in is held to.
 *
 * An allocator is one const ops table over opaque state.  Every free and
 * realloc is sized (the caller passes the size it asked for), so teaching
 * allocators can keep exact books without headers of their own.
 * Error contract: alloc/realloc return NULL on failure (a failed realloc
 * leaves the old block intact); init returns nonzero with a message in err;
 * nothing here prints or exits.  Blocks of 16 bytes or more are 16-byte
 * aligned; smaller ones are aligned to the largest power of two <= size.
 *
 * ABI: both structs a plug-in shares with mmlab open with struct alloc_abi
 * (a magic word, the version and the sizes it was built with).  Fields are
 * only ever appended, each new one optional, and every addition bumps
 * ALLOC_ABI_VERSION; docs/plugins.md states the rule.
 */
#ifndef ALLOC_ALLOCATOR_H
#define ALLOC_ALLOCATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ALLOC_ALIGN 16
#define ALLOC_RAW_MAX 24

/* "mmla": tells a versioned table from anything else at that address. */
#define ALLOC_ABI_MAGIC 0x616c6d6du
/* 1: the first versioned layout.  2: figures reserved, committed and
 * peak_reserved appended to struct alloc_stats. */
#define ALLOC_ABI_VERSION 3

struct alloc_abi {
	uint32_t magic;      /* ALLOC_ABI_MAGIC */
	uint16_t version;    /* ALLOC_ABI_VERSION of the header built against */
	uint16_t ops_size;   /* sizeof(struct alloc_ops) there */
	uint32_t stats_size; /* sizeof(struct alloc_stats) there */
	uint32_t spare;      /* 0 */
};

/* The first member of every ops table: `.abi = ALLOC_ABI_CURRENT,`. */
#define ALLOC_ABI_CURRENT                                                     \
	{ ALLOC_ABI_MAGIC, ALLOC_ABI_VERSION, (uint16_t)sizeof(struct alloc_ops), \
	  (uint32_t)sizeof(struct alloc_stats), 0 }

/* One backend-specific figure, named as the backend names it. */
struct alloc_raw {
	char key[32];
	uint64_t value;
};

/* X(ID, field, label, what) — the normalized figures, declared once: the
 * struct members, their ALLOC_KNOW_ bits, the JSON keys (field), the table
 * rows (label) and the reader all come from this list.  Gauges read at one
 * instant; the peaks are high-water marks the allocator keeps exactly, and
 * the two "at peak" figures are read at the moment requested peaked, so
 * fragmentation there is exact.  Append only (ABI). */
#define ALLOC_FIGURES(X)                                                                                \
	X(REQUESTED, requested, "requested", "bytes asked for, live")                                   \
	X(ALLOCATED, allocated, "allocated", "bytes handed out, live, rounding included")               \
	X(FOOTPRINT, footprint, "footprint", "bytes held from the OS")                                  \
	X(RESIDENT, resident, "resident", "bytes of the footprint in RAM")                              \
	X(FREE, free_bytes, "free", "footprint not handed out")                                         \
	X(LARGEST_FREE, largest_free, "largest free block", "the largest block one request gets")       \
	X(PEAK_ALLOCATED, peak_allocated, "peak allocated", "high-water mark of allocated")             \
	X(PEAK_FOOTPRINT, peak_footprint, "peak footprint", "high-water mark of footprint")             \
	X(RESERVED, reserved, "reserved", "address space mapped")                                       \
	X(COMMITTED, committed, "committed", "bytes touched or made resident")                          \
	X(PEAK_RESERVED, peak_reserved, "peak reserved", "high-water mark of reserved")                 \
	X(PEAK_REQUESTED, peak_requested, "peak requested", "high-water mark of requested")             \
	X(ALLOCATED_AT_PEAK, allocated_at_peak, "allocated at peak", "allocated when requested peaked") \
	X(FOOTPRINT_AT_PEAK, footprint_at_peak, "footprint at peak", "footprint when requested peaked")

enum alloc_figure {
#define ALLOC_FIGURE_ENUM(id, field, label, what) ALLOC_FIG_##id,
	ALLOC_FIGURES(ALLOC_FIGURE_ENUM)
#undef ALLOC_FIGURE_ENUM
	ALLOC_FIGURE_COUNT
};

enum {
#define ALLOC_KNOW_BIT(id, field, label, what) ALLOC_KNOW_##id = 1u << ALLOC_FIG_##id,
	ALLOC_FIGURES(ALLOC_KNOW_BIT)
#undef ALLOC_KNOW_BIT
};

/* Normalized figures; a field the backend cannot know has its bit clear
 * in `known` (ALLOC_KNOW_*) and reads zero.  Self-contained (no pointers),
 * so a copy or a record read back from JSON stands on its own.  The
 * figures come last, so a figure appended to ALLOC_FIGURES is appended to
 * the struct: that, and a new ABI version, is the only way it changes. */
struct alloc_stats {
	unsigned known;
	char backend[32]; /* name of the raw figures' source */
	unsigned nraw;
	struct alloc_raw raw[ALLOC_RAW_MAX];
#define ALLOC_FIGURE_MEMBER(id, field, label, what) uint64_t field;
	ALLOC_FIGURES(ALLOC_FIGURE_MEMBER)
#undef ALLOC_FIGURE_MEMBER
};

_Static_assert(ALLOC_FIGURE_COUNT <= 32, "every figure has a bit in known");

/* The JSON key, table label and meaning of figure f (NULL when out of
 * range). */
const char *alloc_figure_key(enum alloc_figure f);
const char *alloc_figure_label(enum alloc_figure f);
const char *alloc_figure_what(enum alloc_figure f);
/* Figure f of s, whether or not it is known. */
uint64_t alloc_figure(const struct alloc_stats *s, enum alloc_figure f);
/* Set figure f of s and its known bit. */
void alloc_figure_set(struct alloc_stats *s, enum alloc_figure f, uint64_t v);

/* Append one raw figure (ignored once the array is full). */
void alloc_stats_raw(struct alloc_stats *s, const char *key, uint64_t value);

struct alloc_ops {
	struct alloc_abi abi; /* ALLOC_ABI_CURRENT */
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

/* Check a table against this header: 0 when it may be used, or -1 with one
 * sentence in err naming both versions (an unversioned table, a newer one,
 * or sizes that do not fit the version it claims). */
int alloc_abi_check(const struct alloc_abi *abi, char *err, size_t errlen);

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
