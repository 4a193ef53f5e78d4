/* mm.h — the workload-facing API: ownership-annotated object graphs.
 *
 * Words: an *owned* handle (mm_own) is the one reference that frees its
 * object; giving it to a slot *moves* it there.  A *borrow* (mm_ref, shared;
 * mm_mut, exclusive) uses an object without owning it and is ended with
 * mm_end / mm_end_mut.  A *weak* handle (mm_weak) is a non-owning cross or
 * back reference that may outlive its object; mm_upgrade turns it into a
 * borrow, or into null when the model can tell the object is gone.
 *
 * A workload is compiled once per model (-DMM_MODEL=NAME with that model's
 * header), so every call below is an inline fast path of that model.  Under
 * own the four handle kinds are distinct struct types and misuse does not
 * compile; elsewhere they are all plain pointers.  Under own every call
 * also checks the rules at run time and panics with the caller's file:line.
 * Allocation never returns null: running out of memory unwinds to the
 * session that started the workload.
 */
#ifndef MM_H
#define MM_H

#include "mm_ctx.h"
#include "mm_job.h"

/* The model: its name, and its header, which the build names (the one
 * place this layer reaches a model; see docs/architecture.md). */
#if !defined(MM_MODEL) || !defined(MM_MODEL_HEADER)
#error "compile workloads per model: -DMM_MODEL=NAME -DMM_MODEL_HEADER='\"runtime/models/NAME.h\"'"
#endif
#define MM_CAT_(a, b) a##b
#define MM_CAT(a, b) MM_CAT_(a, b)
#define MM_STR_(x) #x
#define MM_STR(x) MM_STR_(x)

/* The ops table the model's header declares at its end: defined in the
 * model's model_ops build, nothing elsewhere. */
#ifdef MM_MODEL_DEFINE_OPS
#define MM_MODEL_OPS(...) \
	const struct mm_model_ops MM_CAT(mm_model_, MM_MODEL) = { .name = MM_STR(MM_MODEL), __VA_ARGS__ };
#else
#define MM_MODEL_OPS(...)
#endif

#include MM_MODEL_HEADER

#define MM_SITE __FILE__, __LINE__

/* Creating and ending ownership. */
#define mm_new(c, type) mm_new_at((c), (type), MM_SITE)
#define mm_drop(c, own) mm_drop_at((c), (own), MM_SITE)

/* Borrowing an owned object; every borrow is ended exactly once. */
#define mm_borrow(c, own) mm_borrow_at((c), (own), MM_SITE)
#define mm_borrow_mut(c, own) mm_borrow_mut_at((c), (own), MM_SITE)
#define mm_end(c, ref) mm_end_at((c), (ref), MM_SITE)
#define mm_end_mut(c, mut) mm_end_mut_at((c), (mut), MM_SITE)

/* Strong slots: move in (dropping what was there), move out, borrow.
 * mm_set writes through a mutable borrow; mm_set_owned through the owner
 * itself, as Rust lets `node.left = child` on a value you own. */
#define mm_set(c, mut, slot, own) mm_set_at((c), (mut), (slot), (own), MM_SITE)
#define mm_set_owned(c, owner, slot, own) mm_set_owned_at((c), (owner), (slot), (own), MM_SITE)
#define mm_take(c, mut, slot) mm_take_at((c), (mut), (slot), MM_SITE)
#define mm_get(c, ref, slot) mm_get_at((c), (ref), (slot), MM_SITE)
#define mm_get_mut(c, mut, slot) mm_get_mut_at((c), (mut), (slot), MM_SITE)

/* Weak slots and handles. */
#define mm_downgrade(c, ref) mm_downgrade_at((c), (ref), MM_SITE)
#define mm_upgrade(c, weak) mm_upgrade_at((c), (weak), MM_SITE)
#define mm_set_weak(c, mut, slot, weak) mm_set_weak_at((c), (mut), (slot), (weak), MM_SITE)
#define mm_get_weak(c, ref, slot) mm_get_weak_at((c), (ref), (slot), MM_SITE)

/* Sharing: one more holder of an object the caller can read.  The share
 * is read like a borrow (mm_get, mm_data) and given back with mm_unshare.
 * rc: the count rises by one, and the last holder frees; gc: a copy of the
 * pointer; manual: a borrow in effect, the one designated owner frees (so
 * a share must end before the owner drops); own: a counted shared borrow,
 * so the owner cannot drop or move the object while it is shared.  See
 * docs/models.md. */
#define mm_share(c, ref) mm_share_at((c), (ref), MM_SITE)
#define mm_unshare(c, shared) mm_unshare_at((c), (shared), MM_SITE)
/* A second owner of the object (Rc::clone): only under a model whose
 * mm_model_ops says strong_cycles (rc counts it, gc copies the pointer);
 * manual and own panic.  Use mm_clone_to for the borrow checker. */
#define mm_clone(c, ref) mm_clone_at((c), (ref), MM_SITE)

/* The payload bytes after the slots of an object of the given type (gc
 * objects carry no header, so the caller names the type; own checks it). */
#define mm_data(c, ref, type) mm_data_at((c), (ref), (type), MM_SITE)
#define mm_data_mut(c, mut, type) mm_data_mut_at((c), (mut), (type), MM_SITE)

/* A step of the workload's own work ended (for step latency). */
static inline void mm_step(struct mm_ctx *c)
{
	if (c->timed)
		c->probe->step(c->probe_state, clock_now_ns());
}

/* The capability-checked forms (mm_new_to, mm_end_of, ...) and scopes. */
#include "mm_scope.h"

static inline void mm_clone_to_at(struct mm_ctx *c, mm_ref r, mm_own *out, const char *f, int l)
	MM_ACQUIRES(*out) MM_NO_CAP_CHECK
{
	*out = mm_clone_at(c, r, f, l);
}
#define mm_clone_to(c, ref, out) mm_clone_to_at((c), (ref), (out), MM_SITE)

#endif
