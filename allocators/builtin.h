/* builtin.h — the allocators mmlab carries besides the system one.
 *
 * Four teaching allocators (bump, freelist, segfit, buddy), each one file
 * on memory it maps itself, and the plug-in loader.  registry.c lists
 * them.  None takes a lock: an ops table's state belongs to one thread, as
 * the models are single-threaded.
 */
#ifndef ALLOC_BUILTIN_H
#define ALLOC_BUILTIN_H

#include "allocator.h"

/* One line each, shown by `mmlab list` (registry.c) and kept in the tables. */
#define BUMP_SUMMARY "arena: a pointer bump per allocation, free is a no-op, reset frees all"
#define FREELIST_SUMMARY \
	"boundary tags, immediate coalescing; policy=first|next|best fit (default first)"
#define SEGFIT_SUMMARY "segregated fit: size classes 16 B..8 KiB on 64 KiB slabs, large blocks mapped"
#define BUDDY_SUMMARY "binary buddy: power-of-two blocks from 16 B to 2 MiB, split and merged"
#define PLUGIN_SUMMARY "a shared object's allocator: -a plugin:PATH.so[:OPTIONS]"

extern const struct alloc_ops alloc_bump;
extern const struct alloc_ops alloc_freelist;
extern const struct alloc_ops alloc_segfit;
extern const struct alloc_ops alloc_buddy;
extern const struct alloc_ops alloc_plugin;

/* Whether the plug-in behind a state of alloc_plugin can reset: its
 * table's reset is optional, and alloc_plugin.reset does nothing without. */
bool alloc_plugin_resets(void *state);

#endif
