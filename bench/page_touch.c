/* page_touch.c — the floor under any never-freeing arena: fresh memory.
 *
 *   page_touch BYTES
 *
 * Maps BYTES of anonymous memory (asking for transparent huge pages, as
 * bump does) and writes one byte in every 64-byte cache line, and does
 * nothing else: the kernel faults in and zeroes every page, and every line
 * travels to memory and back once.  An arena that never reuses memory
 * hands out each of those lines and writes it, so it pays at least this;
 * bench-allocators runs it with bump's peak footprint beside bump and
 * glibc.  The sum of the bytes read back is printed so the stores cannot
 * be dropped. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	char *end;
	errno = 0;
	unsigned long long bytes = argc == 2 ? strtoull(argv[1], &end, 10) : 0;
	if (argc != 2 || errno != 0 || *end != '\0' || bytes == 0) {
		fprintf(stderr, "usage: page_touch BYTES\n");
		return 2;
	}
	volatile unsigned char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("page_touch: mmap");
		return 1;
	}
	madvise((void *)p, bytes, MADV_HUGEPAGE);
	uint64_t sum = 0;
	for (unsigned long long i = 0; i < bytes; i += 64) {
		p[i] = (unsigned char)(i >> 6);
		sum += p[i];
	}
	printf("%llu bytes touched, checksum %llu\n", bytes, (unsigned long long)sum);
	return 0;
}
