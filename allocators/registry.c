/* registry.c — every allocator `-a NAME` can select, listed once, and the
 * old names still accepted.
 *
 * An alias has a row of its own (so `mmlab list` shows it, with a note) but
 * alloc_find returns its target's entry, so tables and JSON print the
 * current name.  Invariant: an alias names an entry that is not an alias. */
#include "allocator.h"
#include "builtin.h"

#include <string.h>

static const struct alloc_entry entries[] = {
	{ "glibc", "glibc's ptmalloc2, the system malloc", &alloc_system, NULL, "libc6" },
	{ "jemalloc", "jemalloc: mmlab re-runs itself with it preloaded", &alloc_system,
	  "libjemalloc.so.2", "libjemalloc2" },
	{ "mimalloc", "mimalloc: mmlab re-runs itself with it preloaded", &alloc_system,
	  "libmimalloc.so.2", "libmimalloc2.0" },
	{ "tcmalloc", "gperftools' tcmalloc_minimal: mmlab re-runs itself with it preloaded",
	  &alloc_system, "libtcmalloc_minimal.so.4", "libtcmalloc-minimal4" },
	{ "bump", BUMP_SUMMARY, &alloc_bump, NULL, NULL },
	{ "freelist", FREELIST_SUMMARY, &alloc_freelist, NULL, NULL },
	{ "simpleseg", SIMPLESEG_SUMMARY, &alloc_simpleseg, NULL, NULL },
	{ "segfits", SEGFITS_SUMMARY, &alloc_segfits, NULL, NULL },
	{ "buddy", BUDDY_SUMMARY, &alloc_buddy, NULL, NULL },
	{ "plugin", PLUGIN_SUMMARY, &alloc_plugin, NULL, NULL },
	{ "bdwgc", "Boehm's collected heap: the gc model's own, and only its", NULL, NULL,
	  "libgc1" },
	{ "segfit", "alias of simpleseg (its old name, which was not segregated fits: see segfits)",
	  &alloc_simpleseg, NULL, NULL },
};

static const struct alloc_alias aliases[] = {
	{ "segfit", "simpleseg" },
};

const struct alloc_alias *alloc_aliases(size_t *count)
{
	*count = sizeof aliases / sizeof aliases[0];
	return aliases;
}

const struct alloc_entry *alloc_entries(size_t *count)
{
	*count = sizeof entries / sizeof entries[0];
	return entries;
}

const struct alloc_entry *alloc_find(const char *name)
{
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcmp(aliases[i].alias, name) == 0) {
			name = aliases[i].name;
			break;
		}
	for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
		if (strcmp(entries[i].name, name) == 0)
			return &entries[i];
	return NULL;
}
