/* own_decl.h — the own API as declarations only, for gcc -fanalyzer.
 *
 * Handles are pointers here and nothing is defined, so gcc's static
 * analyzer sees mm_new and mm_take as allocators whose results are ended
 * by mm_drop, or moved by mm_set_owned / mm_set (attribute malloc with a
 * deallocator): a handle that is neither is a leak, one dropped twice a
 * double free.  Never linked: `make analyze` only compiles against it
 * (tests/analyze/module.mk).  docs/ownership.md says what it misses.
 */
#ifndef MM_TESTS_ANALYZE_OWN_DECL_H
#define MM_TESTS_ANALYZE_OWN_DECL_H

#include <stddef.h>

#include "runtime/api/mm_ctx.h"

struct mm_obj;
typedef struct mm_obj *mm_own;
typedef struct mm_obj *mm_ref;
typedef struct mm_obj *mm_mut;
typedef struct mm_obj *mm_weak;

#define mm_is_null(h) ((h) == NULL)
#define MM_NULL NULL

void mm_drop_at(struct mm_ctx *c, mm_own o, const char *f, int l);
void mm_set_owned_at(struct mm_ctx *c, mm_own p, unsigned slot, mm_own child, const char *f,
		     int l);
void mm_set_at(struct mm_ctx *c, mm_mut p, unsigned slot, mm_own child, const char *f, int l);

#define OWN_DECL_OWNED                                                               \
	__attribute__((warn_unused_result, malloc, malloc(mm_drop_at, 2),            \
		       malloc(mm_set_owned_at, 4), malloc(mm_set_at, 4)))

OWN_DECL_OWNED mm_own mm_new_at(struct mm_ctx *c, const struct mm_type *t, const char *f,
				int l);
OWN_DECL_OWNED mm_own mm_take_at(struct mm_ctx *c, mm_mut p, unsigned slot, const char *f,
				 int l);

mm_ref mm_borrow_at(struct mm_ctx *c, mm_own o, const char *f, int l);
mm_mut mm_borrow_mut_at(struct mm_ctx *c, mm_own o, const char *f, int l);
void mm_end_at(struct mm_ctx *c, mm_ref r, const char *f, int l);
void mm_end_mut_at(struct mm_ctx *c, mm_mut m, const char *f, int l);
mm_ref mm_get_at(struct mm_ctx *c, mm_ref p, unsigned slot, const char *f, int l);
mm_mut mm_get_mut_at(struct mm_ctx *c, mm_mut p, unsigned slot, const char *f, int l);
mm_weak mm_downgrade_at(struct mm_ctx *c, mm_ref r, const char *f, int l);
mm_ref mm_upgrade_at(struct mm_ctx *c, mm_weak w, const char *f, int l);
void mm_set_weak_at(struct mm_ctx *c, mm_mut p, unsigned slot, mm_weak w, const char *f, int l);
mm_weak mm_get_weak_at(struct mm_ctx *c, mm_ref p, unsigned slot, const char *f, int l);
const void *mm_data_at(struct mm_ctx *c, mm_ref r, const struct mm_type *t, const char *f,
		       int l);
void *mm_data_mut_at(struct mm_ctx *c, mm_mut m, const struct mm_type *t, const char *f, int l);

/* Sharing: a share is read like a borrow; a clone is a new
 * owner, which the analyzer tracks like mm_new's. */
typedef struct mm_obj *mm_shared;
mm_shared mm_share_at(struct mm_ctx *c, mm_ref r, const char *f, int l);
void mm_unshare_at(struct mm_ctx *c, mm_shared s, const char *f, int l);
OWN_DECL_OWNED mm_own mm_clone_at(struct mm_ctx *c, mm_ref r, const char *f, int l);

/* WL_DEFINE names a specialised subtree free; there is none here. */
#define MM_FREE_TREE_FN(name, types, n) static const mm_free_tree_fn name = NULL;

#endif
