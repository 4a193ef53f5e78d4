/* models_suite.h — one suite of object-graph cases, compiled once per
 * model (test_model_manual.c, _rc.c, _own.c), as workloads are.
 *
 * It checks what every model with explicit frees must get right: a drop
 * frees exactly the owned subtree (every byte comes back, weak slots are
 * not followed), replacing a slot drops what was there, and drops of any
 * depth and width work without recursion, including the shapes that
 * overflow the walk's stack and fall back to pointer reversal.
 * Define SUITE_MODEL (and the MM_MODEL_ macro) before including it.
 */
#include "runtime/api/mm.h"
#include "runtime/models/model.h"
#include "tests/support/test.h"

enum { T_PAIR, T_WIDE, T_BACK };
static const struct mm_type types[] = {
	[T_PAIR] = { .name = "pair", .id = T_PAIR, .nslots = 2, .payload = 8 },
	[T_WIDE] = { .name = "wide", .id = T_WIDE, .nslots = 64 },
	[T_BACK] = { .name = "back", .id = T_BACK, .nslots = 2, .weak = 1u << 1 },
};

static int setup(void **state)
{
	static struct mm_ctx c;
	char err[128];
	if (mm_ctx_init(&c, mm_model_get(SUITE_MODEL), NULL, "", err, sizeof err) != 0)
		return -1;
	if (mm_ctx_bind_types(&c, types, 3, NULL) != 0)
		return -1;
	*state = &c;
	return 0;
}

static int teardown(void **state)
{
	mm_ctx_fini(*state);
	return 0;
}

static void all_freed(struct mm_ctx *c)
{
	assert_int_equal(c->live_bytes, 0);
	assert_int_equal(c->frees, c->allocs);
}

static mm_own tree(struct mm_ctx *c, int depth)
{
	mm_own n = mm_new(c, &types[T_PAIR]);
	if (depth > 0) {
		mm_set_owned(c, n, 0, tree(c, depth - 1));
		mm_set_owned(c, n, 1, tree(c, depth - 1));
	}
	return n;
}

static uint64_t count(struct mm_ctx *c, mm_ref n)
{
	if (mm_is_null(n))
		return 0;
	mm_ref l = mm_get(c, n, 0), r = mm_get(c, n, 1);
	uint64_t k = 1 + count(c, l) + count(c, r);
	mm_end(c, l);
	mm_end(c, r);
	return k;
}

static void drop_frees_the_subtree(void **state)
{
	struct mm_ctx *c = *state;
	mm_own t = tree(c, 10);
	mm_ref r = mm_borrow(c, t);
	assert_int_equal(count(c, r), 2047);
	mm_end(c, r);
	assert_int_equal(c->live_bytes, 2047 * mm_type_size(&types[T_PAIR], sizeof(struct mm_hdr)));
	mm_drop(c, t);
	all_freed(c);
}

/* A chain a million long through slot 1: no recursion, no stack growth. */
static void a_million_deep_chain(void **state)
{
	struct mm_ctx *c = *state;
	mm_own head = mm_new(c, &types[T_PAIR]);
	for (int i = 0; i < 1000000; i++) {
		mm_own n = mm_new(c, &types[T_PAIR]);
		mm_set_owned(c, n, 1, head);
		head = n;
	}
	mm_drop(c, head);
	all_freed(c);
}

/* A comb: slot 0 goes deeper, slot 1 holds a small tree that waits on the
 * walk's stack.  Past its 256 places the small trees take the pointer
 * reversal path, so both paths free real subtrees here. */
static void a_comb_overflows_the_walk_stack(void **state)
{
	struct mm_ctx *c = *state;
	mm_own spine = MM_NULL;
	for (int i = 0; i < 3000; i++) {
		mm_own n = mm_new(c, &types[T_PAIR]);
		mm_set_owned(c, n, 1, tree(c, 3));
		if (!mm_is_null(spine))
			mm_set_owned(c, n, 0, spine);
		spine = n;
	}
	mm_drop(c, spine);
	all_freed(c);
}

/* 64 slots a node, three levels: wide pushes, and slot indices past 16. */
static void wide_nodes(void **state)
{
	struct mm_ctx *c = *state;
	mm_own root = mm_new(c, &types[T_WIDE]);
	for (unsigned i = 0; i < 64; i++) {
		mm_own mid = mm_new(c, &types[T_WIDE]);
		for (unsigned j = 0; j < 64; j += 3)
			mm_set_owned(c, mid, j, tree(c, 1));
		mm_set_owned(c, root, i, mid);
	}
	mm_drop(c, root);
	all_freed(c);
}

static void weak_slots_are_not_followed(void **state)
{
	struct mm_ctx *c = *state;
	mm_own target = tree(c, 3);
	mm_own holder = mm_new(c, &types[T_BACK]);
	mm_ref tr = mm_borrow(c, target);
	mm_weak w = mm_downgrade(c, tr);
	mm_end(c, tr);
	mm_mut hm = mm_borrow_mut(c, holder);
	mm_set_weak(c, hm, 1, w);
	mm_end_mut(c, hm);
	uint64_t before = c->live_bytes;
	mm_drop(c, holder);
	assert_int_equal(c->live_bytes,
			 before - mm_type_size(&types[T_BACK], sizeof(struct mm_hdr)));
	mm_ref r = mm_borrow(c, target);
	assert_int_equal(count(c, r), 15);
	mm_end(c, r);
	mm_drop(c, target);
	all_freed(c);
}

static void replacing_a_slot_drops_the_old_value(void **state)
{
	struct mm_ctx *c = *state;
	mm_own p = mm_new(c, &types[T_PAIR]);
	mm_set_owned(c, p, 0, tree(c, 4));
	mm_set_owned(c, p, 0, tree(c, 2));
	assert_int_equal(c->allocs - c->frees, 1 + 7);
	mm_mut m = mm_borrow_mut(c, p);
	mm_own t = mm_take(c, m, 0);
	mm_end_mut(c, m);
	mm_drop(c, p);
	assert_int_equal(c->allocs - c->frees, 7);
	mm_drop(c, t);
	all_freed(c);
}

static void peak_live_is_the_high_water_mark(void **state)
{
	struct mm_ctx *c = *state;
	size_t node = mm_type_size(&types[T_PAIR], sizeof(struct mm_hdr));
	mm_own a = tree(c, 5);
	mm_own b = tree(c, 5);
	mm_drop(c, a);
	mm_drop(c, b);
	mm_own small = tree(c, 1);
	mm_drop(c, small);
	mm_note_peak(c);
	assert_int_equal(c->peak_live_bytes, 2 * 63 * node);
	all_freed(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(drop_frees_the_subtree, setup, teardown),
		cmocka_unit_test_setup_teardown(a_million_deep_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(a_comb_overflows_the_walk_stack, setup, teardown),
		cmocka_unit_test_setup_teardown(wide_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(weak_slots_are_not_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(replacing_a_slot_drops_the_old_value, setup,
						teardown),
		cmocka_unit_test_setup_teardown(peak_live_is_the_high_water_mark, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
