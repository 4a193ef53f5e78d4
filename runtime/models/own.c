/* own.c — the own model's table growth, teardown, leak check and rule
 * reports.
 *
 * Drops go through the one subtree free (tree_free.h), which retires each
 * entry it frees: its generation is bumped, which is what turns every
 * stale handle into a caught error.  Every own_* report ends in mm_panic.
 */
#include "own_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The side tables live in the table's allocation, just before entry 0
 * (OWN_SIDE). */
uint32_t own_grow(struct mm_ctx *c)
{
	uint32_t old = c->m_cap;
	uint64_t cap = old ? (uint64_t)old * 2 : 1024;
	if (cap > UINT32_MAX)
		mm_fail_oom(c, 0);
	struct own_side *side = old ? OWN_SIDE(c) : NULL;
	size_t bytes = sizeof *side + cap * sizeof(struct own_entry);
	side = realloc(side, bytes);
	if (side == NULL)
		mm_fail_oom(c, bytes);
	if (old == 0)
		*side = (struct own_side){ 0 };
	struct own_entry *t = (struct own_entry *)(side + 1);
	uint32_t first = old ? old : 1; /* entry 0 stays the null handle */
	if (old == 0)
		t[0] = (struct own_entry){ .gen = OWN_NULL_GEN, .state = OWN_FREE };
	for (uint64_t i = first; i < cap; i++)
		t[i] = (struct own_entry){
			.obj = (void *)(uintptr_t)(i + 1 < cap ? i + 1 : 0),
			.gen = 1,
			.state = OWN_FREE,
		};
	c->m_table = t;
	c->m_cap = (uint32_t)cap;
	c->m_free = first;
	return first;
}

/* Sites are few (one per mm_new call in the source), so a linear search
 * on a cache miss is fine; the cache entry is replaced. */
uint32_t own_site_intern(struct mm_ctx *c, uint64_t site)
{
	struct own_side *s = OWN_SIDE(c);
	uint32_t id = 0;
	for (uint32_t i = 1; i < s->nsites; i++)
		if (s->site_keys[i] == site) {
			id = i;
			break;
		}
	if (id == 0 && s->nsites < OWN_MAX_TYPES) {
		if (s->nsites == s->site_cap) {
			uint32_t cap = s->site_cap ? s->site_cap * 2 : 64;
			uint64_t *k = realloc(s->site_keys, cap * sizeof *k);
			if (k == NULL)
				mm_fail_oom(c, cap * sizeof *k);
			s->site_keys = k;
			s->site_cap = cap;
			if (s->nsites == 0)
				s->site_keys[s->nsites++] = 0; /* id 0: unknown */
		}
		id = s->nsites++;
		s->site_keys[id] = site;
	}
	struct own_site_cache *sc = &s->cache[(unsigned)OWN_SITE_LINE(site) % OWN_SITE_CACHE];
	sc->key = site;
	sc->id = id;
	return id;
}

uint32_t own_borrow_grow(struct mm_ctx *c)
{
	struct own_side *s = OWN_SIDE(c);
	uint32_t old = s->cap;
	uint64_t cap = old ? (uint64_t)old * 2 : 256;
	if (cap > UINT32_MAX)
		mm_fail_oom(c, 0);
	struct own_borrow *r = realloc(s->rec, cap * sizeof *r);
	if (r == NULL)
		mm_fail_oom(c, cap * sizeof *r);
	uint32_t first = old ? old : 1; /* record 0 is never handed out */
	if (old == 0)
		r[0] = (struct own_borrow){ 0 };
	for (uint64_t i = first; i < cap; i++)
		r[i] = (struct own_borrow){
			.ek = OWN_EPOCH_STEP,
			.parent = (uint32_t)(i + 1 < cap ? i + 1 : 0),
		};
	s->rec = r;
	s->cap = (uint32_t)cap;
	s->free = first;
	return first;
}

static size_t size_of(const struct mm_ctx *c, const struct own_entry *e)
{
	return mm_type_size(own_type(c, e->obj), sizeof(struct mm_hdr));
}

void own_release_all(struct mm_ctx *c)
{
	for (uint32_t i = 1; i < c->m_cap; i++) {
		struct own_entry *e = &OWN_TAB(c)[i];
		if (e->state != OWN_FREE)
			own_release(c, i, e, size_of(c, e));
	}
	if (c->m_table != NULL) {
		struct own_side *s = OWN_SIDE(c);
		free(s->rec);
		free(s->site_keys);
		free(s); /* and the entries after it */
	}
	c->m_table = NULL;
	c->m_cap = 0;
	c->m_free = 0;
}

void own_fini(struct mm_ctx *c)
{
	own_release_all(c);
}

/* Every record's epoch starts at OWN_EPOCH_STEP and moves on by one step
 * at each end, so the borrows a record served are its epoch's steps, plus
 * one while it is live (not on the free list); a retired record (epoch 0)
 * served every epoch.  Exact, and it costs the borrows themselves nothing. */
uint64_t own_borrows_taken(const struct mm_ctx *c)
{
	if (c->m_table == NULL)
		return 0; /* no table yet: no object, so no borrow */
	const struct own_side *s = OWN_SIDE(c);
	const uint64_t epochs = (uint64_t)1 << 31; /* even 32-bit epochs from 2 up */
	uint64_t n = 0;
	for (uint32_t b = 1; b < s->cap; b++) {
		uint32_t ek = s->rec[b].ek;
		n += ek == 0 ? epochs - 1 : (uint64_t)(ek / OWN_EPOCH_STEP); /* ended, +1 */
	}
	for (uint32_t i = s->free; i != 0; i = s->rec[i].parent)
		n--; /* a free record is not live: take back its +1 */
	return n;
}

/* Leaked roots (LOOSE) are reported before objects held in a slot: a held
 * object leaks only because its owner does. */
void own_check_leaks(struct mm_ctx *c)
{
	c->borrows = own_borrows_taken(c);
	uint64_t objects = 0, bytes = 0;
	uint32_t first = 0;
	for (uint32_t i = 1; i < c->m_cap; i++) {
		const struct own_entry *e = &OWN_TAB(c)[i];
		if (e->state == OWN_FREE)
			continue;
		objects++;
		bytes += size_of(c, e);
		if (first == 0 || (e->state == OWN_LOOSE && OWN_TAB(c)[first].state != OWN_LOOSE))
			first = i;
	}
	if (objects == 0)
		return;
	const struct own_side *s = OWN_SIDE(c);
	uint32_t id = OWN_TAB(c)[first].site;
	uint64_t site = id != 0 && id < s->nsites ? s->site_keys[id] : 0;
	mm_panic(c, site ? OWN_SITE_FILE(site) : "?", site ? OWN_SITE_LINE(site) : 0,
		 "leak at exit: this %s was never dropped (%llu object%s, %llu bytes still live "
		 "when the workload returned)",
		 own_type(c, OWN_TAB(c)[first].obj)->name, (unsigned long long)objects,
		 objects == 1 ? "" : "s", (unsigned long long)bytes);
}

#ifdef OWN_POISON
void __asan_set_error_report_callback(void (*callback)(const char *));

static void asan_report(const char *report)
{
	if (strstr(report, "use-after-poison") != NULL)
		fprintf(stderr, "mmlab: payload outside its borrow: a pointer from mm_data or "
				"mm_data_mut was used after its borrow ended (the line is in "
				"the ASan stack above)\n");
}
#endif

void own_bind(struct mm_ctx *c)
{
	struct own_side *s = OWN_SIDE(c);
	for (uint32_t i = 0; i < OWN_MASK_TYPES; i++) {
		const struct mm_type *t = i < c->ntypes ? &c->types[i] : NULL;
		uint64_t all = t == NULL ? 0
			       : t->nslots >= 64 ? ~(uint64_t)0
						  : ((uint64_t)1 << t->nslots) - 1;
		s->masks[i][0] = t ? mm_type_strong(t) & all : 0;
		s->masks[i][1] = t ? t->weak & all : 0;
	}
}

/* The table is made here, so a borrow check never meets a missing one. */
int own_init(struct mm_ctx *c, char *err, size_t errlen)
{
	(void)err, (void)errlen;
#ifdef OWN_POISON
	__asan_set_error_report_callback(asan_report);
#endif
	own_grow(c);
	return 0;
}

void own_bad_index(struct mm_ctx *c, uint32_t idx, const char *f, int l)
{
	if (idx == 0)
		mm_panic(c, f, l, "null handle: this handle names no object");
	mm_panic(c, f, l, "invalid handle: index %u was never handed out", idx);
}

/* Whether record b is live: not on the free list (a slow path's scan). */
static bool record_live(const struct own_side *s, uint32_t b)
{
	if (b == 0 || b >= s->cap)
		return false;
	for (uint32_t i = s->free; i != 0; i = s->rec[i].parent)
		if (i == b)
			return false;
	return s->rec[b].ek != 0; /* 0: retired when its epochs wrapped */
}

void own_use_after_drop(struct mm_ctx *c, uint64_t w, const char *f, int l)
{
	uint32_t idx = OWN_IDX(w), gen = OWN_GEN(w);
	if (idx == 0 || idx >= c->m_cap)
		own_bad_index(c, idx, f, l);
	const struct own_entry *e = &OWN_TAB(c)[idx];
	if (gen == ~e->gen)
		mm_panic(c, f, l,
			 "forged handle: this owned handle was made from a weak handle's words; "
			 "only mm_new and mm_take hand out ownership");
	/* a live borrow's words: record idx at epoch gen */
	const struct own_side *s = OWN_SIDE(c);
	if (record_live(s, idx) && s->rec[idx].ek == gen)
		mm_panic(c, f, l,
			 "forged handle: this owned handle was made from a borrow's words; "
			 "only mm_new and mm_take hand out ownership");
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

void own_borrowed(struct mm_ctx *c, const struct mm_hdr *h, const char *rule,
		  const char *action, const char *f, int l)
{
	unsigned borrow = OWN_BORROW(h);
	if (borrow == OWN_MUT)
		mm_panic(c, f, l, "%s: cannot %s an object while it is mutably borrowed", rule,
			 action);
	mm_panic(c, f, l, "%s: cannot %s an object while %u shared borrow%s live", rule, action,
		 borrow, borrow == 1 ? " is" : "s are");
}

void own_cannot_share(struct mm_ctx *c, const struct mm_hdr *h, const char *f, int l)
{
	if (OWN_BORROW(h) == OWN_MUT)
		mm_panic(c, f, l,
			 "shared XOR mutable: cannot borrow an object while it is mutably "
			 "borrowed");
	mm_panic(c, f, l, "too many borrows: %u shared borrows of one object are live",
		 OWN_BORROW(h));
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

void own_not_owner(struct mm_ctx *c, uint64_t w, const struct mm_hdr *obj, const char *rule,
		   const char *action, const char *f, int l)
{
	const struct own_entry *e = &OWN_TAB(c)[OWN_IDX(w)];
	if (e->gen != OWN_GEN(w))
		own_use_after_drop(c, w, f, l);
	if (e->state != OWN_LOOSE)
		own_use_after_move(c, f, l);
	if (e->obj != obj)
		mm_panic(c, f, l,
			 "forged handle: this owned handle's words name another object; only "
			 "mm_new and mm_take hand out ownership");
	own_borrowed(c, obj, rule, action, f, l);
}

/* Epochs only grow (until a record retires), so a borrow's epoch tells
 * an ended borrow (behind the record's) from one never handed out. */
void own_bad_borrow(struct mm_ctx *c, uint64_t w, bool mut, const char *what, const char *f,
		    int l)
{
	const struct own_side *s = OWN_SIDE(c);
	uint32_t b = OWN_IDX(w), epoch = OWN_GEN(w) >> 1;
	if (b == 0)
		own_bad_index(c, 0, f, l);
	if (b >= s->cap || epoch > s->rec[b].ek >> 1)
		mm_panic(c, f, l, "forged borrow: %s was given a borrow no mm_borrow handed out",
			 what);
	if (epoch == s->rec[b].ek >> 1)
		mm_panic(c, f, l, "borrow kind: %s was given a %s borrow's words as a %s borrow",
			 what, mut ? "shared" : "mutable", mut ? "mutable" : "shared");
	own_ended(c, what, f, l);
}

void own_outlived(struct mm_ctx *c, const struct own_borrow *r, const char *f, int l)
{
	mm_panic(c, f, l,
		 "borrow outlives its parent: this borrow is ended while %u borrow%s taken "
		 "through it (mm_get, mm_get_mut) %s live; end those first",
		 r->kids, r->kids == 1 ? "" : "s", r->kids == 1 ? "is" : "are");
}
