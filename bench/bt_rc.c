/* bt_rc.c — binary-trees by hand with reference counting, the rc model's
 * yardstick for `make bench`.  Every node carries a count; a move into a
 * child pointer transfers the creator's reference, and releasing the root
 * cascades recursively through every count that reaches zero.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct node {
	uint32_t rc;
	struct node *left, *right;
};

static struct node *make(int depth)
{
	struct node *n = malloc(sizeof *n);
	if (n == NULL) {
		fputs("bt_rc: out of memory\n", stderr);
		exit(3);
	}
	n->rc = 1;
	n->left = depth > 0 ? make(depth - 1) : NULL;
	n->right = depth > 0 ? make(depth - 1) : NULL;
	return n;
}

static uint64_t check(const struct node *n)
{
	return n->left ? 1 + check(n->left) + check(n->right) : 1;
}

static void release(struct node *n)
{
	if (n == NULL || --n->rc != 0)
		return;
	release(n->left);
	release(n->right);
	free(n);
}

static uint64_t once(int depth)
{
	struct node *t = make(depth);
	uint64_t c = check(t);
	release(t);
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
	release(long_lived);
	return 0;
}
