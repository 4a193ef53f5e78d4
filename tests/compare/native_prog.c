/* native_prog.c — a tiny program whose allocator writes its own stats dump.
 *
 * It allocates a mix of small and large blocks, frees half of them, and,
 * with the argument "malloc_info", prints glibc's malloc_info XML to stdout;
 * otherwise the allocator preloaded by tests/compare/fixtures/gen.sh prints
 * its dump itself at exit (jemalloc's stats_print, mimalloc's
 * MIMALLOC_SHOW_STATS, gperftools' MALLOCSTATS).  Not part of mmlab.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N = 4096 };

int main(int argc, char **argv)
{
	static void *p[N];
	unsigned long sum = 0;
	for (unsigned i = 0; i < N; i++) {
		size_t size = (i % 64 == 0) ? 200000 + i : 16 + (i * 37) % 2000;
		p[i] = malloc(size);
		if (p[i] == NULL)
			return 1;
		memset(p[i], (int)i, size);
		sum += ((unsigned char *)p[i])[size - 1];
	}
	for (unsigned i = 0; i < N; i += 2) {
		free(p[i]);
		p[i] = NULL;
	}
	if (argc > 1 && strcmp(argv[1], "malloc_info") == 0 && malloc_info(0, stdout) != 0)
		return 1;
	fprintf(stderr, "native_prog: checksum %lu\n", sum);
	for (unsigned i = 1; i < N; i += 2)
		free(p[i]);
	return 0;
}
