/* bt_malloc.c — binary-trees by hand with malloc/free, the manual model's
 * yardstick for `make bench`.  Same output as `mmlab run -w binary-trees`.
 * Invariant: does exactly the work the playground's workload does, with
 * nothing in between (recursive build, check and free).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct node {
	struct node *left, *right;
};

static struct node *make(int depth)
{
	struct node *n = malloc(sizeof *n);
	if (n == NULL) {
		fputs("bt_malloc: out of memory\n", stderr);
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

static void drop(struct node *n)
{
	if (n->left) {
		drop(n->left);
		drop(n->right);
	}
	free(n);
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
