/* bt_boehm.c — binary-trees by hand on Boehm's GC_MALLOC, the gc model's
 * yardstick for `make bench`.  Nothing is freed; the collector reclaims
 * each tree once it is unreachable.  Built with the same gc.h settings as
 * the gc model (no GC_THREADS redirection).
 */
#include <gc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct node {
	struct node *left, *right;
};

static struct node *make(int depth)
{
	struct node *n = GC_MALLOC(sizeof *n);
	if (n == NULL) {
		fputs("bt_boehm: out of memory\n", stderr);
		exit(3);
	}
	n->left = depth > 0 ? make(depth - 1) : NULL;
	n->right = depth > 0 ? make(depth - 1) : NULL;
	return n;
}

static uint64_t check(const struct node *n)
{
	return n->left ? 1 + check(n->left) + check(n->right) : 1;
}

int main(int argc, char **argv)
{
	GC_INIT();
	int n = argc > 1 ? atoi(argv[1]) : 10;
	int max_depth = n < 6 ? 6 : n;
	printf("stretch tree of depth %d\t check: %llu\n", max_depth + 1,
	       (unsigned long long)check(make(max_depth + 1)));
	struct node *long_lived = make(max_depth);
	for (int d = 4; d <= max_depth; d += 2) {
		uint64_t iterations = (uint64_t)1 << (max_depth - d + 4), sum = 0;
		for (uint64_t i = 0; i < iterations; i++)
			sum += check(make(d));
		printf("%llu\t trees of depth %d\t check: %llu\n", (unsigned long long)iterations, d,
		       (unsigned long long)sum);
	}
	printf("long lived tree of depth %d\t check: %llu\n", max_depth,
	       (unsigned long long)check(long_lived));
	return 0;
}
