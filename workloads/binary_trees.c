/* binary_trees.c — the Benchmarks Game's binary-trees, written once.
 *
 * A stretch tree of depth n+1 is built, checked and dropped; a long-lived
 * tree of depth n is built; then for d = 4, 6, ..., n, 2^(n-d+4) trees of
 * depth d are each built, checked (counted) and dropped; finally the
 * long-lived tree is checked.  The output lines are the reference
 * program's, byte for byte; the checksum folds every line's numbers, and
 * ops counts every node allocated.  As in the reference, n below 6 runs as 6.
 */
#include <stdio.h>

#include "runtime/api/mm.h"
#include "workload.h"

enum { BT_NODE };
enum { BT_LEFT, BT_RIGHT };
enum { MIN_DEPTH = 4 };

static const struct mm_type bt_types[] = {
	[BT_NODE] = { .name = "node", .id = BT_NODE, .nslots = 2, .payload = 0, .weak = 0 },
};

static const struct wl_param bt_params[] = {
	{ "depth", 10, 0, 30, "depth n of the long-lived tree (below 6 runs as 6)", MIN_DEPTH + 2 },
};

/* The hot recursion builds by value, so each node stays in a register: the
 * out-parameter form the capability analysis follows (mm_new_to) kept it in
 * memory and cost binary-trees 3.5% more instructions under gc, 0.7% under
 * manual (docs/performance.md).  Its moves are checked at run time under
 * own; the analysis takes over at bt_make. */
static mm_own bt_tree(struct mm_ctx *c, int depth) MM_NO_CAP_CHECK
{
	mm_own node = mm_new(c, &bt_types[BT_NODE]);
	if (depth > 0) {
		mm_set_owned(c, node, BT_LEFT, bt_tree(c, depth - 1));
		mm_set_owned(c, node, BT_RIGHT, bt_tree(c, depth - 1));
	}
	return node;
}

/* A tree of the given depth, owned through *out: from here on clang's
 * capability analysis follows ownership (docs/ownership.md). */
static void bt_make(struct mm_ctx *c, int depth, mm_own *out) MM_ACQUIRES(*out)
{
	*out = bt_tree(c, depth);
	mm_adopt(out);
}

/* The hot loop takes its borrows by hand: a scope's cleanup keeps the
 * borrow in memory, which cost this recursion a third more instructions
 * under every model (docs/performance.md). */
static uint64_t bt_check(struct mm_ctx *c, mm_ref node)
{
	mm_ref left = mm_get(c, node, BT_LEFT);
	if (mm_is_null(left))
		return 1;
	mm_ref right = mm_get(c, node, BT_RIGHT);
	uint64_t n = 1 + bt_check(c, left) + bt_check(c, right);
	mm_end(c, left);
	mm_end(c, right);
	return n;
}

/* Build, check and drop one tree; returns its node count. */
static uint64_t bt_once(struct mm_ctx *c, int depth)
{
	mm_own tree;
	uint64_t n = 0;
	bt_make(c, depth, &tree);
	MM_BORROW_SCOPE(c, tree, r)
		n = bt_check(c, r);
	mm_drop(c, tree);
	mm_step(c);
	return n;
}

/* A tree of depth d has this many nodes: every count is known before the
 * run, so a wrong one (an allocator that hands out a live block twice) is
 * a failed check, not a number printed. */
static uint64_t bt_nodes(int depth)
{
	return ((uint64_t)1 << (depth + 1)) - 1;
}

static int bt_wrong(struct mm_job *job, const char *what, int depth, uint64_t got)
{
	snprintf(job->error, sizeof job->error,
		 "%s of depth %d counted %llu nodes; a tree of that depth has %llu", what, depth,
		 (unsigned long long)got, (unsigned long long)bt_nodes(depth));
	return MM_JOB_WRONG;
}

static int bt_run(struct mm_ctx *c, struct mm_job *job)
{
	int n = (int)job->params[0];
	int max_depth = n < MIN_DEPTH + 2 ? MIN_DEPTH + 2 : n;
	uint64_t sum = WL_CHECKSUM_SEED, ops = 0;

	uint64_t stretch = bt_once(c, max_depth + 1);
	if (stretch != bt_nodes(max_depth + 1))
		return bt_wrong(job, "the stretch tree", max_depth + 1, stretch);
	wl_print(job, "stretch tree of depth %d\t check: %llu", max_depth + 1,
		 (unsigned long long)stretch);
	sum = wl_mix(wl_mix(sum, (uint64_t)max_depth + 1), stretch);
	ops += stretch;

	mm_own long_lived;
	bt_make(c, max_depth, &long_lived);

	for (int d = MIN_DEPTH; d <= max_depth; d += 2) {
		uint64_t iterations = (uint64_t)1 << (max_depth - d + MIN_DEPTH);
		uint64_t check = 0;
		for (uint64_t i = 0; i < iterations; i++)
			check += bt_once(c, d);
		if (check != iterations * bt_nodes(d)) {
			mm_drop(c, long_lived);
			return bt_wrong(job, "the short-lived trees", d, check);
		}
		wl_print(job, "%llu\t trees of depth %d\t check: %llu",
			 (unsigned long long)iterations, d, (unsigned long long)check);
		sum = wl_mix(wl_mix(wl_mix(sum, iterations), (uint64_t)d), check);
		ops += check;
	}

	uint64_t ll = 0;
	MM_BORROW_SCOPE(c, long_lived, r)
		ll = bt_check(c, r);
	mm_drop(c, long_lived);
	if (ll != bt_nodes(max_depth))
		return bt_wrong(job, "the long-lived tree", max_depth, ll);
	wl_print(job, "long lived tree of depth %d\t check: %llu", max_depth,
		 (unsigned long long)ll);
	sum = wl_mix(wl_mix(sum, (uint64_t)max_depth), ll);
	ops += ll;

	job->checksum = sum;
	job->ops = ops;
	return 0;
}

WL_DEFINE(binary_trees, "binary-trees",
	  "the Benchmarks Game's binary trees: build, check and drop many small trees",
	  "nodes", bt_params, bt_types, bt_run);
