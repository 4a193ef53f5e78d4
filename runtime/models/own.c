/* own.c — the own model's table growth, iterative drop and rule reports.
 *
 * own_free_tree works as ptr_free.c does, on handles: a small explicit
 * stack, and pointer reversal for what overflows it, where the slot we
 * descend through holds the way back up, finished slots are zeroed, and
 * the root's way up is a sentinel handle {0, 1} that no real slot holds
 * (a null slot is {0, 0}).  Each freed entry's generation is
 * bumped, which is what turns every stale handle into a caught error.
 */
#include "own_table.h"

#include <stdlib.h>
#include <string.h>

#define SENTINEL ((struct own_slot){ 0, 1 })


uint32_t own_grow(struct mm_ctx *c)
{
	uint32_t old = c->own_cap;
	uint64_t cap = old ? (uint64_t)old * 2 : 1024;
	if (cap > UINT32_MAX)
		mm_fail_oom(c, 0);
	struct own_entry *t = realloc(c->own_table, cap * sizeof *t);
	if (t == NULL)
		mm_fail_oom(c, cap * sizeof *t);
	uint32_t first = old ? old : 1; /* entry 0 stays the null handle */
	if (old == 0)
		t[0] = (struct own_entry){ .gen = OWN_NULL_GEN, .state = OWN_FREE };
	for (uint64_t i = first; i < cap; i++)
		t[i] = (struct own_entry){
			.obj = (void *)(uintptr_t)(i + 1 < cap ? i + 1 : 0),
			.gen = 1,
			.state = OWN_FREE,
		};
	c->own_table = t;
	c->own_cap = (uint32_t)cap;
	c->own_free = first;
	return first;
}

static bool occupied(struct own_slot s)
{
	return (s.idx | s.gen) != 0;
}

static int first_occupied(const struct own_slot *s, uint64_t strong)
{
	for (; strong; strong &= strong - 1) {
		int i = __builtin_ctzll(strong);
		if (occupied(s[i]))
			return i;
	}
	return -1;
}

static struct own_slot *slots_of(const struct own_entry *e)
{
	return (struct own_slot *)(void *)((struct mm_hdr *)e->obj + 1);
}

static size_t size_of(const struct mm_ctx *c, const struct own_entry *e)
{
	return mm_type_size(own_type(c, e), sizeof(struct mm_hdr));
}

/* The O(1)-space fallback for subtrees too deep or wide for the stack. */
void own_reverse_free(struct mm_ctx *c, uint32_t idx, const char *f, int l)
{
	struct own_slot parent = SENTINEL;
	struct own_slot cur = { idx, c->own_table[idx].gen };
	own_check_unborrowed(c, &c->own_table[idx], f, l);

	for (;;) {
		struct own_entry *e = &c->own_table[cur.idx];
		struct own_slot *s = slots_of(e);
		int i = first_occupied(s, mm_type_strong(own_type(c, e)));
		if (i >= 0) {
			struct own_slot child = s[i];
			own_check_unborrowed(c, &c->own_table[child.idx], f, l);
			s[i] = parent;
			parent = cur;
			cur = child;
			continue;
		}
		own_release(c, cur.idx, e, size_of(c, e));
		if (parent.idx == SENTINEL.idx && parent.gen == SENTINEL.gen)
			return;
		struct own_entry *pe = &c->own_table[parent.idx];
		struct own_slot *ps = slots_of(pe);
		int j = first_occupied(ps, mm_type_strong(own_type(c, pe)));
		struct own_slot up = ps[j];
		ps[j] = (struct own_slot){ 0, 0 };
		cur = parent;
		parent = up;
	}
}

void own_free_tree(struct mm_ctx *c, uint32_t idx, const char *f, int l)
{
	own_free_walk(c, idx, c->types, c->ntypes, f, l);
}

void own_release_all(struct mm_ctx *c)
{
	for (uint32_t i = 1; i < c->own_cap; i++) {
		struct own_entry *e = &c->own_table[i];
		if (e->state != OWN_FREE)
			own_release(c, i, e, size_of(c, e));
	}
	free(c->own_table);
	c->own_table = NULL;
	c->own_cap = 0;
	c->own_free = 0;
}

void own_bad_index(struct mm_ctx *c, uint32_t idx, const char *f, int l)
{
	if (idx == 0)
		mm_panic(c, f, l, "null handle: this handle names no object");
	mm_panic(c, f, l, "invalid handle: index %u was never handed out", idx);
}

void own_use_after_drop(struct mm_ctx *c, const struct own_entry *e, uint32_t gen, const char *f,
			int l)
{
	if (e == c->own_table)
		own_bad_index(c, 0, f, l);
	mm_panic(c, f, l,
		 "use after drop: this handle names an object that was dropped "
		 "(handle generation %u, object generation %u)",
		 gen, e->gen);
}

void own_use_after_move(struct mm_ctx *c, const char *f, int l)
{
	mm_panic(c, f, l,
		 "use after move: this owned handle was moved into a slot, "
		 "which owns the object now");
}

void own_self_move(struct mm_ctx *c, const char *f, int l)
{
	mm_panic(c, f, l,
		 "move into itself: an object cannot own itself, or nothing could ever drop it");
}

void own_borrowed(struct mm_ctx *c, const struct own_entry *e, const char *rule,
		  const char *action, const char *f, int l)
{
	if (e->borrow == OWN_MUT)
		mm_panic(c, f, l, "%s: cannot %s an object while it is mutably borrowed", rule,
			 action);
	mm_panic(c, f, l, "%s: cannot %s an object while %u shared borrow%s live", rule, action,
		 e->borrow, e->borrow == 1 ? " is" : "s are");
}

void own_cannot_share(struct mm_ctx *c, const struct own_entry *e, const char *f, int l)
{
	if (e->borrow == OWN_MUT)
		mm_panic(c, f, l,
			 "shared XOR mutable: cannot borrow an object while it is mutably "
			 "borrowed");
	mm_panic(c, f, l, "too many borrows: %u shared borrows of one object are live", e->borrow);
}

void own_ended(struct mm_ctx *c, const char *what, const char *f, int l)
{
	mm_panic(c, f, l, "ended borrow: %s was given a borrow that is no longer live", what);
}

void own_bad_slot(struct mm_ctx *c, const struct mm_type *t, unsigned slot, bool weak,
		  const char *f, int l)
{
	if (slot >= t->nslots)
		mm_panic(c, f, l, "no such slot: type %s has %u slots, slot %u asked for", t->name,
			 t->nslots, slot);
	mm_panic(c, f, l, "slot kind: slot %u of type %s is %s, not %s", slot, t->name,
		 weak ? "strong" : "weak", weak ? "weak" : "strong");
}

void own_bad_type(struct mm_ctx *c, const struct mm_type *have, const struct mm_type *want,
		  const char *f, int l)
{
	mm_panic(c, f, l, "type mismatch: the object is a %s, not a %s", have->name, want->name);
}

void own_not_owner(struct mm_ctx *c, uint32_t idx, uint32_t gen, const char *rule,
		   const char *action, const char *f, int l)
{
	const struct own_entry *e = &c->own_table[idx];
	if (e->gen != gen)
		own_use_after_drop(c, e, gen, f, l);
	if (e->state != OWN_LOOSE)
		own_use_after_move(c, f, l);
	own_borrowed(c, e, rule, action, f, l);
}
