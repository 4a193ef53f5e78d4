/* blocks.h — the live blocks of a replay, ordered by address.
 *
 * A treap over [lo, hi) ranges, one node per trace id, preallocated so a
 * replay allocates nothing while it measures.  Invariant: the ranges in
 * the set never overlap, so a new range overlaps a live one exactly when
 * it overlaps its neighbour below or above.
 */
#ifndef REPLAY_BLOCKS_H
#define REPLAY_BLOCKS_H

#include <stdbool.h>
#include <stdint.h>

struct blocks_node {
	uintptr_t lo, hi;
	uint32_t left, right; /* node numbers (id + 1); 0: none */
	uint32_t prio;
};

struct blocks {
	struct blocks_node *node; /* node[id + 1] */
	uint32_t root;
	uint32_t rng;
};

/* 0, or -1 when out of memory. */
int blocks_init(struct blocks *b, uint32_t nids);
void blocks_fini(struct blocks *b);

/* Add id's range [lo, hi) (hi > lo) unless it overlaps a live block:
 * then return false with that block's id in *other. */
bool blocks_add(struct blocks *b, uint32_t id, uintptr_t lo, uintptr_t hi, uint32_t *other);
/* Remove id's range (it must be in the set). */
void blocks_remove(struct blocks *b, uint32_t id);

#endif
