/* test_own_rules.c — every runtime rule of the own model is caught.
 *
 * The context's panic hook hands each broken rule to cmocka's
 * mock_assert, so expect_assert_failure sees it; the hook also keeps the
 * file:line it was given, which must be the line of the offending call.
 */
/* expect_assert_failure is a setjmp in each test function, into which the
 * model's inline calls are inlined: gcc then warns that their locals
 * "might be clobbered", though none is read after the longjmp. */
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wclobbered"
#endif
#define MM_MODEL own
#define MM_MODEL_HEADER "runtime/models/own.h"
#include "runtime/api/mm.h"
#include "runtime/models/model.h"
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
	if (mm_ctx_init(&c, mm_model_get(MM_MODEL_own), NULL, "", err, sizeof err) != 0)
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
	assert_int_equal(own_index(b), own_index(a));
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
	EXPECT_RULE(mm_borrow_mut(c, a), "shared XOR mutable");
	mm_end(c, cr);
	mm_end(c, pr);
	mm_mut pm = mm_borrow_mut(c, a);
	mm_mut cm = mm_get_mut(c, pm, 0);
	EXPECT_RULE(mm_get_mut(c, pm, 0), "shared XOR mutable");
	mm_end_mut(c, cm);
	mm_end_mut(c, pm);
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
	/* the parent borrow cannot end first: the part's borrow is tied to it */
	EXPECT_RULE(mm_end(c, r), "borrow outlives its parent");
	EXPECT_RULE(mm_drop(c, a), "drop while borrowed");
	mm_end(c, part);
	mm_end(c, r);
	mm_drop(c, a);
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
	assert_int_equal(own_index(mm_downgrade(c, up)), own_index(target));
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

/* Hole 1: a child borrow outliving its parent's let a strong cycle be
 * built (two objects leaked, no panic).  Now the parent cannot end first. */
static void no_strong_cycle_through_an_outliving_borrow(void **state)
{
	struct mm_ctx *c = *state;
	mm_own a = mm_new(c, &types[T_PAIR]);
	mm_set_owned(c, a, 0, mm_new(c, &types[T_PAIR]));
	mm_mut ma = mm_borrow_mut(c, a);
	mm_mut mb = mm_get_mut(c, ma, 0);
	EXPECT_RULE(mm_end_mut(c, ma), "borrow outlives its parent");
	/* and while ma lives, a cannot be moved into b */
	EXPECT_RULE(mm_set(c, mb, 1, a), "move while borrowed");
	mm_end_mut(c, mb);
	mm_end_mut(c, ma);
	mm_drop(c, a);
	assert_int_equal(c->live_bytes, 0);
}

/* Hole 2: ending one borrow twice hid a live one (the count is per
 * object).  Each borrow has a record and an epoch now. */
static void a_borrow_ends_once(void **state)
{
	struct mm_ctx *c = *state;
	mm_own a = mm_new(c, &types[T_PAIR]);
	mm_ref r1 = mm_borrow(c, a);
	mm_ref r2 = mm_borrow(c, a);
	mm_end(c, r1);
	EXPECT_RULE(mm_end(c, r1), "ended borrow");
	EXPECT_RULE(mm_drop(c, a), "drop while borrowed"); /* r2 is still live */
	EXPECT_RULE(mm_get(c, r1, 0), "ended borrow");
	mm_end(c, r2);
	/* a record reused by a new borrow does not revive the old handle */
	mm_ref r3 = mm_borrow(c, a);
	EXPECT_RULE(mm_end(c, r1), "ended borrow");
	mm_end(c, r3);
	mm_drop(c, a);
}

/* Hole 4: a forged owner.  The fields are the model's (no idx or gen to
 * copy: tests/compile_fail/cases/forged_owner.c); words copied from a
 * borrow or a weak handle fail the generation check with their own
 * message, and a borrow naming no record is caught as well. */
static void a_forged_owner_is_caught(void **state)
{
	struct mm_ctx *c = *state;
	mm_own a = mm_new(c, &types[T_PAIR]);
	mm_ref r = mm_borrow(c, a);
	mm_weak w = mm_downgrade(c, r);
	mm_own from_borrow = { r.mm_w_, NULL };
	EXPECT_RULE(mm_drop(c, from_borrow), "forged handle");
	mm_end(c, r);
	mm_own forged = { w.mm_w_, NULL };
	EXPECT_RULE(mm_drop(c, forged), "forged handle");
	mm_ref fake = { 1u << 30 }; /* a record no borrow ever had */
	EXPECT_RULE(mm_end(c, fake), "forged borrow");
	/* a shared borrow's words passed off as a mutable borrow, and back */
	mm_ref sr = mm_borrow(c, a);
	mm_mut as_mut = { sr.mm_w_ };
	EXPECT_RULE(mm_end_mut(c, as_mut), "borrow kind");
	mm_end(c, sr);
	mm_mut mr = mm_borrow_mut(c, a);
	mm_ref as_shared = { mr.mm_w_ };
	EXPECT_RULE(mm_end(c, as_shared), "borrow kind");
	mm_end_mut(c, mr);
	mm_drop(c, a);
}

/* Hole 5: a generation that would wrap retires its entry for good. */
static void a_generation_never_wraps(void **state)
{
	struct mm_ctx *c = *state;
	mm_own a = mm_new(c, &types[T_PAIR]);
	uint32_t i = own_index(a);
	mm_drop(c, a);
	OWN_TAB(c)[i].gen = OWN_GEN_LAST - 1; /* as after 2^32 - 3 reuses */
	mm_own b = mm_new(c, &types[T_PAIR]);
	assert_int_equal(own_index(b), i);
	mm_drop(c, b); /* its generation reaches the last: retired */
	mm_own d = mm_new(c, &types[T_PAIR]);
	assert_int_not_equal(own_index(d), i);
	EXPECT_RULE(mm_borrow(c, b), "use after drop");
	mm_drop(c, d);
	assert_int_equal(c->live_bytes, 0);
}

/* Hole 6: a leak at the end of the run is a broken rule, reported at the
 * allocating site (the model's end op, which the session calls). */
static void a_leak_at_exit_is_reported(void **state)
{
	struct mm_ctx *c = *state;
	mm_own kept = mm_new(c, &types[T_PAIR]);
	mm_own leaked = mm_new(c, &types[T_PAIR]); int leak_line = __LINE__;
	mm_set_owned(c, leaked, 0, mm_new(c, &types[T_PAIR]));
	mm_drop(c, kept);
	seen.line = 0;
	expect_assert_failure(c->model->end(c));
	assert_non_null(strstr(global_last_failed_assert, "leak at exit"));
	assert_non_null(strstr(global_last_failed_assert, "2 objects"));
	assert_string_equal(seen.file, __FILE__);
	assert_int_equal(seen.line, leak_line);
	mm_drop(c, leaked);
	c->model->end(c); /* nothing live: no report */
}

/* Hole 3: a payload pointer used after its borrow ended.  In the ASan
 * build the payload is poisoned while nobody borrows it, and ASan reports
 * the access at this file's line; elsewhere the test is skipped. */
#if defined(OWN_POISON)
#include <sys/wait.h>
#include <unistd.h>
/* The read after the end, on a line of its own that the test knows. */
__attribute__((noinline)) static int read_after_end(const volatile char *p) { return p[3]; } enum { READ_LINE = __LINE__ };

static void payload_misuse(struct mm_ctx *c)
{
	mm_own d = mm_new(c, &types[T_DATA]);
	mm_ref r = mm_borrow(c, d);
	const volatile char *p = mm_data(c, r, &types[T_DATA]);
	mm_end(c, r);
	if (read_after_end(p) == 42)
		mm_drop(c, d);
}
#endif

static void a_payload_pointer_dies_with_its_borrow(void **state)
{
#if defined(OWN_POISON)
	struct mm_ctx *c = *state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 2);
		payload_misuse(c);
		_exit(0);
	}
	close(fds[1]);
	char out[16384];
	size_t n = 0;
	ssize_t k;
	while (n < sizeof out - 1 && (k = read(fds[0], out + n, sizeof out - 1 - n)) > 0)
		n += (size_t)k;
	out[n] = '\0';
	close(fds[0]);
	int st;
	waitpid(pid, &st, 0);
	assert_false(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_non_null(strstr(out, "use-after-poison"));
	assert_non_null(strstr(out, "payload outside its borrow"));
	char site[64];
	snprintf(site, sizeof site, "test_own_rules.c:%d", (int)READ_LINE);
	if (strstr(out, site) == NULL)
		fail_msg("ASan's report does not name %s:\n%s", site, out);
#else
	(void)state;
	skip();
#endif
}

/* Scopes: a borrow scope ends its borrow on every exit (break, return);
 * an owned scope drops unless the handle was moved out with mm_move, and
 * a move without mm_move is caught when the scope's drop runs. */
static uint64_t first_slot_null(struct mm_ctx *c, mm_own o)
{
	MM_BORROW_SCOPE(c, o, r) {
		MM_GET_SCOPE(c, r, 0, child) {
			if (mm_is_null(child))
				return 1; /* both borrows end here */
		}
	}
	return 0;
}

static void scopes_end_on_every_exit(void **state)
{
	struct mm_ctx *c = *state;
	mm_own a = mm_new(c, &types[T_PAIR]);
	assert_int_equal(first_slot_null(c, a), 1);
	mm_set_owned(c, a, 0, mm_new(c, &types[T_PAIR]));
	assert_int_equal(first_slot_null(c, a), 0);
	for (int i = 0; i < 3; i++)
		MM_BORROW_MUT_SCOPE(c, a, m) {
			if (i == 1)
				break;
			mm_set(c, m, 1, mm_new(c, &types[T_PAIR]));
		}
	mm_drop(c, a); /* no borrow is left live: the drop is allowed */
	assert_int_equal(c->live_bytes, 0);

	uint64_t frees = c->frees;
	MM_OWN_SCOPE(c, tmp, mm_new(c, &types[T_PAIR])) {
		assert_false(mm_is_null(tmp));
	}
	assert_int_equal(c->frees, frees + 1); /* dropped at the block's end */

	mm_own keep = MM_NULL;
	MM_OWN_SCOPE(c, tmp, mm_new(c, &types[T_PAIR])) {
		keep = mm_move(tmp);
		assert_true(mm_is_null(tmp));
	}
	assert_int_equal(c->frees, frees + 1); /* moved out: not dropped */
	mm_drop(c, keep);
	assert_int_equal(c->live_bytes, 0);
}

static void a_move_without_mm_move_is_caught(void **state)
{
	struct mm_ctx *c = *state;
	mm_own p = mm_new(c, &types[T_PAIR]);
	seen.line = 0;
	volatile int line = 0; /* set inside the setjmp region */
	expect_assert_failure({
		/* the scope's drop reports at the scope's line */
		MM_OWN_SCOPE(c, tmp, mm_new(c, &types[T_PAIR])) { line = __LINE__;
			mm_set_owned(c, p, 0, tmp); /* should be mm_move(tmp) */
		}
	});
	assert_non_null(strstr(global_last_failed_assert, "use after move"));
	assert_int_equal(seen.line, line);
	mm_drop(c, p);
}

/* The borrows a run took are counted from the records' epochs (the stats'
 * `borrows`): ended ones, live ones, and a record retired when its epochs
 * ran out counts every epoch it served. */
static void borrows_are_counted_from_the_epochs(void **state)
{
	struct mm_ctx *c = *state;
	assert_int_equal(own_borrows_taken(c), 0);
	mm_own a = mm_new(c, &types[T_PAIR]);
	mm_set_owned(c, a, 0, mm_new(c, &types[T_PAIR]));
	mm_ref r1 = mm_borrow(c, a);
	mm_ref r2 = mm_borrow(c, a);
	mm_end(c, r1);
	assert_int_equal(own_borrows_taken(c), 2); /* one ended, one live */
	mm_ref kid = mm_get(c, r2, 0);
	mm_ref none = mm_get(c, r2, 1); /* an empty slot lends nothing */
	assert_true(mm_is_null(none));
	assert_int_equal(own_borrows_taken(c), 3);
	mm_end(c, kid);
	mm_end(c, r2);
	mm_mut m = mm_borrow_mut(c, a);
	mm_end_mut(c, m);
	assert_int_equal(own_borrows_taken(c), 4);

	/* the next borrow's record at its last epoch: as if it had served
	 * 2^31 - 2 borrows; ending one more retires it */
	struct own_side *s = OWN_SIDE(c);
	uint32_t b = s->free;
	uint64_t served = s->rec[b].ek / OWN_EPOCH_STEP - 1;
	s->rec[b].ek = UINT32_MAX - 1;
	uint64_t base = 4 - served + ((UINT64_C(1) << 31) - 2);
	assert_int_equal(own_borrows_taken(c), base);
	mm_ref last = mm_borrow(c, a);
	assert_int_equal(OWN_IDX(last.mm_w_), b);
	assert_int_equal(own_borrows_taken(c), base + 1);
	mm_end(c, last);
	assert_int_equal(s->rec[b].ek, 0); /* retired */
	assert_int_equal(own_borrows_taken(c), base + 1);
	mm_ref next = mm_borrow(c, a);
	assert_int_not_equal(OWN_IDX(next.mm_w_), b);
	assert_int_equal(own_borrows_taken(c), base + 2);
	mm_end(c, next);
	mm_drop(c, a);
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
		cmocka_unit_test_setup_teardown(no_strong_cycle_through_an_outliving_borrow, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_borrow_ends_once, setup, teardown),
		cmocka_unit_test_setup_teardown(a_forged_owner_is_caught, setup, teardown),
		cmocka_unit_test_setup_teardown(a_generation_never_wraps, setup, teardown),
		cmocka_unit_test_setup_teardown(a_leak_at_exit_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(a_payload_pointer_dies_with_its_borrow, setup,
						teardown),
		cmocka_unit_test_setup_teardown(scopes_end_on_every_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(a_move_without_mm_move_is_caught, setup, teardown),
		cmocka_unit_test_setup_teardown(borrows_are_counted_from_the_epochs, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
