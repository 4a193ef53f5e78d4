/* manual.h — the malloc/free model: the owner frees.
 *
 * mm_new takes bytes from the context's allocator; moving into a slot is a
 * plain store; mm_drop frees the whole owned subtree (strong slots only),
 * timed as one FREE pause.  Weak slots are raw pointers that may dangle.
 * own_unchecked.h is this model with own's handle types (PTR_TYPED) and
 * its pause kind (MANUAL_PAUSE): the code it compiles to is this one.
 */
#ifndef MM_MODELS_MANUAL_H
#define MM_MODELS_MANUAL_H

#include <string.h>

#ifndef MANUAL_PAUSE
#define MANUAL_PAUSE PROBE_PAUSE_FREE
#endif

#define PTR_HDR sizeof(struct mm_hdr)
#define MM_TREE_KIND TREE_PTR
#include "ptr.h"
#include "tree_free.h"

__attribute__((warn_unused_result)) static inline mm_own
mm_new_at(struct mm_ctx *c, const struct mm_type *t, const char *f, int l) MM_NO_CAP_CHECK
{
	(void)f, (void)l;
	size_t n = mm_type_size(t, sizeof(struct mm_hdr));
	struct mm_hdr *h = mm_bytes_alloc(c, n);
	h->type = t->id;
	h->aux = 0;
	memset(h + 1, 0, n - sizeof *h);
	return PTR_AS(mm_own, (struct mm_obj *)(void *)h);
}

static inline void mm_drop_at(struct mm_ctx *c, mm_own o, const char *f, int l) MM_NO_CAP_CHECK
{
	if (PTR_OF(o) == NULL)
		return;
	mm_pause_begin(c, MANUAL_PAUSE);
	mm_note_peak(c);
	c->free_tree(c, (uintptr_t)PTR_OF(o), f, l);
	mm_pause_end(c, MANUAL_PAUSE);
}

#if !PTR_TYPED
MM_MODEL_OPS(.summary = "malloc/free discipline: the owner frees its subtree",
	     .pause = PROBE_PAUSE_FREE, .takes_allocator = true, .counts_live = true,
	     .records = true, .heap = mm_model_allocator_heap, .free_tree = tree_free_manual)
#endif

#endif
