/* own.h — the ownership/borrow model: Rust's rules, checked in C.
 *
 * A handle is {index, generation} into a table of entries; dropping an
 * object bumps its entry's generation, so a stale handle is caught on its
 * next use.  The four handle kinds are distinct struct types: passing a
 * borrow where an owned handle is due does not compile.  At run time every
 * call checks the rules and, when one is broken, panics with the caller's
 * file:line and a sentence naming the rule:
 *   use after move, use after drop, shared XOR mutable (many mm_ref or one
 *   mm_mut, never both), drop while borrowed, move while borrowed.
 * Entry states: FREE (on the free list), LOOSE (owned by a handle in a
 * variable), HELD (moved into a strong slot: the slot owns it).
 * The object header's aux word holds slot-kind masks (own_slot_masks).
 */
#ifndef MM_MODELS_OWN_H
#define MM_MODELS_OWN_H

#include <string.h>

#include "runtime/api/mm_ctx.h"
#include "own_table.h"

typedef struct { uint32_t idx, gen; } mm_own;
typedef struct { uint32_t idx, gen; } mm_ref;
typedef struct { uint32_t idx, gen; } mm_mut;
typedef struct { uint32_t idx, gen; } mm_weak;

#define mm_is_null(h) ((h).idx == 0)
#define MM_NULL { 0, 0 }

/* Invariant used below: a live object's strong slots name live HELD
 * entries (only the owner's drop, mm_set or mm_take ends them), so a
 * handle read from such a slot needs no generation check of its own. */
static inline __attribute__((always_inline)) struct own_entry *own_child(struct mm_ctx *c,
									 struct own_slot v)
{
	return &c->own_table[v.idx];
}

/* The live entry a handle names, or a panic.  A null handle fails the
 * generation check: entry 0 carries OWN_NULL_GEN. */
static inline __attribute__((always_inline)) struct own_entry *own_at(struct mm_ctx *c, uint32_t idx, uint32_t gen,
				       const char *f, int l)
{
	if (__builtin_expect(idx >= c->own_cap, 0))
		own_bad_index(c, idx, f, l);
	struct own_entry *e = &c->own_table[idx];
	if (__builtin_expect(e->gen != gen, 0))
		own_use_after_drop(c, e, gen, f, l);
	return e;
}

/* The entry of a handle that owns a live object nobody borrows (state
 * LOOSE, borrow 0): one compare of the meta word, or a panic naming the
 * rule broken (rule and action as for own_borrowed). */
static inline __attribute__((always_inline)) struct own_entry *
own_owner(struct mm_ctx *c, uint32_t idx, uint32_t gen, const char *rule, const char *action,
	  const char *f, int l)
{
	if (__builtin_expect(idx >= c->own_cap, 0))
		own_bad_index(c, idx, f, l);
	struct own_entry *e = &c->own_table[idx];
	if (__builtin_expect(e->meta != OWN_META(gen, 0, OWN_LOOSE), 0))
		own_not_owner(c, idx, gen, rule, action, f, l);
	return e;
}

static inline __attribute__((always_inline)) struct own_slot *own_slots(const struct own_entry *e)
{
	return (struct own_slot *)(void *)((struct mm_hdr *)e->obj + 1);
}

__attribute__((warn_unused_result)) static inline __attribute__((always_inline))
mm_own
mm_new_at(struct mm_ctx *c, const struct mm_type *t, const char *f, int l)
{
	(void)f, (void)l;
	size_t n = mm_type_size(t, sizeof(struct mm_hdr));
	uint32_t i = c->own_free ? c->own_free : own_grow(c);
	struct mm_hdr *h = mm_bytes_alloc(c, n);
	struct own_entry *e = &c->own_table[i];
	c->own_free = (uint32_t)(uintptr_t)e->obj;
	e->obj = h;
	e->meta = OWN_META(e->gen, 0, OWN_LOOSE);
	h->type = t->id;
	h->aux = own_slot_masks(t);
	memset(h + 1, 0, n - sizeof *h);
	return (mm_own){ i, e->gen };
}

static inline __attribute__((always_inline)) void mm_drop_at(struct mm_ctx *c, mm_own o, const char *f, int l)
{
	if (o.idx == 0)
		return;
	own_owner(c, o.idx, o.gen, "drop while borrowed", "drop", f, l);
	mm_pause_begin(c, PROBE_PAUSE_DROP);
	mm_note_peak(c);
	c->free_tree(c, o.idx, f, l);
	mm_pause_end(c, PROBE_PAUSE_DROP);
}

static inline __attribute__((always_inline)) mm_ref mm_borrow_at(struct mm_ctx *c, mm_own o, const char *f, int l)
{
	struct own_entry *e = own_at(c, o.idx, o.gen, f, l);
	if (__builtin_expect(e->state != OWN_LOOSE, 0))
		own_use_after_move(c, f, l);
	if (__builtin_expect(e->borrow >= OWN_SHARED_MAX, 0)) /* mutably borrowed, or full */
		own_cannot_share(c, e, f, l);
	e->borrow++;
	return (mm_ref){ o.idx, o.gen };
}

static inline __attribute__((always_inline)) mm_mut mm_borrow_mut_at(struct mm_ctx *c, mm_own o, const char *f, int l)
{
	struct own_entry *e = own_owner(c, o.idx, o.gen, "shared XOR mutable", "mutably borrow", f, l);
	e->borrow = OWN_MUT;
	return (mm_mut){ o.idx, o.gen };
}

static inline __attribute__((always_inline)) void mm_end_at(struct mm_ctx *c, mm_ref r, const char *f, int l)
{
	if (r.idx == 0)
		return;
	struct own_entry *e = own_at(c, r.idx, r.gen, f, l);
	if (__builtin_expect((uint16_t)(e->borrow - 1) >= OWN_SHARED_MAX, 0)) /* 0 or mutable */
		own_ended(c, "mm_end", f, l);
	e->borrow--;
}

static inline __attribute__((always_inline)) void mm_end_mut_at(struct mm_ctx *c, mm_mut m, const char *f, int l)
{
	if (m.idx == 0)
		return;
	struct own_entry *e = own_at(c, m.idx, m.gen, f, l);
	if (__builtin_expect(e->borrow != OWN_MUT, 0))
		own_ended(c, "mm_end_mut", f, l);
	e->borrow = 0;
}

/* The entry of a live borrow: shared (or mutable, which implies reading). */
static inline __attribute__((always_inline)) struct own_entry *own_reader(struct mm_ctx *c, uint32_t idx, uint32_t gen,
					   const char *what, const char *f, int l)
{
	struct own_entry *e = own_at(c, idx, gen, f, l);
	if (__builtin_expect(e->borrow == 0, 0))
		own_ended(c, what, f, l);
	return e;
}

static inline __attribute__((always_inline)) struct own_entry *own_writer(struct mm_ctx *c, uint32_t idx, uint32_t gen,
					   const char *what, const char *f, int l)
{
	struct own_entry *e = own_at(c, idx, gen, f, l);
	if (__builtin_expect(e->borrow != OWN_MUT, 0))
		own_ended(c, what, f, l);
	return e;
}

/* Move child into a strong slot of the object pe names; the caller has
 * checked that it may write there. */
static inline __attribute__((always_inline)) void
own_move_in(struct mm_ctx *c, struct own_entry *pe, unsigned slot, mm_own child, const char *f,
	    int l)
{
	own_check_slot(c, pe, slot, false, f, l);
	if (child.idx != 0) {
		struct own_entry *ce =
			own_owner(c, child.idx, child.gen, "move while borrowed", "move", f, l);
		ce->state = OWN_HELD;
	}
	struct own_slot *s = &own_slots(pe)[slot];
	struct own_slot old = *s;
	*s = (struct own_slot){ child.idx, child.gen };
	if (old.idx != 0) {
		own_child(c, old)->state = OWN_LOOSE;
		mm_drop_at(c, (mm_own){ old.idx, old.gen }, f, l);
	}
}

static inline __attribute__((always_inline)) void
mm_set_at(struct mm_ctx *c, mm_mut p, unsigned slot, mm_own child, const char *f, int l)
{
	own_move_in(c, own_writer(c, p.idx, p.gen, "mm_set", f, l), slot, child, f, l);
}

/* Through the owner: it must still own the object and lend it to nobody. */
static inline __attribute__((always_inline)) void
mm_set_owned_at(struct mm_ctx *c, mm_own p, unsigned slot, mm_own child, const char *f, int l)
{
	struct own_entry *pe = own_owner(c, p.idx, p.gen, "shared XOR mutable",
					 "write through the owner of", f, l);
	if (__builtin_expect(child.idx == p.idx, 0))
		own_self_move(c, f, l);
	own_move_in(c, pe, slot, child, f, l);
}

__attribute__((warn_unused_result)) static inline __attribute__((always_inline))
mm_own
mm_take_at(struct mm_ctx *c, mm_mut p, unsigned slot, const char *f, int l)
{
	struct own_entry *pe = own_writer(c, p.idx, p.gen, "mm_take", f, l);
	own_check_slot(c, pe, slot, false, f, l);
	struct own_slot *s = &own_slots(pe)[slot];
	struct own_slot v = *s;
	if (v.idx != 0) {
		struct own_entry *ce = own_child(c, v);
		if (__builtin_expect(ce->borrow != 0, 0))
			own_borrowed(c, ce, "move while borrowed", "move", f, l);
		ce->state = OWN_LOOSE;
		*s = (struct own_slot){ 0, 0 };
	}
	return (mm_own){ v.idx, v.gen };
}

static inline __attribute__((always_inline)) mm_ref mm_get_at(struct mm_ctx *c, mm_ref p, unsigned slot, const char *f, int l)
{
	struct own_entry *pe = own_reader(c, p.idx, p.gen, "mm_get", f, l);
	own_check_slot(c, pe, slot, false, f, l);
	struct own_slot v = own_slots(pe)[slot];
	if (v.idx == 0)
		return (mm_ref){ 0, 0 };
	struct own_entry *ce = own_child(c, v);
	if (__builtin_expect(ce->borrow >= OWN_SHARED_MAX, 0))
		own_cannot_share(c, ce, f, l);
	ce->borrow++;
	return (mm_ref){ v.idx, v.gen };
}

static inline __attribute__((always_inline)) mm_mut mm_get_mut_at(struct mm_ctx *c, mm_mut p, unsigned slot, const char *f,
				   int l)
{
	struct own_entry *pe = own_writer(c, p.idx, p.gen, "mm_get_mut", f, l);
	own_check_slot(c, pe, slot, false, f, l);
	struct own_slot v = own_slots(pe)[slot];
	if (v.idx == 0)
		return (mm_mut){ 0, 0 };
	struct own_entry *ce = own_child(c, v);
	if (__builtin_expect(ce->borrow != 0, 0))
		own_borrowed(c, ce, "shared XOR mutable", "mutably borrow", f, l);
	ce->borrow = OWN_MUT;
	return (mm_mut){ v.idx, v.gen };
}

static inline __attribute__((always_inline)) mm_weak mm_downgrade_at(struct mm_ctx *c, mm_ref r, const char *f, int l)
{
	own_reader(c, r.idx, r.gen, "mm_downgrade", f, l);
	return (mm_weak){ r.idx, r.gen };
}

/* Null when the object is gone: its generation moved on. */
static inline __attribute__((always_inline)) mm_ref mm_upgrade_at(struct mm_ctx *c, mm_weak w, const char *f, int l)
{
	if (w.idx == 0 || w.idx >= c->own_cap)
		return (mm_ref){ 0, 0 };
	struct own_entry *e = &c->own_table[w.idx];
	if (e->gen != w.gen || e->state == OWN_FREE)
		return (mm_ref){ 0, 0 };
	if (__builtin_expect(e->borrow >= OWN_SHARED_MAX, 0))
		own_cannot_share(c, e, f, l);
	e->borrow++;
	return (mm_ref){ w.idx, w.gen };
}

static inline __attribute__((always_inline)) void mm_set_weak_at(struct mm_ctx *c, mm_mut p, unsigned slot, mm_weak w,
				  const char *f, int l)
{
	struct own_entry *pe = own_writer(c, p.idx, p.gen, "mm_set_weak", f, l);
	own_check_slot(c, pe, slot, true, f, l);
	own_slots(pe)[slot] = (struct own_slot){ w.idx, w.gen };
}

static inline __attribute__((always_inline)) mm_weak mm_get_weak_at(struct mm_ctx *c, mm_ref p, unsigned slot, const char *f,
				     int l)
{
	struct own_entry *pe = own_reader(c, p.idx, p.gen, "mm_get_weak", f, l);
	own_check_slot(c, pe, slot, true, f, l);
	struct own_slot v = own_slots(pe)[slot];
	return (mm_weak){ v.idx, v.gen };
}

static inline __attribute__((always_inline)) const void *mm_data_at(struct mm_ctx *c, mm_ref r, const struct mm_type *t,
				     const char *f, int l)
{
	struct own_entry *e = own_reader(c, r.idx, r.gen, "mm_data", f, l);
	own_check_type(c, e, t, f, l);
	return (const char *)own_slots(e) + (size_t)t->nslots * sizeof(struct own_slot);
}

static inline __attribute__((always_inline)) void *mm_data_mut_at(struct mm_ctx *c, mm_mut m, const struct mm_type *t,
				   const char *f, int l)
{
	struct own_entry *e = own_writer(c, m.idx, m.gen, "mm_data_mut", f, l);
	own_check_type(c, e, t, f, l);
	return (char *)own_slots(e) + (size_t)t->nslots * sizeof(struct own_slot);
}

/* The drop walk specialised to a workload's types (see own_table.h). */
#define MM_FREE_TREE_FN(name, types, n)                                         \
	static void name(struct mm_ctx *c, uintptr_t root, const char *f, int l) \
	{                                                                        \
		own_free_walk(c, (uint32_t)root, types, n, f, l);                \
	}

#endif
