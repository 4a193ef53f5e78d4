/* test_own_rules.c — every runtime rule of the own model is caught.
 *
 * The context's panic hook hands each broken rule to cmocka's
 * mock_assert, so expect_assert_failure sees it; the hook also keeps the
 * file:line it was given, which must be the line of the offending call.
 */
#define MM_MODEL_OWN
#include "runtime/api/mm.h"
#include "tests/support/test.h"

enum { T_PAIR, T_WEAKLY, T_DATA };
static const struct mm_type types[] = {
	[T_PAIR] = { .name = "pair", .id = T_PAIR, .nslots = 2 },
	[T_WEAKLY] = { .name = "weakly", .id = T_WEAKLY, .nslots = 2, .weak = 1u << 1 },
	[T_DATA] = { .name = "data", .id = T_DATA, .nslots = 0, .payload = 16 },
};

static struct {
	const char *file;
	int line;
} seen;

static void hook(void *st, const char *file, int line, const char *msg)
{
	(void)st;
	seen.file = file;
	seen.line = line;
	mock_assert(0, msg, file, line);
}

static int setup(void **state)
{
	static struct mm_ctx c;
	char err[128];
	if (mm_ctx_init(&c, MM_OWN, NULL, "", err, sizeof err) != 0)
		return -1;
	if (mm_ctx_bind_types(&c, types, 3, NULL) != 0)
		return -1;
	c.panic = hook;
	*state = &c;
	return 0;
}

static int teardown(void **state)
{
	mm_ctx_fini(*state);
	return 0;
}

/* Expect the call on this line to break the rule named in `rule`. */
#define EXPECT_RULE(call, rule)                                              \
	do {                                                                 \
		seen.line = 0;                                               \
		int line_ = __LINE__; expect_assert_failure(call);          \
		assert_non_null(strstr(global_last_failed_assert, rule));    \
		assert_string_equal(seen.file, __FILE__);                    \
		assert_int_equal(seen.line, line_);                          \
	} while (0)

static void use_after_move(void **state)
{
	struct mm_ctx *c = *state;
	mm_own parent = mm_new(c, &types[T_PAIR]);
	mm_own child = mm_new(c, &types[T_PAIR]);
	mm_set_owned(c, parent, 0, child);
	EXPECT_RULE(mm_drop(c, child), "use after move");
	EXPECT_RULE(mm_borrow(c, child), "use after move");
	EXPECT_RULE(mm_set_owned(c, parent, 1, child), "use after move");
	mm_drop(c, parent);
}

static void use_after_drop(void **state)
{
	struct mm_ctx *c = *state;
	mm_own a = mm_new(c, &types[T_PAIR]);
	mm_own copy = a;
	mm_drop(c, a);
	EXPECT_RULE(mm_borrow(c, copy), "use after drop");
	EXPECT_RULE(mm_drop(c, copy), "use after drop");
	/* the entry is reused by the next object; the stale handle still fails */
	mm_own b = mm_new(c, &types[T_PAIR]);
	assert_int_equal(b.idx, a.idx);
	EXPECT_RULE(mm_borrow_mut(c, a), "use after drop");
	mm_drop(c, b);
}

static void shared_xor_mutable(void **state)
{
	struct mm_ctx *c = *state;
	mm_own a = mm_new(c, &types[T_PAIR]);
	mm_ref r = mm_borrow(c, a);
	mm_ref r2 = mm_borrow(c, a); /* many shared borrows are fine */
	EXPECT_RULE(mm_borrow_mut(c, a), "shared XOR mutable");
	mm_end(c, r);
	mm_end(c, r2);
	mm_mut m = mm_borrow_mut(c, a);
	EXPECT_RULE(mm_borrow(c, a), "shared XOR mutable");
	EXPECT_RULE(mm_borrow_mut(c, a), "shared XOR mutable");
	mm_end_mut(c, m);
	/* a child borrowed shared cannot be borrowed mutably through its parent */
	mm_set_owned(c, a, 0, mm_new(c, &types[T_PAIR]));
	mm_ref pr = mm_borrow(c, a);
	mm_ref cr = mm_get(c, pr, 0);
	mm_end(c, pr);
	mm_mut pm = mm_borrow_mut(c, a);
	EXPECT_RULE(mm_get_mut(c, pm, 0), "shared XOR mutable");
	mm_end_mut(c, pm);
	mm_end(c, cr);
	mm_drop(c, a);
}

static void drop_while_borrowed(void **state)
{
	struct mm_ctx *c = *state;
	mm_own a = mm_new(c, &types[T_PAIR]);
	mm_ref r = mm_borrow(c, a);
	EXPECT_RULE(mm_drop(c, a), "drop while borrowed");
	mm_end(c, r);
	mm_mut m = mm_borrow_mut(c, a);
	EXPECT_RULE(mm_drop(c, a), "drop while borrowed");
	mm_end_mut(c, m);
	mm_drop(c, a);
}

static void drop_while_a_part_is_borrowed(void **state)
{
	struct mm_ctx *c = *state;
	mm_own a = mm_new(c, &types[T_PAIR]);
	mm_set_owned(c, a, 1, mm_new(c, &types[T_PAIR]));
	mm_ref r = mm_borrow(c, a);
	mm_ref part = mm_get(c, r, 1);
	mm_end(c, r);
	EXPECT_RULE(mm_drop(c, a), "drop while borrowed");
	/* the failed drop stopped part-way; the context frees the rest at
	 * teardown, so this test only checks the report */
	(void)part;
}

static void move_while_borrowed(void **state)
{
	struct mm_ctx *c = *state;
	mm_own parent = mm_new(c, &types[T_PAIR]);
	mm_own child = mm_new(c, &types[T_PAIR]);
	mm_ref r = mm_borrow(c, child);
	EXPECT_RULE(mm_set_owned(c, parent, 0, child), "move while borrowed");
	mm_end(c, r);
	EXPECT_RULE(mm_set_owned(c, child, 1, child), "move into itself");
	mm_set_owned(c, parent, 0, child);
	mm_drop(c, parent);
}

static void ended_borrows(void **state)
{
	struct mm_ctx *c = *state;
	mm_own a = mm_new(c, &types[T_PAIR]);
	mm_ref r = mm_borrow(c, a);
	mm_end(c, r);
	EXPECT_RULE(mm_end(c, r), "ended borrow");
	EXPECT_RULE(mm_get(c, r, 0), "ended borrow");
	mm_mut m = mm_borrow_mut(c, a);
	mm_end_mut(c, m);
	EXPECT_RULE(mm_set(c, m, 0, mm_new(c, &types[T_PAIR])), "ended borrow");
	EXPECT_RULE(mm_end_mut(c, m), "ended borrow");
	mm_drop(c, a);
}

static void slots_and_types_are_checked(void **state)
{
	struct mm_ctx *c = *state;
	mm_own w = mm_new(c, &types[T_WEAKLY]);
	mm_own other = mm_new(c, &types[T_PAIR]);
	EXPECT_RULE(mm_set_owned(c, w, 1, other), "slot kind");
	EXPECT_RULE(mm_set_owned(c, w, 2, other), "no such slot");
	mm_ref r = mm_borrow(c, w);
	EXPECT_RULE(mm_data(c, r, &types[T_DATA]), "type mismatch");
	EXPECT_RULE(mm_get_weak(c, r, 0), "slot kind");
	mm_end(c, r);
	mm_own null = MM_NULL;
	EXPECT_RULE(mm_borrow(c, null), "null handle");
	mm_drop(c, w);
	mm_drop(c, other);
}

static void weak_handles_fail_to_upgrade_after_drop(void **state)
{
	struct mm_ctx *c = *state;
	mm_own holder = mm_new(c, &types[T_WEAKLY]);
	mm_own target = mm_new(c, &types[T_PAIR]);
	mm_ref tr = mm_borrow(c, target);
	mm_weak w = mm_downgrade(c, tr);
	mm_end(c, tr);
	mm_mut hm = mm_borrow_mut(c, holder);
	mm_set_weak(c, hm, 1, w);
	mm_end_mut(c, hm);

	mm_ref hr = mm_borrow(c, holder);
	mm_ref up = mm_upgrade(c, mm_get_weak(c, hr, 1));
	assert_false(mm_is_null(up));
	assert_int_equal(up.idx, target.idx);
	mm_end(c, up);

	mm_drop(c, target);
	up = mm_upgrade(c, mm_get_weak(c, hr, 1));
	assert_true(mm_is_null(up));
	mm_end(c, hr);
	mm_drop(c, holder); /* a weak slot does not own: nothing else is freed */
	assert_int_equal(c->live_bytes, 0);
}

static void set_replaces_and_take_moves_out(void **state)
{
	struct mm_ctx *c = *state;
	mm_own p = mm_new(c, &types[T_PAIR]);
	mm_set_owned(c, p, 0, mm_new(c, &types[T_PAIR]));
	uint64_t frees = c->frees;
	mm_set_owned(c, p, 0, mm_new(c, &types[T_PAIR])); /* drops the first child */
	assert_int_equal(c->frees, frees + 1);
	mm_mut m = mm_borrow_mut(c, p);
	mm_own child = mm_take(c, m, 0);
	mm_end_mut(c, m);
	assert_false(mm_is_null(child));
	mm_drop(c, p);
	mm_ref r = mm_borrow(c, child); /* taken out, so it outlived its parent */
	mm_end(c, r);
	mm_drop(c, child);
	assert_int_equal(c->live_bytes, 0);
}

static void data_is_reachable_and_zeroed(void **state)
{
	struct mm_ctx *c = *state;
	mm_own d = mm_new(c, &types[T_DATA]);
	mm_mut m = mm_borrow_mut(c, d);
	unsigned char *bytes = mm_data_mut(c, m, &types[T_DATA]);
	for (int i = 0; i < 16; i++)
		assert_int_equal(bytes[i], 0);
	memcpy(bytes, "0123456789abcdef", 16);
	mm_end_mut(c, m);
	mm_ref r = mm_borrow(c, d);
	assert_memory_equal(mm_data(c, r, &types[T_DATA]), "0123456789abcdef", 16);
	mm_end(c, r);
	mm_drop(c, d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(use_after_move, setup, teardown),
		cmocka_unit_test_setup_teardown(use_after_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(shared_xor_mutable, setup, teardown),
		cmocka_unit_test_setup_teardown(drop_while_borrowed, setup, teardown),
		cmocka_unit_test_setup_teardown(drop_while_a_part_is_borrowed, setup, teardown),
		cmocka_unit_test_setup_teardown(move_while_borrowed, setup, teardown),
		cmocka_unit_test_setup_teardown(ended_borrows, setup, teardown),
		cmocka_unit_test_setup_teardown(slots_and_types_are_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(weak_handles_fail_to_upgrade_after_drop, setup,
						teardown),
		cmocka_unit_test_setup_teardown(set_replaces_and_take_moves_out, setup, teardown),
		cmocka_unit_test_setup_teardown(data_is_reachable_and_zeroed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
