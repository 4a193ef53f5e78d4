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
