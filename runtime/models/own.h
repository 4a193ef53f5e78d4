/* own.h — the ownership/borrow model: Rust's rules, checked in C.
 *
 * A handle names an entry of a table; dropping an object bumps its entry's
 * generation, so a stale handle is caught on its next use.  The four
 * handle kinds are distinct opaque struct types (their words are the
 * model's: mm_w_, mm_p_), so passing a borrow where an owned handle is due
 * does not compile, and under clang -Wthread-safety (runtime/api/mm_caps.h)
 * ownership and borrows are capabilities checked at compile time.  At run
 * time every call checks the rules and, when one is broken, panics with
 * the caller's file:line and a sentence naming the rule (docs/ownership.md
 * lists them).  Each borrow has a record with an epoch (own_table.h), so
 * an ended borrow stays ended, and a borrow taken through another cannot
 * outlive it.  An owned handle carries the object's address beside its
 * checked word, a borrow's record holds it, strong slots hold addresses,
 * and an object's borrow count is in its header: the object is reached,
 * and borrowed through another borrow, without a trip through the table,
 * whose entries only the ownership checks read.  Entry states: FREE,
 * LOOSE (owned by a handle in a variable), HELD (moved into a strong
 * slot).  own_unchecked.h is the same API with every check gone.
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

/* A shared borrow taken through another (mm_get) is not counted on its
 * object's header: its parent cannot end first, so the chain's first
 * borrow (mm_borrow or mm_upgrade, which count) keeps the whole chain's
 * objects from being borrowed mutably, moved or dropped; each borrow still
 * has its record.  The ASan build counts them too, since its payload poisoning
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
typedef struct MM_CAPABILITY("ownership") {
	own_word mm_w_;
	struct mm_hdr *mm_p_;
} mm_own;
typedef struct {
	uint64_t mm_w_;
} mm_ref;
typedef struct {
	uint64_t mm_w_;
} mm_mut;
typedef struct {
	uint64_t mm_w_;
} mm_weak;

#define mm_is_null(h) (OWN_IDX((h).mm_w_) == 0)
#define MM_NULL { 0 }

/* The table index an owned or weak handle names (for tests and the
 * model's own use). */
#define own_index(h) OWN_IDX((h).mm_w_)

#define OWN_INLINE static inline __attribute__((always_inline)) MM_NO_CAP_CHECK

/* Invariant used below: a live object's strong slots name live HELD
 * objects (only the owner's drop, mm_set or mm_take ends them), so an
 * address read from such a slot needs no check of its own.  Likewise a
 * live borrow record names a live object: nothing that ends an object
 * (drop, move) is allowed while it is borrowed. */

/* The entry of a handle that owns a live object (state LOOSE) at the
 * address it carries, which nobody borrows (any shared borrow may be live
 * when shared is set): three compares, the object's read only once the
 * entry vouches for the address; or a panic naming the rule broken (rule
 * and action as for own_borrowed). */
OWN_INLINE struct own_entry *own_owner(struct mm_ctx *c, mm_own o, bool shared, const char *rule,
				       const char *action, const char *f, int l)
{
	uint32_t idx = OWN_IDX(o.mm_w_);
	if (__builtin_expect(idx >= c->m_cap, 0))
		own_bad_index(c, idx, f, l);
	struct own_entry *e = &OWN_TAB(c)[idx];
	if (__builtin_expect(OWN_META_KEY(e->meta) != OWN_META(OWN_GEN(o.mm_w_), 0, OWN_LOOSE) ||
				     e->obj != o.mm_p_ || (!shared && OWN_BORROW(o.mm_p_) != 0),
			     0))
		own_not_owner(c, o.mm_w_, o.mm_p_, rule, action, f, l);
	return e;
}

OWN_INLINE struct mm_hdr **own_slots(const struct mm_hdr *h)
{
	return (struct mm_hdr **)(void *)(h + 1);
}

/* A weak slot's word (may_alias: the same memory as the strong slots). */
typedef uint64_t __attribute__((may_alias)) own_weak_word;
OWN_INLINE own_weak_word *own_weak_slot(const struct mm_hdr *h, unsigned slot)
{
	return (own_weak_word *)(void *)(h + 1) + slot;
}

/* A new borrow record of object h (kind: 0 or OWN_KIND_MUT), taken
 * through record parent (0: from an owner or a weak handle); its word. */
OWN_INLINE uint64_t own_lend(struct mm_ctx *c, struct mm_hdr *h, uint32_t kind, uint32_t parent)
{
	struct own_side *s = OWN_SIDE(c);
	uint32_t b = s->free;
	if (__builtin_expect(b == 0, 0))
		b = own_borrow_grow(c);
	struct own_borrow *r = &s->rec[b];
	s->free = r->parent;
	uint32_t ek = r->ek | kind; /* a free record's kids are 0 already */
	r->obj = h;
	r->ek = ek;
	r->parent = parent;
	s->rec[parent].kids++; /* record 0 (no parent) counts harmlessly */
	return OWN_WORD(b, ek);
}

/* The object of a live borrow w: one compare with its record (hot: live
 * borrows are few), or a panic naming what was wrong with it.  The kind
 * bit is part of the epoch: a shared borrow's words do not pass as a
 * mutable borrow, nor the other way round. */
OWN_INLINE struct mm_hdr *own_lent(struct mm_ctx *c, uint64_t w, bool mut, const char *what,
				   const char *f, int l)
{
	const struct own_side *s = OWN_SIDE(c); /* made by own_init */
	uint32_t b = OWN_IDX(w);
	uint32_t ek = mut ? OWN_GEN(w) | OWN_KIND_MUT : OWN_GEN(w) & ~OWN_KIND_MUT;
	if (__builtin_expect(b >= s->cap || s->rec[b].ek != ek, 0))
		own_bad_borrow(c, w, mut, what, f, l);
	return s->rec[b].obj;
}

/* End the live borrow w of object h: its record's epoch moves on.  Only
 * what the borrow counted on the object is uncounted (own_count_kids). */
OWN_INLINE void own_unlend(struct mm_ctx *c, uint64_t w, struct mm_hdr *h, bool mut,
			   const char *f, int l)
{
	struct own_side *s = OWN_SIDE(c);
	uint32_t b = OWN_IDX(w);
	struct own_borrow *r = &s->rec[b];
	if (__builtin_expect(r->kids != 0, 0))
		own_outlived(c, r, f, l);
	uint32_t parent = r->parent;
	s->rec[parent].kids--;
	uint32_t next = (r->ek & ~OWN_KIND_MUT) + OWN_EPOCH_STEP;
	r->ek = next;
	if (__builtin_expect(next != 0, 1)) { /* else the epochs wrapped: retired */
		r->parent = s->free;
		s->free = b;
	}
	if (mut || parent == 0 || own_count_kids) {
		h->type = mut ? OWN_TYPE_OF(h) : h->type - OWN_BORROW_ONE;
		if (OWN_BORROW(h) == 0)
			own_poison_payload(c, h, true);
	}
}

/* Count one more shared borrow of object h, or panic. */
OWN_INLINE void own_share(struct mm_ctx *c, struct mm_hdr *h, const char *f, int l)
{
	if (__builtin_expect(OWN_BORROW(h) >= OWN_SHARED_MAX, 0)) /* mutably borrowed, or full */
		own_cannot_share(c, h, f, l);
	h->type += OWN_BORROW_ONE;
	if (OWN_BORROW(h) == 1)
		own_poison_payload(c, h, false);
}

/* Mark object h mutably borrowed; the caller has checked that nobody
 * borrows it. */
OWN_INLINE void own_lend_mut(struct mm_ctx *c, struct mm_hdr *h)
{
	h->type |= OWN_MUT * OWN_BORROW_ONE;
	own_poison_payload(c, h, false);
}

/* Borrow handles from a record's word. */
OWN_INLINE mm_ref own_ref(uint64_t w)
{
	return (mm_ref){ w };
}

OWN_INLINE mm_mut own_mut(uint64_t w)
{
	return (mm_mut){ w };
}

__attribute__((warn_unused_result)) OWN_INLINE mm_own mm_new_at(struct mm_ctx *c,
								 const struct mm_type *t,
								 const char *f, int l)
{
	if (__builtin_expect(t->id >= OWN_MAX_TYPES, 0))
		mm_panic(c, f, l, "too many types: type id %u, the own model keeps %u", t->id,
			 OWN_MAX_TYPES);
	size_t n = mm_type_size(t, sizeof(struct mm_hdr));
	uint32_t i = c->m_free ? c->m_free : own_grow(c);
	struct mm_hdr *h = mm_bytes_alloc(c, n);
	uint64_t key = OWN_SITE(f, l);
	const struct own_site_cache *sc =
		&OWN_SIDE(c)->cache[(unsigned)OWN_SITE_LINE(key) % OWN_SITE_CACHE];
	uint32_t site = __builtin_expect(sc->key == key, 1) ? sc->id : own_site_intern(c, key);
	struct own_entry *e = &OWN_TAB(c)[i];
	c->m_free = (uint32_t)(uintptr_t)e->obj;
	e->obj = h;
	e->meta = OWN_META(e->gen, site, OWN_LOOSE);
	h->type = t->id; /* borrowed by nobody */
	h->aux = i;
	memset(h + 1, 0, n - sizeof *h);
	own_poison_payload(c, h, true);
	mm_own o;
	o.mm_w_ = OWN_WORD(i, e->gen);
	o.mm_p_ = h;
	return o;
}

OWN_INLINE void mm_drop_at(struct mm_ctx *c, mm_own o, const char *f, int l)
	MM_RELEASES(o) MM_EXCLUDES(MM_BORROW_CAP(o))
{
	if (OWN_IDX(o.mm_w_) == 0)
		return;
	own_owner(c, o, false, "drop while borrowed", "drop", f, l);
	mm_pause_begin(c, PROBE_PAUSE_DROP);
	mm_note_peak(c);
	c->free_tree(c, (uintptr_t)o.mm_p_, f, l);
	mm_pause_end(c, PROBE_PAUSE_DROP);
}

OWN_INLINE mm_ref mm_borrow_at(struct mm_ctx *c, mm_own o, const char *f, int l)
	MM_REQUIRES(o) MM_ACQUIRES_SHARED(MM_BORROW_CAP(o))
{
	own_owner(c, o, true, "shared XOR mutable", "borrow", f, l);
	own_share(c, o.mm_p_, f, l);
	return own_ref(own_lend(c, o.mm_p_, 0, 0));
}

OWN_INLINE mm_mut mm_borrow_mut_at(struct mm_ctx *c, mm_own o, const char *f, int l)
	MM_REQUIRES(o) MM_ACQUIRES(MM_BORROW_CAP(o))
{
	own_owner(c, o, false, "shared XOR mutable", "mutably borrow", f, l);
	own_lend_mut(c, o.mm_p_);
	return own_mut(own_lend(c, o.mm_p_, OWN_KIND_MUT, 0));
}

OWN_INLINE void mm_end_at(struct mm_ctx *c, mm_ref r, const char *f, int l)
{
	if (OWN_IDX(r.mm_w_) == 0)
		return;
	own_unlend(c, r.mm_w_, own_lent(c, r.mm_w_, false, "mm_end", f, l), false, f, l);
}

OWN_INLINE void mm_end_mut_at(struct mm_ctx *c, mm_mut m, const char *f, int l)
{
	if (OWN_IDX(m.mm_w_) == 0)
		return;
	own_unlend(c, m.mm_w_, own_lent(c, m.mm_w_, true, "mm_end_mut", f, l), true, f, l);
}

/* Move child into a strong slot of object ph; the caller has checked that
 * it may write there. */
OWN_INLINE void own_move_in(struct mm_ctx *c, struct mm_hdr *ph, unsigned slot, mm_own child,
			    const char *f, int l)
{
	own_check_slot(c, ph, slot, false, f, l);
	if (OWN_IDX(child.mm_w_) != 0)
		own_owner(c, child, false, "move while borrowed", "move", f, l)->state = OWN_HELD;
	struct mm_hdr **s = &own_slots(ph)[slot];
	struct mm_hdr *old = *s;
	*s = OWN_IDX(child.mm_w_) != 0 ? child.mm_p_ : NULL;
	if (old != NULL) {
		struct own_entry *oe = OWN_ENTRY_OF(c, old);
		oe->state = OWN_LOOSE;
		mm_own o;
		o.mm_w_ = OWN_WORD(old->aux, oe->gen);
		o.mm_p_ = old;
		mm_drop_at(c, o, f, l);
	}
}

OWN_INLINE void mm_set_at(struct mm_ctx *c, mm_mut p, unsigned slot, mm_own child, const char *f,
			  int l) MM_RELEASES(child)
{
	own_move_in(c, own_lent(c, p.mm_w_, true, "mm_set", f, l), slot, child, f, l);
}

/* Through the owner: it must still own the object and lend it to nobody. */
OWN_INLINE void mm_set_owned_at(struct mm_ctx *c, mm_own p, unsigned slot, mm_own child,
				const char *f, int l)
	MM_REQUIRES(p) MM_EXCLUDES(MM_BORROW_CAP(p)) MM_RELEASES(child)
{
	own_owner(c, p, false, "shared XOR mutable", "write through the owner of", f, l);
	if (__builtin_expect(OWN_IDX(child.mm_w_) == OWN_IDX(p.mm_w_), 0))
		own_self_move(c, f, l);
	own_move_in(c, p.mm_p_, slot, child, f, l);
}

__attribute__((warn_unused_result)) OWN_INLINE mm_own mm_take_at(struct mm_ctx *c, mm_mut p,
								  unsigned slot, const char *f,
								  int l)
{
	struct mm_hdr *ph = own_lent(c, p.mm_w_, true, "mm_take", f, l);
	own_check_slot(c, ph, slot, false, f, l);
	struct mm_hdr **s = &own_slots(ph)[slot];
	struct mm_hdr *v = *s;
	mm_own o = MM_NULL;
	if (v != NULL) {
		if (__builtin_expect(OWN_BORROW(v) != 0, 0))
			own_borrowed(c, v, "move while borrowed", "move", f, l);
		struct own_entry *ce = OWN_ENTRY_OF(c, v);
		ce->state = OWN_LOOSE;
		*s = NULL;
		o.mm_w_ = OWN_WORD(v->aux, ce->gen);
		o.mm_p_ = v;
	}
	return o;
}

OWN_INLINE mm_ref mm_get_at(struct mm_ctx *c, mm_ref p, unsigned slot, const char *f, int l)
{
	struct mm_hdr *ph = own_lent(c, p.mm_w_, false, "mm_get", f, l);
	own_check_slot(c, ph, slot, false, f, l);
	struct mm_hdr *v = own_slots(ph)[slot];
	if (v == NULL)
		return own_ref(0);
	if (own_count_kids)
		own_share(c, v, f, l);
	return own_ref(own_lend(c, v, 0, OWN_IDX(p.mm_w_)));
}

OWN_INLINE mm_mut mm_get_mut_at(struct mm_ctx *c, mm_mut p, unsigned slot, const char *f, int l)
{
	struct mm_hdr *ph = own_lent(c, p.mm_w_, true, "mm_get_mut", f, l);
	own_check_slot(c, ph, slot, false, f, l);
	struct mm_hdr *v = own_slots(ph)[slot];
	if (v == NULL)
		return own_mut(0);
	if (__builtin_expect(OWN_BORROW(v) != 0, 0))
		own_borrowed(c, v, "shared XOR mutable", "mutably borrow", f, l);
	own_lend_mut(c, v);
	return own_mut(own_lend(c, v, OWN_KIND_MUT, OWN_IDX(p.mm_w_)));
}

OWN_INLINE mm_weak mm_downgrade_at(struct mm_ctx *c, mm_ref r, const char *f, int l)
{
	struct mm_hdr *h = own_lent(c, r.mm_w_, false, "mm_downgrade", f, l);
	return (mm_weak){ OWN_WORD(h->aux, ~OWN_ENTRY_OF(c, h)->gen) };
}

/* Null when the object is gone: its generation moved on. */
OWN_INLINE mm_ref mm_upgrade_at(struct mm_ctx *c, mm_weak w, const char *f, int l)
{
	uint32_t idx = OWN_IDX(w.mm_w_);
	if (idx == 0 || idx >= c->m_cap)
		return own_ref(0);
	struct own_entry *e = &OWN_TAB(c)[idx];
	if (e->gen != (uint32_t)~OWN_GEN(w.mm_w_) || e->state == OWN_FREE)
		return own_ref(0);
	own_share(c, e->obj, f, l);
	return own_ref(own_lend(c, e->obj, 0, 0));
}

OWN_INLINE void mm_set_weak_at(struct mm_ctx *c, mm_mut p, unsigned slot, mm_weak w,
			       const char *f, int l)
{
	struct mm_hdr *ph = own_lent(c, p.mm_w_, true, "mm_set_weak", f, l);
	own_check_slot(c, ph, slot, true, f, l);
	*own_weak_slot(ph, slot) = w.mm_w_;
}

OWN_INLINE mm_weak mm_get_weak_at(struct mm_ctx *c, mm_ref p, unsigned slot, const char *f,
				  int l)
{
	struct mm_hdr *ph = own_lent(c, p.mm_w_, false, "mm_get_weak", f, l);
	own_check_slot(c, ph, slot, true, f, l);
	return (mm_weak){ *own_weak_slot(ph, slot) };
}

OWN_INLINE const void *mm_data_at(struct mm_ctx *c, mm_ref r, const struct mm_type *t,
				  const char *f, int l)
{
	struct mm_hdr *h = own_lent(c, r.mm_w_, false, "mm_data", f, l);
	own_check_type(c, h, t, f, l);
	return (const char *)own_slots(h) + (size_t)t->nslots * sizeof(void *);
}

OWN_INLINE void *mm_data_mut_at(struct mm_ctx *c, mm_mut m, const struct mm_type *t,
				const char *f, int l)
{
	struct mm_hdr *h = own_lent(c, m.mm_w_, true, "mm_data_mut", f, l);
	own_check_type(c, h, t, f, l);
	return (char *)own_slots(h) + (size_t)t->nslots * sizeof(void *);
}

/* Sharing (mm.h), for the workloads that share (lru-cache,
 * web-requests): a share is a shared borrow counted on its object and not
 * tied to the borrow it was taken through, so it may outlive that one;
 * while any share is held the owner cannot drop, move or mutably borrow
 * the object.  mm_unshare ends it. */
typedef mm_ref mm_shared;

OWN_INLINE mm_shared mm_share_at(struct mm_ctx *c, mm_ref r, const char *f, int l)
{
	struct mm_hdr *h = own_lent(c, r.mm_w_, false, "mm_share", f, l);
	own_share(c, h, f, l);
	return own_ref(own_lend(c, h, 0, 0));
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

MM_MODEL_OPS(.summary = "ownership/borrow discipline: typed handles, checked at run time",
	     .pause = PROBE_PAUSE_DROP, .takes_allocator = true, .counts_live = true,
	     .counts_borrows = true, .init = own_init, .fini = own_fini, .end = own_check_leaks,
	     .bind = own_bind, .heap = mm_model_allocator_heap, .free_tree = tree_free_own)

#endif
