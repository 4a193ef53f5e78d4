/* own.h — the ownership/borrow model: Rust's rules, checked in C.
 *
 * A handle names an entry of a table; dropping an object bumps its entry's
 * generation, so a stale handle is caught on its next use.  The four
 * handle kinds are distinct opaque struct types (their one word is the
 * model's: mm_w_), so passing a borrow where an owned handle is due does
 * not compile, and under clang -Wthread-safety (runtime/api/mm_caps.h)
 * ownership and borrows are capabilities checked at compile time.  At run
 * time every call checks the rules and, when one is broken, panics with
 * the caller's file:line and a sentence naming the rule (docs/ownership.md
 * lists them).  Each borrow has a record with an epoch (own_table.h), so
 * an ended borrow stays ended, and a borrow taken through another cannot
 * outlive it.  Entry states: FREE, LOOSE (owned by a handle in a
 * variable), HELD (moved into a strong slot).  OWN_UNCHECKED 1 (the
 * own_unchecked model) compiles every run-time check out.
 */
#ifndef MM_MODELS_OWN_H
#define MM_MODELS_OWN_H

#include <stdbool.h>
#include <string.h>

#include "runtime/api/mm_ctx.h"
#include "own_table.h"
#define MM_TREE_KIND TREE_OWN
#include "tree_free.h"
#define MM_CAPS_ON 1
#include "runtime/api/mm_caps.h"

#ifndef OWN_UNCHECKED
#define OWN_UNCHECKED 0
#endif
/* false in the own_unchecked build: ownership with its checks proven
 * elsewhere (at compile time, or by a checked run). */
static const bool own_checked = !OWN_UNCHECKED;

/* A shared borrow taken through another (mm_get) is not counted on its
 * object's entry: its parent cannot end first, so the chain's first borrow
 * (mm_borrow or mm_upgrade, which count) keeps the whole chain's objects
 * from being borrowed mutably, moved or dropped; each borrow still has its
 * record.  The ASan build counts them too, since its payload poisoning
 * follows the count. */
#ifdef OWN_POISON
static const bool own_count_kids = true;
#else
static const bool own_count_kids = false;
#endif

/* The borrow capability's word type; the owner struct is the ownership
 * capability.  Outside the model the words are opaque: no field names a
 * user could fill in (a forged handle is caught: docs/ownership.md). */
typedef uint64_t MM_CAPABILITY("borrow") own_word;
typedef struct MM_CAPABILITY("ownership") { own_word mm_w_; } mm_own;
typedef struct { uint64_t mm_w_; uint32_t mm_b_; } mm_ref;
typedef struct { uint64_t mm_w_; uint32_t mm_b_; } mm_mut;
typedef struct { uint64_t mm_w_; } mm_weak;

#define mm_is_null(h) (OWN_IDX((h).mm_w_) == 0)
#define MM_NULL { 0 }

/* The table index a handle names (for tests and the model's own use). */
#define own_index(h) OWN_IDX((h).mm_w_)

#define OWN_INLINE static inline __attribute__((always_inline)) MM_NO_CAP_CHECK

/* Invariant used below: a live object's strong slots name live HELD
 * entries (only the owner's drop, mm_set or mm_take ends them), so a
 * handle read from such a slot needs no generation check of its own.
 * Likewise a live borrow record names a live object: nothing that ends
 * an object (drop, move) is allowed while it is borrowed. */
OWN_INLINE struct own_entry *own_child(struct mm_ctx *c, struct own_slot v)
{
	return &OWN_TAB(c)[v.idx];
}

/* The entry of a handle that owns a live object nobody borrows (state
 * LOOSE, borrow 0): one compare of the meta word, or a panic naming the
 * rule broken (rule and action as for own_borrowed). */
OWN_INLINE struct own_entry *own_owner(struct mm_ctx *c, uint64_t w, const char *rule,
				       const char *action, const char *f, int l)
{
	uint32_t idx = OWN_IDX(w);
	if (own_checked && __builtin_expect(idx >= c->m_cap, 0))
		own_bad_index(c, idx, f, l);
	struct own_entry *e = &OWN_TAB(c)[idx];
	if (own_checked && __builtin_expect(e->meta != OWN_META(OWN_GEN(w), 0, OWN_LOOSE), 0))
		own_not_owner(c, idx, OWN_GEN(w), rule, action, f, l);
	return e;
}

OWN_INLINE struct own_slot *own_slots(const struct own_entry *e)
{
	return (struct own_slot *)(void *)((struct mm_hdr *)e->obj + 1);
}

/* A new borrow record for object idx (kind: 0 or OWN_KIND_MUT), taken
 * through parent (0: from an owner or a weak handle); its first word. */
OWN_INLINE uint64_t own_lend(struct mm_ctx *c, uint32_t idx, uint32_t kind, uint32_t parent,
			     uint32_t *bid)
{
	struct own_side *s = OWN_SIDE(c);
	uint32_t b = s->free;
	if (__builtin_expect(b == 0, 0))
		b = own_borrow_grow(c);
	struct own_borrow *r = &s->rec[b];
	s->free = r->parent;
	uint64_t key = OWN_KEY_EPOCH(r->key) | (uint64_t)kind << 32 | idx;
	r->key = key;
	r->parent = parent;
	r->kids = 0;
	s->rec[parent].kids++; /* record 0 (no parent) counts harmlessly */
	*bid = b;
	return key;
}

/* The entry of a live borrow (w, b): one compare with its record, or a
 * panic naming what was wrong with it. */
OWN_INLINE struct own_entry *own_lent(struct mm_ctx *c, uint64_t w, uint32_t b, bool mut,
				      const char *what, const char *f, int l)
{
	if (own_checked) {
		/* the kind bit is part of the key: a shared borrow's words do not
		 * pass as a mutable borrow, nor the other way round */
		const uint64_t kind = (uint64_t)OWN_KIND_MUT << 32;
		const struct own_side *s = OWN_SIDE(c); /* made by own_init */
		if (__builtin_expect(b >= s->cap || s->rec[b].key != (mut ? w | kind : w & ~kind), 0))
			own_bad_borrow(c, w, b, mut, what, f, l);
	}
	return &OWN_TAB(c)[OWN_IDX(w)];
}

/* End the borrow b of object idx: its record's epoch moves on.  Only
 * what the borrow counted on the entry is uncounted (own_counted). */
OWN_INLINE void own_unlend(struct mm_ctx *c, uint32_t idx, uint32_t b, bool mut, const char *f,
			   int l)
{
	struct own_side *s = OWN_SIDE(c);
	struct own_borrow *r = &s->rec[b];
	if (__builtin_expect(r->kids != 0, 0))
		own_outlived(c, r, f, l);
	uint32_t parent = r->parent;
	s->rec[parent].kids--;
	uint64_t next = OWN_KEY_EPOCH(r->key) + ((uint64_t)OWN_EPOCH_STEP << 32);
	r->key = next;
	if (__builtin_expect(next != 0, 1)) { /* else the epochs wrapped: retired */
		r->parent = s->free;
		s->free = b;
	}
	if (mut || parent == 0 || own_count_kids) {
		struct own_entry *e = &OWN_TAB(c)[idx];
		e->borrow = mut ? 0 : (uint16_t)(e->borrow - 1);
		if (e->borrow == 0)
			own_poison_payload(c, e->obj, true);
	}
}

/* Count one more shared borrow of e, or panic. */
OWN_INLINE void own_share(struct mm_ctx *c, struct own_entry *e, const char *f, int l)
{
	if (__builtin_expect(e->borrow >= OWN_SHARED_MAX, 0)) /* mutably borrowed, or full */
		own_cannot_share(c, e, f, l);
	if (e->borrow++ == 0)
		own_poison_payload(c, e->obj, false);
}

__attribute__((warn_unused_result)) OWN_INLINE mm_own mm_new_at(struct mm_ctx *c,
								 const struct mm_type *t,
								 const char *f, int l)
{
	if (own_checked && __builtin_expect(t->id >= OWN_MAX_TYPES, 0))
		mm_panic(c, f, l, "too many types: type id %u, the own model keeps %u", t->id,
			 OWN_MAX_TYPES);
	size_t n = mm_type_size(t, sizeof(struct mm_hdr));
	uint32_t i = c->m_free ? c->m_free : own_grow(c);
	struct mm_hdr *h = mm_bytes_alloc(c, n);
	struct own_entry *e = &OWN_TAB(c)[i];
	c->m_free = (uint32_t)(uintptr_t)e->obj;
	e->obj = h;
	e->meta = OWN_META(e->gen, 0, OWN_LOOSE);
	uint32_t site = 0;
	if (own_checked) {
		uint64_t key = OWN_SITE(f, l);
		const struct own_site_cache *sc =
			&OWN_SIDE(c)->cache[(unsigned)OWN_SITE_LINE(key) % OWN_SITE_CACHE];
		site = __builtin_expect(sc->key == key, 1) ? sc->id : own_site_intern(c, key);
	}
	h->type = t->id | site << 16;
	h->aux = own_slot_masks(t);
	memset(h + 1, 0, n - sizeof *h);
	if (own_checked)
		own_poison_payload(c, h, true);
	return (mm_own){ OWN_WORD(i, e->gen) };
}

OWN_INLINE void mm_drop_at(struct mm_ctx *c, mm_own o, const char *f, int l)
	MM_RELEASES(o) MM_EXCLUDES(MM_BORROW_CAP(o))
{
	if (OWN_IDX(o.mm_w_) == 0)
		return;
	own_owner(c, o.mm_w_, "drop while borrowed", "drop", f, l);
	mm_pause_begin(c, PROBE_PAUSE_DROP);
	mm_note_peak(c);
	c->free_tree(c, OWN_IDX(o.mm_w_), f, l);
	mm_pause_end(c, PROBE_PAUSE_DROP);
}

OWN_INLINE mm_ref mm_borrow_at(struct mm_ctx *c, mm_own o, const char *f, int l)
	MM_REQUIRES(o) MM_ACQUIRES_SHARED(MM_BORROW_CAP(o))
{
	uint32_t idx = OWN_IDX(o.mm_w_);
	if (!own_checked)
		return (mm_ref){ o.mm_w_, 0 };
	if (__builtin_expect(idx >= c->m_cap, 0))
		own_bad_index(c, idx, f, l);
	struct own_entry *e = &OWN_TAB(c)[idx];
	if (__builtin_expect(e->gen != OWN_GEN(o.mm_w_), 0))
		own_use_after_drop(c, e, OWN_GEN(o.mm_w_), f, l);
	if (__builtin_expect(e->state != OWN_LOOSE, 0))
		own_use_after_move(c, f, l);
	own_share(c, e, f, l);
	mm_ref r;
	r.mm_w_ = own_lend(c, idx, 0, 0, &r.mm_b_);
	return r;
}

OWN_INLINE mm_mut mm_borrow_mut_at(struct mm_ctx *c, mm_own o, const char *f, int l)
	MM_REQUIRES(o) MM_ACQUIRES(MM_BORROW_CAP(o))
{
	if (!own_checked)
		return (mm_mut){ o.mm_w_, 0 };
	struct own_entry *e =
		own_owner(c, o.mm_w_, "shared XOR mutable", "mutably borrow", f, l);
	e->borrow = OWN_MUT;
	own_poison_payload(c, e->obj, false);
	mm_mut m;
	m.mm_w_ = own_lend(c, OWN_IDX(o.mm_w_), OWN_KIND_MUT, 0, &m.mm_b_);
	return m;
}

OWN_INLINE void mm_end_at(struct mm_ctx *c, mm_ref r, const char *f, int l)
{
	if (!own_checked || OWN_IDX(r.mm_w_) == 0)
		return;
	own_lent(c, r.mm_w_, r.mm_b_, false, "mm_end", f, l);
	own_unlend(c, OWN_IDX(r.mm_w_), r.mm_b_, false, f, l);
}

OWN_INLINE void mm_end_mut_at(struct mm_ctx *c, mm_mut m, const char *f, int l)
{
	if (!own_checked || OWN_IDX(m.mm_w_) == 0)
		return;
	own_lent(c, m.mm_w_, m.mm_b_, true, "mm_end_mut", f, l);
	own_unlend(c, OWN_IDX(m.mm_w_), m.mm_b_, true, f, l);
}

/* Move child into a strong slot of the object pe names; the caller has
 * checked that it may write there. */
OWN_INLINE void own_move_in(struct mm_ctx *c, struct own_entry *pe, unsigned slot, mm_own child,
			    const char *f, int l)
{
	if (own_checked)
		own_check_slot(c, pe, slot, false, f, l);
	/* LOOSE and HELD matter only to the checks: unchecked, live is live */
	if (own_checked && OWN_IDX(child.mm_w_) != 0) {
		struct own_entry *ce =
			own_owner(c, child.mm_w_, "move while borrowed", "move", f, l);
		ce->state = OWN_HELD;
	}
	struct own_slot *s = &own_slots(pe)[slot];
	struct own_slot old = *s;
	*s = (struct own_slot){ OWN_IDX(child.mm_w_), OWN_GEN(child.mm_w_) };
	if (old.idx != 0) {
		if (own_checked)
			own_child(c, old)->state = OWN_LOOSE;
		mm_drop_at(c, (mm_own){ OWN_WORD(old.idx, old.gen) }, f, l);
	}
}

OWN_INLINE void mm_set_at(struct mm_ctx *c, mm_mut p, unsigned slot, mm_own child, const char *f,
			  int l) MM_RELEASES(child)
{
	own_move_in(c, own_lent(c, p.mm_w_, p.mm_b_, true, "mm_set", f, l), slot, child, f, l);
}

/* Through the owner: it must still own the object and lend it to nobody. */
OWN_INLINE void mm_set_owned_at(struct mm_ctx *c, mm_own p, unsigned slot, mm_own child,
				const char *f, int l)
	MM_REQUIRES(p) MM_EXCLUDES(MM_BORROW_CAP(p)) MM_RELEASES(child)
{
	struct own_entry *pe = own_owner(c, p.mm_w_, "shared XOR mutable",
					 "write through the owner of", f, l);
	if (own_checked && __builtin_expect(OWN_IDX(child.mm_w_) == OWN_IDX(p.mm_w_), 0))
		own_self_move(c, f, l);
	own_move_in(c, pe, slot, child, f, l);
}

__attribute__((warn_unused_result)) OWN_INLINE mm_own mm_take_at(struct mm_ctx *c, mm_mut p,
								  unsigned slot, const char *f,
								  int l)
{
	struct own_entry *pe = own_lent(c, p.mm_w_, p.mm_b_, true, "mm_take", f, l);
	if (own_checked)
		own_check_slot(c, pe, slot, false, f, l);
	struct own_slot *s = &own_slots(pe)[slot];
	struct own_slot v = *s;
	if (v.idx != 0) {
		struct own_entry *ce = own_child(c, v);
		if (own_checked) {
			if (__builtin_expect(ce->borrow != 0, 0))
				own_borrowed(c, ce, "move while borrowed", "move", f, l);
			ce->state = OWN_LOOSE;
		}
		*s = (struct own_slot){ 0, 0 };
	}
	return (mm_own){ OWN_WORD(v.idx, v.gen) };
}

OWN_INLINE mm_ref mm_get_at(struct mm_ctx *c, mm_ref p, unsigned slot, const char *f, int l)
{
	struct own_entry *pe = own_lent(c, p.mm_w_, p.mm_b_, false, "mm_get", f, l);
	if (own_checked)
		own_check_slot(c, pe, slot, false, f, l);
	struct own_slot v = own_slots(pe)[slot];
	if (v.idx == 0)
		return (mm_ref){ 0, 0 };
	if (!own_checked)
		return (mm_ref){ OWN_WORD(v.idx, v.gen), 0 };
	if (own_count_kids)
		own_share(c, own_child(c, v), f, l);
	mm_ref r;
	r.mm_w_ = own_lend(c, v.idx, 0, p.mm_b_, &r.mm_b_);
	return r;
}

OWN_INLINE mm_mut mm_get_mut_at(struct mm_ctx *c, mm_mut p, unsigned slot, const char *f, int l)
{
	struct own_entry *pe = own_lent(c, p.mm_w_, p.mm_b_, true, "mm_get_mut", f, l);
	if (own_checked)
		own_check_slot(c, pe, slot, false, f, l);
	struct own_slot v = own_slots(pe)[slot];
	if (v.idx == 0)
		return (mm_mut){ 0, 0 };
	if (!own_checked)
		return (mm_mut){ OWN_WORD(v.idx, v.gen), 0 };
	struct own_entry *ce = own_child(c, v);
	if (__builtin_expect(ce->borrow != 0, 0))
		own_borrowed(c, ce, "shared XOR mutable", "mutably borrow", f, l);
	ce->borrow = OWN_MUT;
	own_poison_payload(c, ce->obj, false);
	mm_mut m;
	m.mm_w_ = own_lend(c, v.idx, OWN_KIND_MUT, p.mm_b_, &m.mm_b_);
	return m;
}

OWN_INLINE mm_weak mm_downgrade_at(struct mm_ctx *c, mm_ref r, const char *f, int l)
{
	struct own_entry *e = own_lent(c, r.mm_w_, r.mm_b_, false, "mm_downgrade", f, l);
	return (mm_weak){ OWN_WORD(OWN_IDX(r.mm_w_), ~e->gen) };
}

/* Null when the object is gone: its generation moved on. */
OWN_INLINE mm_ref mm_upgrade_at(struct mm_ctx *c, mm_weak w, const char *f, int l)
{
	uint32_t idx = OWN_IDX(w.mm_w_);
	if (idx == 0 || idx >= c->m_cap)
		return (mm_ref){ 0, 0 };
	struct own_entry *e = &OWN_TAB(c)[idx];
	if (e->gen != (uint32_t)~OWN_GEN(w.mm_w_) || e->state == OWN_FREE)
		return (mm_ref){ 0, 0 };
	if (!own_checked)
		return (mm_ref){ OWN_WORD(idx, e->gen), 0 };
	own_share(c, e, f, l);
	mm_ref r;
	r.mm_w_ = own_lend(c, idx, 0, 0, &r.mm_b_);
	return r;
}

OWN_INLINE void mm_set_weak_at(struct mm_ctx *c, mm_mut p, unsigned slot, mm_weak w,
			       const char *f, int l)
{
	struct own_entry *pe = own_lent(c, p.mm_w_, p.mm_b_, true, "mm_set_weak", f, l);
	if (own_checked)
		own_check_slot(c, pe, slot, true, f, l);
	own_slots(pe)[slot] = (struct own_slot){ OWN_IDX(w.mm_w_), OWN_GEN(w.mm_w_) };
}

OWN_INLINE mm_weak mm_get_weak_at(struct mm_ctx *c, mm_ref p, unsigned slot, const char *f,
				  int l)
{
	struct own_entry *pe = own_lent(c, p.mm_w_, p.mm_b_, false, "mm_get_weak", f, l);
	if (own_checked)
		own_check_slot(c, pe, slot, true, f, l);
	struct own_slot v = own_slots(pe)[slot];
	return (mm_weak){ OWN_WORD(v.idx, v.gen) };
}

OWN_INLINE const void *mm_data_at(struct mm_ctx *c, mm_ref r, const struct mm_type *t,
				  const char *f, int l)
{
	struct own_entry *e = own_lent(c, r.mm_w_, r.mm_b_, false, "mm_data", f, l);
	if (own_checked)
		own_check_type(c, e, t, f, l);
	return (const char *)own_slots(e) + (size_t)t->nslots * sizeof(struct own_slot);
}

OWN_INLINE void *mm_data_mut_at(struct mm_ctx *c, mm_mut m, const struct mm_type *t,
				const char *f, int l)
{
	struct own_entry *e = own_lent(c, m.mm_w_, m.mm_b_, true, "mm_data_mut", f, l);
	if (own_checked)
		own_check_type(c, e, t, f, l);
	return (char *)own_slots(e) + (size_t)t->nslots * sizeof(struct own_slot);
}

/* Sharing (mm.h), for the workloads that share (lru-cache, web-requests): a share is a shared borrow
 * counted on the entry and not tied to the borrow it was taken through,
 * so it may outlive that one; while any share is held the owner cannot
 * drop, move or mutably borrow the object.  mm_unshare ends it. */
typedef mm_ref mm_shared;

OWN_INLINE mm_shared mm_share_at(struct mm_ctx *c, mm_ref r, const char *f, int l)
{
	struct own_entry *e = own_lent(c, r.mm_w_, r.mm_b_, false, "mm_share", f, l);
	if (!own_checked)
		return r;
	own_share(c, e, f, l);
	mm_ref s;
	s.mm_w_ = own_lend(c, OWN_IDX(r.mm_w_), 0, 0, &s.mm_b_);
	return s;
}

OWN_INLINE void mm_unshare_at(struct mm_ctx *c, mm_shared s, const char *f, int l)
{
	mm_end_at(c, s, f, l);
}

/* One owner per object: a second one cannot be made (workloads ask the
 * model's strong_cycles first). */
__attribute__((warn_unused_result)) OWN_INLINE mm_own mm_clone_at(struct mm_ctx *c, mm_ref r,
								   const char *f, int l)
{
	(void)r;
	mm_panic(c, f, l, "mm_clone: own has one owner per object; share with a borrow or weak handle");
}

#if !OWN_UNCHECKED
MM_MODEL_OPS(.summary = "ownership/borrow discipline: typed handles, checked at run time",
	     .pause = PROBE_PAUSE_DROP, .takes_allocator = true, .counts_live = true,
	     .init = own_init, .fini = own_fini, .end = own_check_leaks,
	     .heap = mm_model_allocator_heap, .free_tree = tree_free_own)
#endif

#endif
