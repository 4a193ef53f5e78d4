/* blocks.c — a treap of address ranges: split and merge, nothing else.
 *
 * Keys are the ranges' low addresses; priorities come from a xorshift, so
 * the depth is logarithmic in expectation whatever order addresses come in.
 */
#include "blocks.h"

#include <stdlib.h>

int blocks_init(struct blocks *b, uint32_t nids)
{
	b->node = calloc((size_t)nids + 1, sizeof *b->node);
	b->root = 0;
	b->rng = 0x9e3779b9u;
	return b->node ? 0 : -1;
}

void blocks_fini(struct blocks *b)
{
	free(b->node);
	b->node = NULL;
}

/* Split t into keys < key (*l) and keys >= key (*r). */
static void split(struct blocks_node *n, uint32_t t, uintptr_t key, uint32_t *l, uint32_t *r)
{
	if (t == 0) {
		*l = *r = 0;
	} else if (n[t].lo < key) {
		split(n, n[t].right, key, &n[t].right, r);
		*l = t;
	} else {
		split(n, n[t].left, key, l, &n[t].left);
		*r = t;
	}
}

/* Every key of l is below every key of r. */
static uint32_t merge(struct blocks_node *n, uint32_t l, uint32_t r)
{
	if (l == 0 || r == 0)
		return l ? l : r;
	if (n[l].prio > n[r].prio) {
		n[l].right = merge(n, n[l].right, r);
		return l;
	}
	n[r].left = merge(n, l, n[r].left);
	return r;
}

bool blocks_add(struct blocks *b, uint32_t id, uintptr_t lo, uintptr_t hi, uint32_t *other)
{
	struct blocks_node *n = b->node;
	uint32_t below = 0, above = 0;
	for (uint32_t t = b->root; t != 0;) {
		if (n[t].lo <= lo) {
			below = t;
			t = n[t].right;
		} else {
			above = t;
			t = n[t].left;
		}
	}
	if (below != 0 && n[below].hi > lo) {
		*other = below - 1;
		return false;
	}
	if (above != 0 && n[above].lo < hi) {
		*other = above - 1;
		return false;
	}
	b->rng ^= b->rng << 13;
	b->rng ^= b->rng >> 17;
	b->rng ^= b->rng << 5;
	uint32_t me = id + 1;
	n[me] = (struct blocks_node){ .lo = lo, .hi = hi, .prio = b->rng };
	uint32_t l, r;
	split(n, b->root, lo, &l, &r);
	b->root = merge(n, merge(n, l, me), r);
	return true;
}

void blocks_remove(struct blocks *b, uint32_t id)
{
	struct blocks_node *n = b->node;
	uint32_t l, mid, r;
	split(n, b->root, n[id + 1].lo, &l, &r);
	split(n, r, n[id + 1].lo + 1, &mid, &r);
	b->root = merge(n, l, r);
}
