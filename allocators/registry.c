/* registry.c — every allocator `-a NAME` can select, listed once. */
#include "allocator.h"

#include <string.h>

static const struct alloc_entry entries[] = {
	{ "glibc", "glibc's ptmalloc2, the system malloc", &alloc_system, NULL, "libc6" },
	{ "bdwgc", "Boehm's collected heap: the gc model's own, and only its", NULL, NULL,
	  "libgc1" },
};

const struct alloc_entry *alloc_entries(size_t *count)
{
	*count = sizeof entries / sizeof entries[0];
	return entries;
}

const struct alloc_entry *alloc_find(const char *name)
{
	for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
		if (strcmp(entries[i].name, name) == 0)
			return &entries[i];
	return NULL;
}
