/* mm_scope.h — the checked forms of the workload API, and scopes.
 *
 * Out-parameter forms (mm_new_to, mm_take_to) and owner-named ends
 * (mm_end_of, mm_end_mut_of) do what mm_new, mm_take, mm_end and
 * mm_end_mut do, in a shape clang's capability analysis can follow
 * (runtime/api/mm_caps.h).  Scopes end a borrow, or drop an owned handle
 * not moved out with mm_move, on every exit from their block (break,
 * continue, return, goto), through the cleanup attribute.  Every model
 * has them; only own checks anything.  Included at the end of mm.h.
 */
#ifndef MM_SCOPE_H
#define MM_SCOPE_H

#include "mm_caps.h"

/* The wrappers are as cheap as the calls they wrap. */
#define MM_SCOPE_INLINE static inline __attribute__((always_inline))

/* Take ownership of a handle got by value (mm_new, mm_take), for the
 * analysis; does nothing at run time. */
MM_SCOPE_INLINE void mm_adopt(mm_own *o) MM_ACQUIRES(*o) MM_NO_CAP_CHECK
{
	(void)o;
}

MM_SCOPE_INLINE void mm_new_to_at(struct mm_ctx *c, const struct mm_type *t, mm_own *out,
				const char *f, int l) MM_ACQUIRES(*out) MM_NO_CAP_CHECK
{
	*out = mm_new_at(c, t, f, l);
}

MM_SCOPE_INLINE void mm_take_to_at(struct mm_ctx *c, mm_mut p, unsigned slot, mm_own *out,
				 const char *f, int l) MM_ACQUIRES(*out) MM_NO_CAP_CHECK
{
	*out = mm_take_at(c, p, slot, f, l);
}

MM_SCOPE_INLINE void mm_end_of_at(struct mm_ctx *c, mm_own o, mm_ref r, const char *f, int l)
	MM_RELEASES_SHARED(MM_BORROW_CAP(o)) MM_NO_CAP_CHECK
{
	(void)o;
	mm_end_at(c, r, f, l);
}

MM_SCOPE_INLINE void mm_end_mut_of_at(struct mm_ctx *c, mm_own o, mm_mut m, const char *f, int l)
	MM_RELEASES(MM_BORROW_CAP(o)) MM_NO_CAP_CHECK
{
	(void)o;
	mm_end_mut_at(c, m, f, l);
}

/* An owned handle into *out (the analysis holds it from here). */
#define mm_new_to(c, type, out) mm_new_to_at((c), (type), (out), MM_SITE)
#define mm_take_to(c, mut, slot, out) mm_take_to_at((c), (mut), (slot), (out), MM_SITE)
/* End a borrow taken from owner o with mm_borrow / mm_borrow_mut. */
#define mm_end_of(c, o, ref) mm_end_of_at((c), (o), (ref), MM_SITE)
#define mm_end_mut_of(c, o, mut) mm_end_mut_of_at((c), (o), (mut), MM_SITE)

/* What a scope's cleanup needs: the context, the handle, the once flag
 * of its for-loops, and the scope's file:line for the model's reports. */
struct mm_scope_guard {
	struct mm_ctx *c;
	void *h;
	int *once;
	const char *f;
	int l;
};

MM_SCOPE_INLINE void mm_scope_end_ref(struct mm_scope_guard *g)
{
	*g->once = 0;
	mm_end_at(g->c, *(mm_ref *)g->h, g->f, g->l);
}

MM_SCOPE_INLINE void mm_scope_end_mut(struct mm_scope_guard *g)
{
	*g->once = 0;
	mm_end_mut_at(g->c, *(mm_mut *)g->h, g->f, g->l);
}

MM_SCOPE_INLINE void mm_scope_drop(struct mm_scope_guard *g) MM_NO_CAP_CHECK
{
	*g->once = 0;
	mm_drop_at(g->c, *(mm_own *)g->h, g->f, g->l);
}

/* The scopes' borrows, as the analysis sees them: the owner must be held
 * (clang 14 does not follow cleanup functions, so the borrow itself is
 * checked at run time only). */
MM_SCOPE_INLINE mm_ref mm_scope_borrow_at(struct mm_ctx *c, mm_own o, const char *f, int l)
	MM_REQUIRES(o) MM_NO_CAP_CHECK
{
	return mm_borrow_at(c, o, f, l);
}

MM_SCOPE_INLINE mm_mut mm_scope_borrow_mut_at(struct mm_ctx *c, mm_own o, const char *f, int l)
	MM_REQUIRES(o) MM_NO_CAP_CHECK
{
	return mm_borrow_mut_at(c, o, f, l);
}

#define MM_SCOPE_ONCE_(name) MM_CAT(mm_once_, name)
#define MM_SCOPE_GUARD_(name) MM_CAT(mm_guard_, name)

/* Three nested for-loops run the block once: the first holds the flag,
 * the second the handle, the third the guard whose cleanup ends it; the
 * cleanup clears the flag, so a break does not loop. */
#define MM_SCOPE_(c, type, name, init, end)                                               \
	for (int MM_SCOPE_ONCE_(name) = 1; MM_SCOPE_ONCE_(name);)                         \
		for (type name = (init); MM_SCOPE_ONCE_(name);)                           \
			for (struct mm_scope_guard MM_SCOPE_GUARD_(name)                  \
				     __attribute__((cleanup(end), unused)) = {                    \
				     (c), &name, &MM_SCOPE_ONCE_(name), MM_SITE };        \
			     MM_SCOPE_ONCE_(name); MM_SCOPE_ONCE_(name) = 0)

/* MM_BORROW_SCOPE(c, owner, r) { ... }: r borrows owner in the block. */
#define MM_BORROW_SCOPE(c, owner, r) \
	MM_SCOPE_(c, mm_ref, r, mm_scope_borrow_at((c), (owner), MM_SITE), mm_scope_end_ref)
#define MM_BORROW_MUT_SCOPE(c, owner, m) \
	MM_SCOPE_(c, mm_mut, m, mm_scope_borrow_mut_at((c), (owner), MM_SITE), mm_scope_end_mut)
/* MM_GET_SCOPE(c, parent, slot, r) { ... }: r borrows a slot's object. */
#define MM_GET_SCOPE(c, parent, slot, r) \
	MM_SCOPE_(c, mm_ref, r, mm_get((c), (parent), (slot)), mm_scope_end_ref)
/* MM_OWN_SCOPE(c, o, init) { ... }: o owns init's object in the block and
 * drops it on exit, unless it was moved out with mm_move(o). */
#define MM_OWN_SCOPE(c, o, init) MM_SCOPE_(c, mm_own, o, (init), mm_scope_drop)

/* The handle's value, leaving the variable null: a move out of a scope
 * (into a slot, or returned).  Under own, forgetting it is caught: the
 * scope's drop finds the object moved ("use after move"). */
#define mm_move(o)                              \
	__extension__({                         \
		__typeof__(o) mm_moved_ = (o);  \
		(o) = (__typeof__(o))MM_NULL;   \
		mm_moved_;                      \
	})

#endif
