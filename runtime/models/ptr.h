/* ptr.h — what manual, rc and gc share: every handle is a plain pointer.
 *
 * An object pointer points at the object's first byte; the slots start
 * PTR_HDR bytes later (the mm_hdr under manual and rc, nothing under gc).
 * Borrows cost nothing and check nothing: that is the point of comparison
 * with the own model.  Include after defining PTR_HDR.
 */
#ifndef MM_MODELS_PTR_H
#define MM_MODELS_PTR_H

#include <stddef.h>

#include "runtime/api/mm_ctx.h"

struct mm_obj;
typedef struct mm_obj *mm_own;
typedef struct mm_obj *mm_ref;
typedef struct mm_obj *mm_mut;
typedef struct mm_obj *mm_weak;
typedef struct mm_obj *mm_shared; /* a share (mm.h): read like a borrow */

#define mm_is_null(h) ((h) == NULL)
#define MM_NULL NULL

static inline struct mm_obj **ptr_slots(struct mm_obj *o)
{
	return (struct mm_obj **)(void *)((char *)o + PTR_HDR);
}

static inline mm_ref mm_borrow_at(struct mm_ctx *c, mm_own o, const char *f, int l)
{
	(void)c, (void)f, (void)l;
	return o;
}

static inline mm_mut mm_borrow_mut_at(struct mm_ctx *c, mm_own o, const char *f, int l)
{
	(void)c, (void)f, (void)l;
	return o;
}

static inline void mm_end_at(struct mm_ctx *c, mm_ref r, const char *f, int l)
{
	(void)c, (void)r, (void)f, (void)l;
}

static inline void mm_end_mut_at(struct mm_ctx *c, mm_mut m, const char *f, int l)
{
	(void)c, (void)m, (void)f, (void)l;
}

static inline mm_ref mm_get_at(struct mm_ctx *c, mm_ref p, unsigned slot, const char *f, int l)
{
	(void)c, (void)f, (void)l;
	return ptr_slots(p)[slot];
}

static inline mm_mut mm_get_mut_at(struct mm_ctx *c, mm_mut p, unsigned slot, const char *f,
				   int l)
{
	(void)c, (void)f, (void)l;
	return ptr_slots(p)[slot];
}

__attribute__((warn_unused_result)) static inline mm_own
mm_take_at(struct mm_ctx *c, mm_mut p, unsigned slot, const char *f, int l)
{
	(void)c, (void)f, (void)l;
	struct mm_obj *o = ptr_slots(p)[slot];
	ptr_slots(p)[slot] = NULL;
	return o;
}

static inline mm_weak mm_downgrade_at(struct mm_ctx *c, mm_ref r, const char *f, int l)
{
	(void)c, (void)f, (void)l;
	return r;
}

/* Unchecked: a weak pointer to a freed object dangles under manual and rc. */
static inline mm_ref mm_upgrade_at(struct mm_ctx *c, mm_weak w, const char *f, int l)
{
	(void)c, (void)f, (void)l;
	return w;
}

static inline void mm_set_weak_at(struct mm_ctx *c, mm_mut p, unsigned slot, mm_weak w,
				  const char *f, int l)
{
	(void)c, (void)f, (void)l;
	ptr_slots(p)[slot] = w;
}

static inline mm_weak mm_get_weak_at(struct mm_ctx *c, mm_ref p, unsigned slot, const char *f,
				     int l)
{
	(void)c, (void)f, (void)l;
	return ptr_slots(p)[slot];
}

/* Moving into a slot drops what was there (a no-op under gc); through the
 * owner it is the same store.  mm_drop_at is the model header's. */
static inline void mm_drop_at(struct mm_ctx *c, mm_own o, const char *f, int l);

static inline void mm_set_at(struct mm_ctx *c, mm_mut p, unsigned slot, mm_own child,
			     const char *f, int l)
{
	struct mm_obj *old = ptr_slots(p)[slot];
	ptr_slots(p)[slot] = child;
	if (old != NULL)
		mm_drop_at(c, old, f, l);
}

static inline void mm_set_owned_at(struct mm_ctx *c, mm_own p, unsigned slot, mm_own child,
				   const char *f, int l)
{
	mm_set_at(c, p, slot, child, f, l);
}

/* Sharing (mm.h): PTR_COUNTED 1 (rc) counts the new holder, so the count
 * rises above 1 and the last mm_unshare or drop frees; otherwise a share
 * is a copy of the pointer (gc), or a borrow in effect under the one
 * designated owner that frees (manual). */
#ifndef PTR_COUNTED
#define PTR_COUNTED 0
#endif

static inline mm_shared mm_share_at(struct mm_ctx *c, mm_ref r, const char *f, int l)
{
	(void)f, (void)l;
	if (PTR_COUNTED) {
		((struct mm_hdr *)(void *)r)->aux++;
		c->shares++;
	}
	return r;
}

static inline void mm_unshare_at(struct mm_ctx *c, mm_shared s, const char *f, int l)
{
	if (PTR_COUNTED)
		mm_drop_at(c, s, f, l);
	(void)c, (void)s, (void)f, (void)l;
}

/* A second owner (Rc::clone): rc counts it, gc copies the pointer; a
 * model with one owner per object (manual) cannot: it panics, and a
 * workload asks the model's strong_cycles before building one. */
#ifndef PTR_CLONES
#define PTR_CLONES PTR_COUNTED
#endif

__attribute__((warn_unused_result)) static inline mm_own mm_clone_at(struct mm_ctx *c, mm_ref r,
								      const char *f, int l)
{
	if (!PTR_CLONES)
		mm_panic(c, f, l, "mm_clone: this model has one owner per object");
	if (PTR_COUNTED) {
		((struct mm_hdr *)(void *)r)->aux++;
		c->shares++;
	}
	return r;
}

/* The payload: the caller names the type, since gc objects carry none. */
static inline const void *mm_data_at(struct mm_ctx *c, mm_ref r, const struct mm_type *t,
				     const char *f, int l)
{
	(void)c, (void)f, (void)l;
	return (const char *)r + PTR_HDR + (size_t)t->nslots * sizeof(void *);
}

static inline void *mm_data_mut_at(struct mm_ctx *c, mm_mut m, const struct mm_type *t,
				   const char *f, int l)
{
	(void)c, (void)f, (void)l;
	return (char *)m + PTR_HDR + (size_t)t->nslots * sizeof(void *);
}

#endif
