/* own_table.h — the own model's tables and its slow paths.
 *
 * The generation table (entry 0 is never used, so index 0 is the null
 * handle; free entries form a list threaded through their obj field), the
 * borrow records (one per live borrow, keyed by an epoch) and each entry's
 * allocating site.  A strong slot holds the child's address, as in the
 * other models (a live object's strong slots name live objects, so no
 * slot read needs a check), and a weak slot a weak handle's word, eight
 * bytes either way.  Every own_* below that reports a broken rule does not
 * return.
 */
#ifndef MM_MODELS_OWN_TABLE_H
#define MM_MODELS_OWN_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "runtime/api/mm_ctx.h"

/* One entry of the generation table.  gen, site and state share one
 * word, meta, so that "this handle owns a live object" is one masked
 * compare and a drop one store (OWN_META); spare stays 0.  The borrow
 * count is the object's (OWN_BORROW), not the entry's: a borrow taken
 * through another marks its object without a trip through the table.
 * The table lives in the context's m_table words. */
struct own_entry {
	void *obj; /* the object; the next free index while free */
	union {
		struct {
			uint32_t gen;  /* bumped when the object is dropped */
			uint16_t site; /* the allocating site's id (own_site_intern) */
			uint8_t state; /* OWN_FREE, OWN_LOOSE or OWN_HELD */
			uint8_t spare;
		};
		uint64_t meta;
	};
};

/* The context's table, as entries. */
#define OWN_TAB(c) ((struct own_entry *)(c)->m_table)

enum { OWN_FREE, OWN_LOOSE, OWN_HELD };

/* An object's borrow count, the high half of its header's type word
 * (OWN_BORROW): OWN_MUT while mutably borrowed, else the count of shared
 * borrows, at most OWN_SHARED_MAX.  So "may share" is one compare
 * (borrow < OWN_SHARED_MAX) and "may drop, move or borrow mutably" is
 * borrow == 0.  It is changed by adding to the whole word (OWN_BORROW_ONE),
 * so every access to the header is through struct mm_hdr. */
#define OWN_MUT 0x8000u
#define OWN_SHARED_MAX 0x7fffu
#define OWN_BORROW(h) ((h)->type >> 16)
#define OWN_BORROW_ONE 0x10000u

/* An entry's meta word; OWN_META_KEY drops the site, which the owner
 * check does not compare. */
#define OWN_META(gen, site, state) \
	((uint64_t)(uint32_t)(gen) | (uint64_t)(uint16_t)(site) << 32 | (uint64_t)(state) << 48)
#define OWN_META_KEY(m) ((m) & ~((uint64_t)0xffff << 32))

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "OWN_META assumes little endian");
_Static_assert(offsetof(struct own_entry, site) == offsetof(struct own_entry, gen) + 4 &&
		       offsetof(struct own_entry, state) == offsetof(struct own_entry, gen) + 6 &&
		       offsetof(struct own_entry, meta) == offsetof(struct own_entry, gen),
	       "gen, site and state make up meta");

/* Entry 0 is never handed out; its generation is one no null handle
 * carries, so a null handle fails the generation check. */
#define OWN_NULL_GEN UINT32_MAX

/* Under own the header's aux word is the object's entry index: a strong
 * slot holds the child's address, as under manual, and the walks that
 * need the entry (a drop retires it) find it from the object. */
#define OWN_ENTRY_OF(c, h) (&OWN_TAB(c)[((const struct mm_hdr *)(h))->aux])

/* The entry's generation is retired, never reused, once it reaches
 * OWN_GEN_LAST: a 32-bit generation would otherwise wrap after 2^32
 * reuses of one entry and a stale handle would name a live object again. */
#define OWN_GEN_LAST (UINT32_MAX - 1)

/* Handle words.  An owned handle's is idx | gen << 32, and a weak
 * handle's (also what a weak slot holds) idx | ~gen << 32, so a weak
 * handle's words passed off as an owner fail the generation check.  A
 * borrow's is its record's index | epoch << 32 (the epoch's bit 0 is the
 * kind), and carries no generation at all.  An owned handle also
 * carries the object's address, which the check vouches for; a borrow's
 * record holds it. */
#define OWN_WORD(idx, gen) ((uint64_t)(uint32_t)(idx) | (uint64_t)(uint32_t)(gen) << 32)
#define OWN_IDX(w) ((uint32_t)(w))
#define OWN_GEN(w) ((uint32_t)((w) >> 32))

/* One live borrow, or a free record.  While live, obj is the borrowed
 * object and ek the borrow handle's epoch (with the kind bit); ending it
 * moves the epoch on, so every copy of an ended borrow is caught.  A
 * borrow taken through another (mm_get, mm_get_mut) names it as parent,
 * and the parent cannot end while it has kids: a child borrow never
 * outlives its parent's, which is what keeps a strong cycle from being
 * built.  A free record has kids 0 and an even epoch. */
struct own_borrow {
	struct mm_hdr *obj;
	uint32_t ek;     /* epoch, even; bit 0: OWN_KIND_MUT */
	uint32_t parent; /* the next free record while free */
	uint32_t kids;   /* live borrows taken through this one */
	uint32_t spare;
};

#define OWN_KIND_MUT 1u   /* bit 0 of the epoch: a mutable borrow */
#define OWN_EPOCH_STEP 2u /* epochs are even; bit 0 is the kind */

/* Under own the header's type word holds the type id in its low half and
 * the borrow count in its high half (OWN_TYPE_OF, OWN_BORROW); the entry
 * keeps the allocating site, in the word that mm_new stores anyway.  A
 * site id names an interned OWN_SITE word; 0 is "unknown" (more than
 * 65535 sites). */
#define OWN_TYPE_OF(h) ((h)->type & 0xffffu)
#define OWN_MAX_TYPES 0x10000u

/* A small direct-mapped cache, by line, from site word to site id: after
 * inlining, a call site's file and line are constants, so the common
 * lookup is one compare. */
struct own_site_cache {
	uint64_t key;
	uint32_t id, spare;
};
enum { OWN_SITE_CACHE = 16 };

enum { OWN_MASK_TYPES = 64 };

/* The model's side tables: borrow records and the interned sites.  They
 * sit just before entry 0 in the table's one allocation, so the context
 * needs no field of its own for them and reaching them costs no load
 * beyond the table's address. */
struct own_side {
	struct own_borrow *rec; /* rec[0] is never handed out */
	uint32_t cap, free;
	uint64_t *site_keys; /* site id -> OWN_SITE word; [0] is unknown */
	uint32_t nsites, site_cap;
	struct own_site_cache cache[OWN_SITE_CACHE];
	/* per type id below OWN_MASK_TYPES: which slots are strong ([0]) and
	 * which weak ([1]); 0 until the types are bound, and for the other
	 * types the slot check reads the type table */
	uint64_t masks[OWN_MASK_TYPES][2];
};

#define OWN_SIDE(c) ((struct own_side *)(c)->m_table - 1)
_Static_assert(sizeof(struct own_side) % 16 == 0, "the entries after the side tables stay aligned");
#define OWN_SITE(f, l) \
	((uint64_t)(uintptr_t)(f) | (uint64_t)((unsigned)(l) < 0xffffu ? (unsigned)(l) : 0xffffu) << 48)
#define OWN_SITE_FILE(s) ((const char *)(uintptr_t)((s) & 0xffffffffffffu))
#define OWN_SITE_LINE(s) ((int)((s) >> 48))

/* A fresh free index (growing the table); never 0. */
uint32_t own_grow(struct mm_ctx *c);
/* The id of a site word, interned (and cached); 0 when the table is full. */
uint32_t own_site_intern(struct mm_ctx *c, uint64_t site);
/* A fresh free borrow record (growing the records); never 0. */
uint32_t own_borrow_grow(struct mm_ctx *c);

/* Free whatever is still live, without checks, and the tables (the
 * model's fini). */
void own_release_all(struct mm_ctx *c);
void own_fini(struct mm_ctx *c);
/* The borrows taken so far, from the records' epochs (mm_ctx.borrows). */
uint64_t own_borrows_taken(const struct mm_ctx *c);
/* The end of a workload run: counts the borrows; an object still live
 * leaked, and that is a broken rule under own; panics at the allocating
 * site of the first. */
void own_check_leaks(struct mm_ctx *c);
/* Under AddressSanitizer: name the rule when ASan reports a payload used
 * outside its borrow (the model's init). */
int own_init(struct mm_ctx *c, char *err, size_t errlen);
/* The workload bound its types: the slot masks (the model's bind). */
void own_bind(struct mm_ctx *c);

_Noreturn void own_bad_index(struct mm_ctx *c, uint32_t idx, const char *f, int l);
/* A handle that is not the owner of a live, unborrowed object: null, use
 * after drop, use after move, or borrowed (rule and action name what the
 * caller was doing, as for own_borrowed). */
_Noreturn void own_not_owner(struct mm_ctx *c, uint64_t w, const struct mm_hdr *obj,
			     const char *rule, const char *action, const char *f, int l);
_Noreturn void own_use_after_drop(struct mm_ctx *c, uint64_t w, const char *f, int l);
_Noreturn void own_use_after_move(struct mm_ctx *c, const char *f, int l);
_Noreturn void own_self_move(struct mm_ctx *c, const char *f, int l);
_Noreturn void own_borrowed(struct mm_ctx *c, const struct mm_hdr *h, const char *rule,
			    const char *action, const char *f, int l);
_Noreturn void own_cannot_share(struct mm_ctx *c, const struct mm_hdr *h, const char *f,
				int l);
_Noreturn void own_ended(struct mm_ctx *c, const char *what, const char *f, int l);
/* A borrow handle that names no live borrow record of its kind. */
_Noreturn void own_bad_borrow(struct mm_ctx *c, uint64_t w, bool mut, const char *what,
			      const char *f, int l);
/* A borrow ended while borrows taken through it are live. */
_Noreturn void own_outlived(struct mm_ctx *c, const struct own_borrow *r, const char *f, int l);
_Noreturn void own_bad_slot(struct mm_ctx *c, const struct mm_type *t, unsigned slot,
			    bool weak, const char *f, int l);
_Noreturn void own_bad_type(struct mm_ctx *c, const struct mm_type *have,
			    const struct mm_type *want, const char *f, int l);

static inline const struct mm_type *own_type(const struct mm_ctx *c, const struct mm_hdr *h)
{
	return &c->types[OWN_TYPE_OF(h)];
}

/* The slot exists and is of the kind asked for (strong or weak). */
static inline void own_check_slot(struct mm_ctx *c, const struct mm_hdr *h, unsigned slot,
				  bool weak, const char *f, int l)
{
	uint32_t tid = OWN_TYPE_OF(h);
	if (__builtin_expect(tid < OWN_MASK_TYPES && slot < 64, 1) &&
	    __builtin_expect((OWN_SIDE(c)->masks[tid][weak] >> slot) & 1, 1))
		return;
	const struct mm_type *t = own_type(c, h);
	if (__builtin_expect(slot < t->nslots && ((t->weak >> slot) & 1) == weak, 1))
		return;
	own_bad_slot(c, t, slot, weak, f, l);
}

static inline void own_check_type(struct mm_ctx *c, const struct mm_hdr *h,
				  const struct mm_type *want, const char *f, int l)
{
	const struct mm_type *t = own_type(c, h);
	if (__builtin_expect(t->id != want->id, 0))
		own_bad_type(c, t, want, f, l);
}

static inline void own_check_unborrowed(struct mm_ctx *c, const struct mm_hdr *h, const char *f,
					int l)
{
	if (__builtin_expect(OWN_BORROW(h) != 0, 0))
		own_borrowed(c, h, "drop while borrowed", "drop (as part of an owned subtree)", f,
			     l);
}

/* Payload poisoning, under AddressSanitizer only: an object's payload is
 * poisoned while nobody borrows it, so a pointer from mm_data used after
 * its borrow ended is reported by ASan (use-after-poison; after the drop,
 * heap-use-after-free) at the user's line.  Elsewhere these are empty. */
#if defined(__SANITIZE_ADDRESS__)
#define OWN_POISON 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OWN_POISON 1
#endif
#endif
#ifdef OWN_POISON
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
static inline void own_poison_payload(const struct mm_ctx *c, void *obj, bool poison)
{
	const struct mm_type *t = &c->types[OWN_TYPE_OF((const struct mm_hdr *)obj)];
	char *p = (char *)obj + sizeof(struct mm_hdr) + (size_t)t->nslots * sizeof(void *);
	if (t->payload == 0)
		return;
	if (poison)
		__asan_poison_memory_region(p, t->payload);
	else
		__asan_unpoison_memory_region(p, t->payload);
}
#else
static inline void own_poison_payload(const struct mm_ctx *c, void *obj, bool poison)
{
	(void)c, (void)obj, (void)poison;
}
#endif

static inline void own_unpoison(const struct mm_ctx *c, void *obj)
{
	own_poison_payload(c, obj, false);
}

/* Retire an entry: bump its generation (every handle to it goes stale)
 * and put it on the free list, unless the generation reached its last
 * value: then the entry is retired for good.  Returns the object, for the
 * caller to free. */
static inline void *own_retire(struct mm_ctx *c, uint32_t idx, struct own_entry *e)
{
	void *obj = e->obj;
	uint32_t gen = e->gen + 1;
	e->meta = OWN_META(gen, 0, OWN_FREE);
	if (__builtin_expect(gen == OWN_GEN_LAST, 0)) {
		e->obj = NULL; /* never on the free list again */
		return obj;
	}
	e->obj = (void *)(uintptr_t)c->m_free;
	c->m_free = idx;
	own_unpoison(c, obj);
	return obj;
}

static inline void own_release(struct mm_ctx *c, uint32_t idx, struct own_entry *e, size_t size)
{
	mm_bytes_free(c, own_retire(c, idx, e), size);
}

#endif
