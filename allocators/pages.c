/* pages.c — mmap, munmap and mremap for the teaching allocators.
 *
 * Aligned mappings over-map by the alignment and trim both ends, so the
 * kernel never holds more than was asked for.  Huge pages are a hint: on
 * a kernel without transparent huge pages the mapping simply uses small
 * ones, and the allocator's figures do not change.
 */
#include "pages.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

size_t pages_size(void)
{
	static size_t page;
	if (page == 0) {
		long p = sysconf(_SC_PAGESIZE);
		page = p > 0 ? (size_t)p : 4096;
	}
	return page;
}

size_t pages_round(size_t bytes)
{
	size_t page = pages_size();
	if (bytes > SIZE_MAX - (page - 1))
		return 0;
	return (bytes + page - 1) & ~(page - 1);
}

static void *pages_mmap(size_t bytes, size_t align, int prot, int extra)
{
	size_t page = pages_size();
	if (align < page)
		align = page;
	if (bytes == 0 || bytes % page != 0 || bytes > SIZE_MAX - align)
		return NULL;
	size_t len = align > page ? bytes + align : bytes;
	char *raw = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	char *p = raw;
	if (align > page) {
		p = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
		if (p > raw)
			munmap(raw, (size_t)(p - raw));
		if (raw + len > p + bytes)
			munmap(p + bytes, (size_t)(raw + len - (p + bytes)));
	}
	return p;
}

void *pages_map(size_t bytes, size_t align, unsigned flags)
{
	char *p = pages_mmap(bytes, align, PROT_READ | PROT_WRITE, 0);
	if (p == NULL)
		return NULL;
	if (flags & PAGES_HUGE)
		madvise(p, bytes, MADV_HUGEPAGE);
	if (flags & PAGES_POPULATE)
		madvise(p, bytes, MADV_POPULATE_WRITE);
	return p;
}

void pages_unmap(void *p, size_t bytes)
{
	if (p != NULL && bytes != 0)
		munmap(p, bytes);
}

void *pages_remap(void *p, size_t old_bytes, size_t new_bytes)
{
	void *q = mremap(p, old_bytes, new_bytes, MREMAP_MAYMOVE);
	return q == MAP_FAILED ? NULL : q;
}

void *pages_reserve(size_t bytes, size_t align)
{
	return pages_mmap(bytes, align, PROT_NONE, MAP_NORESERVE);
}

int pages_commit(void *p, size_t bytes)
{
	return mprotect(p, bytes, PROT_READ | PROT_WRITE);
}

void pages_decommit(void *p, size_t bytes)
{
	if (bytes == 0)
		return;
	madvise(p, bytes, MADV_DONTNEED);
	mprotect(p, bytes, PROT_NONE);
}
