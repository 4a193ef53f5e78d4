/* bt_arena.c — binary-trees by hand on a never-freeing arena: the floor
 * for mmlab's bump allocator in `make bench-allocators`.  Same output as
 * `mmlab run -w binary-trees`.  Invariant: nodes are cut from 64 MiB
 * chunks on huge pages, 16-byte aligned as mmlab's blocks are, and never
 * reused; drop walks the tree as bt_malloc's does, freeing nothing.
 */
#define _DEFAULT_SOURCE 1
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define CHUNK ((size_t)64 << 20)
#define HUGE ((size_t)2 << 20)

struct node {
	struct node *left, *right;
	uint64_t header; /* the size of mmlab's node: a header and two slots */
};

static char *cur, *end;

static struct node *node_new(void)
{
	size_t n = (sizeof(struct node) + 15) & ~(size_t)15;
	if ((size_t)(end - cur) < n) {
		char *p = mmap(NULL, CHUNK + HUGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			fputs("bt_arena: out of memory\n", stderr);
			exit(3);
		}
		cur = (char *)(((uintptr_t)p + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
		madvise(cur, CHUNK, MADV_HUGEPAGE);
		end = cur + CHUNK;
	}
	struct node *r = (struct node *)(void *)cur;
	cur += n;
	return r;
}

static struct node *make(int depth)
{
	struct node *n = node_new();
	n->header = 0;
	n->left = depth > 0 ? make(depth - 1) : NULL;
	n->right = depth > 0 ? make(depth - 1) : NULL;
	return n;
}

static uint64_t check(const struct node *n)
{
	return n->left ? 1 + check(n->left) + check(n->right) : 1;
}

static void drop(struct node *n)
{
	if (n->left) {
		drop(n->left);
		drop(n->right);
	}
}

static uint64_t once(int depth)
{
	struct node *t = make(depth);
	uint64_t c = check(t);
	drop(t);
	return c;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10;
	int max_depth = n < 6 ? 6 : n;
	printf("stretch tree of depth %d\t check: %llu\n", max_depth + 1,
	       (unsigned long long)once(max_depth + 1));
	struct node *long_lived = make(max_depth);
	for (int d = 4; d <= max_depth; d += 2) {
		uint64_t iterations = (uint64_t)1 << (max_depth - d + 4), sum = 0;
		for (uint64_t i = 0; i < iterations; i++)
			sum += once(d);
		printf("%llu\t trees of depth %d\t check: %llu\n", (unsigned long long)iterations, d,
		       (unsigned long long)sum);
	}
	printf("long lived tree of depth %d\t check: %llu\n", max_depth,
	       (unsigned long long)check(long_lived));
	drop(long_lived);
	return 0;
}
