/* ptr.h — what manual, rc, gc and own_unchecked share: every handle is
 * the object's address.
 *
 * An object pointer points at the object's first byte; the slots start
 * PTR_HDR bytes later (the mm_hdr under manual and rc, nothing under gc).
 * Borrows cost nothing and check nothing: that is the point of comparison
 * with the own model.  Include after defining PTR_HDR.  With PTR_TYPED 1
 * (own_unchecked) the four handle kinds are distinct one-pointer structs
 * carrying own's capability annotations, so the compilers check what they
 * check under own while the code compiled is manual's: a one-member struct
 * travels in a register as the pointer does.
 */
#ifndef MM_MODELS_PTR_H
#define MM_MODELS_PTR_H

#include <stddef.h>

#include "runtime/api/mm_ctx.h"
#include "runtime/api/mm_caps.h"

struct mm_obj;
#ifndef PTR_TYPED
#define PTR_TYPED 0
#endif
#if PTR_TYPED
/* own's handle types (own.h), each one word: the address */
typedef struct mm_obj *MM_CAPABILITY("borrow") ptr_word;
typedef struct MM_CAPABILITY("ownership") { ptr_word mm_w_; } mm_own;
typedef struct { struct mm_obj *mm_w_; } mm_ref;
typedef struct { struct mm_obj *mm_w_; } mm_mut;
typedef struct { struct mm_obj *mm_w_; } mm_weak;
#define PTR_OF(h) ((h).mm_w_)
#define PTR_AS(type, p) ((type){ (p) })
#define MM_NULL { 0 }
#else
typedef struct mm_obj *mm_own;
typedef struct mm_obj *mm_ref;
typedef struct mm_obj *mm_mut;
typedef struct mm_obj *mm_weak;
#define PTR_OF(h) (h)
#define PTR_AS(type, p) ((type)(p))
#define MM_NULL NULL
#endif
typedef mm_ref mm_shared; /* a share (mm.h): read like a borrow */

#define mm_is_null(h) (PTR_OF(h) == NULL)

/* Inline, and left out of the capability analysis: these implement the
 * rules the annotations state. */
#define PTR_INLINE static inline MM_NO_CAP_CHECK

PTR_INLINE struct mm_obj **ptr_slots(struct mm_obj *o)
{
	return (struct mm_obj **)(void *)((char *)o + PTR_HDR);
}

PTR_INLINE mm_ref mm_borrow_at(struct mm_ctx *c, mm_own o, const char *f, int l)
	MM_REQUIRES(o) MM_ACQUIRES_SHARED(MM_BORROW_CAP(o))
{
	(void)c, (void)f, (void)l;
	return PTR_AS(mm_ref, PTR_OF(o));
}

PTR_INLINE mm_mut mm_borrow_mut_at(struct mm_ctx *c, mm_own o, const char *f, int l)
	MM_REQUIRES(o) MM_ACQUIRES(MM_BORROW_CAP(o))
{
	(void)c, (void)f, (void)l;
	return PTR_AS(mm_mut, PTR_OF(o));
}

PTR_INLINE void mm_end_at(struct mm_ctx *c, mm_ref r, const char *f, int l)
{
	(void)c, (void)r, (void)f, (void)l;
}

PTR_INLINE void mm_end_mut_at(struct mm_ctx *c, mm_mut m, const char *f, int l)
{
	(void)c, (void)m, (void)f, (void)l;
}

PTR_INLINE mm_ref mm_get_at(struct mm_ctx *c, mm_ref p, unsigned slot, const char *f, int l)
{
	(void)c, (void)f, (void)l;
	return PTR_AS(mm_ref, ptr_slots(PTR_OF(p))[slot]);
}

PTR_INLINE mm_mut mm_get_mut_at(struct mm_ctx *c, mm_mut p, unsigned slot, const char *f,
				int l)
{
	(void)c, (void)f, (void)l;
	return PTR_AS(mm_mut, ptr_slots(PTR_OF(p))[slot]);
}

__attribute__((warn_unused_result)) PTR_INLINE mm_own
mm_take_at(struct mm_ctx *c, mm_mut p, unsigned slot, const char *f, int l)
{
	(void)c, (void)f, (void)l;
	struct mm_obj *o = ptr_slots(PTR_OF(p))[slot];
	ptr_slots(PTR_OF(p))[slot] = NULL;
	return PTR_AS(mm_own, o);
}

PTR_INLINE mm_weak mm_downgrade_at(struct mm_ctx *c, mm_ref r, const char *f, int l)
{
	(void)c, (void)f, (void)l;
	return PTR_AS(mm_weak, PTR_OF(r));
}

/* Unchecked: a weak pointer to a freed object dangles under manual, rc
 * and own_unchecked. */
PTR_INLINE mm_ref mm_upgrade_at(struct mm_ctx *c, mm_weak w, const char *f, int l)
{
	(void)c, (void)f, (void)l;
	return PTR_AS(mm_ref, PTR_OF(w));
}

PTR_INLINE void mm_set_weak_at(struct mm_ctx *c, mm_mut p, unsigned slot, mm_weak w,
			       const char *f, int l)
{
	(void)c, (void)f, (void)l;
	ptr_slots(PTR_OF(p))[slot] = PTR_OF(w);
}

PTR_INLINE mm_weak mm_get_weak_at(struct mm_ctx *c, mm_ref p, unsigned slot, const char *f,
				  int l)
{
	(void)c, (void)f, (void)l;
	return PTR_AS(mm_weak, ptr_slots(PTR_OF(p))[slot]);
}

/* Moving into a slot drops what was there (a no-op under gc); through the
 * owner it is the same store.  mm_drop_at is the model header's. */
static inline void mm_drop_at(struct mm_ctx *c, mm_own o, const char *f, int l)
	MM_RELEASES(o) MM_EXCLUDES(MM_BORROW_CAP(o));

PTR_INLINE void mm_set_at(struct mm_ctx *c, mm_mut p, unsigned slot, mm_own child,
			  const char *f, int l) MM_RELEASES(child)
{
	struct mm_obj *old = ptr_slots(PTR_OF(p))[slot];
	ptr_slots(PTR_OF(p))[slot] = PTR_OF(child);
	if (old != NULL)
		mm_drop_at(c, PTR_AS(mm_own, old), f, l);
}

PTR_INLINE void mm_set_owned_at(struct mm_ctx *c, mm_own p, unsigned slot, mm_own child,
				const char *f, int l)
	MM_REQUIRES(p) MM_EXCLUDES(MM_BORROW_CAP(p)) MM_RELEASES(child)
{
	mm_set_at(c, PTR_AS(mm_mut, PTR_OF(p)), slot, child, f, l);
}

/* Sharing (mm.h): PTR_COUNTED 1 (rc) counts the new holder, so the count
 * rises above 1 and the last mm_unshare or drop frees; otherwise a share
 * is a copy of the pointer (gc), or a borrow in effect under the one
 * designated owner that frees (manual, own_unchecked). */
#ifndef PTR_COUNTED
#define PTR_COUNTED 0
#endif

PTR_INLINE mm_shared mm_share_at(struct mm_ctx *c, mm_ref r, const char *f, int l)
{
	(void)f, (void)l;
	if (PTR_COUNTED) {
		((struct mm_hdr *)(void *)PTR_OF(r))->aux++;
		c->shares++;
	}
	return r;
}

PTR_INLINE void mm_unshare_at(struct mm_ctx *c, mm_shared s, const char *f, int l)
{
	if (PTR_COUNTED)
		mm_drop_at(c, PTR_AS(mm_own, PTR_OF(s)), f, l);
	(void)c, (void)s, (void)f, (void)l;
}

/* A second owner (Rc::clone): rc counts it, gc copies the pointer; a
 * model with one owner per object (manual, own_unchecked) cannot: it
 * panics, and a workload asks the model's strong_cycles before building
 * one. */
#ifndef PTR_CLONES
#define PTR_CLONES PTR_COUNTED
#endif

__attribute__((warn_unused_result)) PTR_INLINE mm_own mm_clone_at(struct mm_ctx *c, mm_ref r,
								   const char *f, int l)
{
	if (!PTR_CLONES)
		mm_panic(c, f, l, "mm_clone: this model has one owner per object");
	if (PTR_COUNTED) {
		((struct mm_hdr *)(void *)PTR_OF(r))->aux++;
		c->shares++;
	}
	return PTR_AS(mm_own, PTR_OF(r));
}

/* The payload: the caller names the type, since gc objects carry none. */
PTR_INLINE const void *mm_data_at(struct mm_ctx *c, mm_ref r, const struct mm_type *t,
				  const char *f, int l)
{
	(void)c, (void)f, (void)l;
	return (const char *)PTR_OF(r) + PTR_HDR + (size_t)t->nslots * sizeof(void *);
}

PTR_INLINE void *mm_data_mut_at(struct mm_ctx *c, mm_mut m, const struct mm_type *t,
				const char *f, int l)
{
	(void)c, (void)f, (void)l;
	return (char *)PTR_OF(m) + PTR_HDR + (size_t)t->nslots * sizeof(void *);
}

#endif
