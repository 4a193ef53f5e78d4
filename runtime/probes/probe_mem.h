/* probe_mem.h — memory for the probes, kept apart from the allocator under test.
 *
 * The probes' own storage (pause log, histograms, timeline) is mapped
 * straight from the OS, so it never shows in the allocator's figures nor
 * disturbs its heap; it does count in the process's RSS, and the stats
 * report how much there is (probe_bytes).  Pages are zero until touched.
 * Error contract: probe_mem_map returns NULL when the OS refuses.
 */
#ifndef MM_PROBE_MEM_H
#define MM_PROBE_MEM_H

#include <stddef.h>

/* size bytes of zeroed memory, rounded up to whole pages; or NULL. */
void *probe_mem_map(size_t size);
/* Return what probe_mem_map(size) gave (NULL is ignored). */
void probe_mem_unmap(void *p, size_t size);

#endif
