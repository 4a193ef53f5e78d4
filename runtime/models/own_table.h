/* own_table.h — the own model's generation table and its slow paths.
 *
 * Entry 0 is never used, so index 0 is the null handle.  Free entries form
 * a list threaded through their obj field.  A slot holds a handle, the same
 * eight bytes a pointer takes in the other models.  Every function named
 * own_* below that reports a broken rule does not return.
 */
#ifndef MM_MODELS_OWN_TABLE_H
#define MM_MODELS_OWN_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "runtime/api/mm_ctx.h"

enum { OWN_FREE, OWN_LOOSE, OWN_HELD };

/* own_entry.borrow: OWN_MUT while mutably borrowed, else the count of
 * shared borrows, at most OWN_SHARED_MAX.  So "may share" is one compare
 * (borrow < OWN_SHARED_MAX) and "may drop, move or borrow mutably" is
 * borrow == 0. */
#define OWN_MUT 0x8000u
#define OWN_SHARED_MAX 0x7fffu

/* An entry's meta word (see struct own_entry in mm_ctx.h). */
#define OWN_META(gen, borrow, state) \
	((uint64_t)(uint32_t)(gen) | (uint64_t)(borrow) << 32 | (uint64_t)(state) << 48)
#define OWN_META_BORROW(m) ((uint16_t)((m) >> 32))

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "OWN_META assumes little endian");
_Static_assert(offsetof(struct own_entry, borrow) == offsetof(struct own_entry, gen) + 4 &&
		       offsetof(struct own_entry, state) == offsetof(struct own_entry, gen) + 6 &&
		       offsetof(struct own_entry, meta) == offsetof(struct own_entry, gen),
	       "gen, borrow and state make up meta");

/* Entry 0 is never handed out; its generation is one no null handle
 * carries, so a null handle fails the generation check. */
#define OWN_NULL_GEN UINT32_MAX

struct own_slot {
	uint32_t idx, gen;
};

_Static_assert(sizeof(struct own_slot) == sizeof(void *), "a slot is one word in every model");

/* A fresh free index (growing the table); never 0. */
uint32_t own_grow(struct mm_ctx *c);

/* Free the LOOSE object at idx and everything it owns, checking that no
 * part of it is borrowed: the walk of own_free_walk over c->types. */
void own_free_tree(struct mm_ctx *c, uint32_t idx, const char *f, int l);
/* The O(1)-space fallback for what overflows the walk's stack. */
void own_reverse_free(struct mm_ctx *c, uint32_t idx, const char *f, int l);

/* Free whatever is still live, without checks (context teardown). */
void own_release_all(struct mm_ctx *c);

_Noreturn void own_bad_index(struct mm_ctx *c, uint32_t idx, const char *f, int l);
/* A handle that is not the owner of a live, unborrowed object: null, use
 * after drop, use after move, or borrowed (rule and action name what the
 * caller was doing, as for own_borrowed). */
_Noreturn void own_not_owner(struct mm_ctx *c, uint32_t idx, uint32_t gen, const char *rule,
			     const char *action, const char *f, int l);
_Noreturn void own_use_after_drop(struct mm_ctx *c, const struct own_entry *e, uint32_t gen,
				  const char *f, int l);
_Noreturn void own_use_after_move(struct mm_ctx *c, const char *f, int l);
_Noreturn void own_self_move(struct mm_ctx *c, const char *f, int l);
_Noreturn void own_borrowed(struct mm_ctx *c, const struct own_entry *e, const char *rule,
			    const char *action, const char *f, int l);
_Noreturn void own_cannot_share(struct mm_ctx *c, const struct own_entry *e, const char *f,
				int l);
_Noreturn void own_ended(struct mm_ctx *c, const char *what, const char *f, int l);
_Noreturn void own_bad_slot(struct mm_ctx *c, const struct mm_type *t, unsigned slot,
			    bool weak, const char *f, int l);
_Noreturn void own_bad_type(struct mm_ctx *c, const struct mm_type *have,
			    const struct mm_type *want, const char *f, int l);

static inline const struct mm_type *own_type(const struct mm_ctx *c, const struct own_entry *e)
{
	return &c->types[((const struct mm_hdr *)e->obj)->type];
}

/* The header's aux word under own: which of slots 0..15 are strong (low
 * half) and which are weak (high half), so the common slot check reads
 * the header it is about to use anyway instead of the type table. */
static inline uint32_t own_slot_masks(const struct mm_type *t)
{
	uint64_t all = t->nslots >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << t->nslots) - 1;
	uint32_t strong = (uint32_t)(mm_type_strong(t) & 0xffff);
	uint32_t weak = (uint32_t)(t->weak & all & 0xffff);
	return strong | weak << 16;
}

/* The slot exists and is of the kind asked for (strong or weak). */
static inline void own_check_slot(struct mm_ctx *c, const struct own_entry *e, unsigned slot,
				  bool weak, const char *f, int l)
{
	if (__builtin_expect(slot < 16, 1)) {
		uint32_t masks = ((const struct mm_hdr *)e->obj)->aux;
		if (__builtin_expect((masks >> (slot + (weak ? 16 : 0))) & 1, 1))
			return;
	} else {
		const struct mm_type *t = own_type(c, e);
		if (slot < t->nslots && ((t->weak >> slot) & 1) == weak)
			return;
	}
	own_bad_slot(c, own_type(c, e), slot, weak, f, l);
}

static inline void own_check_type(struct mm_ctx *c, const struct own_entry *e,
				  const struct mm_type *want, const char *f, int l)
{
	const struct mm_type *t = own_type(c, e);
	if (__builtin_expect(t->id != want->id, 0))
		own_bad_type(c, t, want, f, l);
}

static inline void own_check_unborrowed(struct mm_ctx *c, const struct own_entry *e,
					const char *f, int l)
{
	if (__builtin_expect(e->borrow != 0, 0))
		own_borrowed(c, e, "drop while borrowed", "drop (as part of an owned subtree)", f,
			     l);
}

/* Retire an entry: bump its generation (every handle to it goes stale)
 * and put it on the free list.  Returns the object, for the caller to free. */
static inline void *own_retire(struct mm_ctx *c, uint32_t idx, struct own_entry *e)
{
	void *obj = e->obj;
	e->meta = OWN_META(e->gen + 1, 0, OWN_FREE);
	e->obj = (void *)(uintptr_t)c->own_free;
	c->own_free = idx;
	return obj;
}

static inline void own_release(struct mm_ctx *c, uint32_t idx, struct own_entry *e, size_t size)
{
	mm_bytes_free(c, own_retire(c, idx, e), size);
}

enum { OWN_STACK_SLOTS = 256 };

/* A template like ptr_free_walk (see ptr_free.h), on handles: the
 * workload builds instantiate it with their own const types. */
static inline __attribute__((always_inline)) void
own_free_walk(struct mm_ctx *c, uint32_t idx, const struct mm_type *types, uint32_t ntypes,
	      const char *f, int l)
{
	uint32_t stack[OWN_STACK_SLOTS];
	unsigned n = 0;
	uint64_t freed = 0, bytes = 0;
	const bool direct = c->free_direct; /* free() is opaque: keep it local */

	for (;;) {
		struct own_entry *e = &c->own_table[idx];
		/* the root is checked by the drop; every other node here */
		if (__builtin_expect(OWN_META_BORROW(e->meta) != 0, 0))
			own_check_unborrowed(c, e, f, l);
		struct mm_hdr *h = e->obj;
		const struct mm_type *t = &types[ntypes == 1 ? 0 : h->type];
		struct own_slot *s = (struct own_slot *)(void *)(h + 1);
		uint32_t next = 0;
		for (unsigned i = t->nslots; i-- > 0;) {
			uint32_t child = s[i].idx;
			if (child == 0 || ((t->weak >> i) & 1))
				continue;
			if (next != 0) {
				if (__builtin_expect(n < OWN_STACK_SLOTS, 1))
					stack[n++] = next;
				else
					own_reverse_free(c, next, f, l);
			}
			next = child;
		}
		size_t size = mm_type_size(t, sizeof(struct mm_hdr));
		void *obj = own_retire(c, idx, e);
		freed++;
		bytes += size;
		if (__builtin_expect(direct, 1))
			free(obj);
		else
			c->alloc->free(c->alloc_state, obj, size);
		if (next != 0)
			idx = next;
		else if (n > 0)
			idx = stack[--n];
		else
			break;
	}
	c->frees += freed;
	c->live_bytes -= bytes;
}

#endif
