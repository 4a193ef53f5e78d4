/* builtin.h — the allocators mmlab carries besides the system one.
 *
 * Five teaching allocators, named as Wilson et al. (1995) and CS:APP name
 * their designs: freelist (sequential fits), simpleseg (simple segregated
 * storage), segfits (segregated fits), buddy and bump; each is one file on
 * memory it maps itself.  Then the plug-in loader.  registry.c lists them,
 * with the old names kept as aliases.  None takes a lock: an ops table's
 * state belongs to one thread, as the models are single-threaded.
 */
#ifndef ALLOC_BUILTIN_H
#define ALLOC_BUILTIN_H

#include "allocator.h"

/* One line each, shown by `mmlab list` (registry.c) and kept in the tables. */
#define BUMP_SUMMARY \
	"arena: a pointer bump per allocation; free only counts, the arena rewinds when none is live"
#define FREELIST_SUMMARY \
	"sequential fits: one free list, boundary tags, coalescing; policy=first|next|best (default first)"
#define SIMPLESEG_SUMMARY \
	"simple segregated storage: size classes 16 B..8 KiB on 64 KiB slabs, no splitting or coalescing"
#define SEGFITS_SUMMARY \
	"segregated fits: size-class free lists over one heap, splitting, boundary-tag coalescing"
#define BUDDY_SUMMARY "binary buddy: power-of-two blocks from 16 B to 2 MiB, split and merged"
#define PLUGIN_SUMMARY "a shared object's allocator: -a plugin:PATH.so[:OPTIONS]"

extern const struct alloc_ops alloc_bump;
extern const struct alloc_ops alloc_freelist;
extern const struct alloc_ops alloc_simpleseg;
extern const struct alloc_ops alloc_segfits;
extern const struct alloc_ops alloc_buddy;
extern const struct alloc_ops alloc_plugin;

/* The old source name of simpleseg's table, for code written against it
 * (the registry keeps the old -a name as an alias). */
#define alloc_segfit alloc_simpleseg

/* An old name `-a` still accepts: alloc_find gives the entry of `name`. */
struct alloc_alias {
	const char *alias;
	const char *name;
};

/* The aliases, in display order; *count receives their number. */
const struct alloc_alias *alloc_aliases(size_t *count);

/* Whether the plug-in behind a state of alloc_plugin can reset: its
 * table's reset is optional, and alloc_plugin.reset does nothing without. */
bool alloc_plugin_resets(void *state);
/* An address in the plug-in's own code (its alloc), so that the sampled
 * split counts the plug-in's object as allocator. */
uintptr_t alloc_plugin_code(void *state);

#endif
