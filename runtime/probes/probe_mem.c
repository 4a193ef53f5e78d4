/* probe_mem.c — mapping the probes' storage with mmap, not malloc. */
#include "probe_mem.h"

#include <sys/mman.h>

void *probe_mem_map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void probe_mem_unmap(void *p, size_t size)
{
	if (p != NULL)
		munmap(p, size);
}
