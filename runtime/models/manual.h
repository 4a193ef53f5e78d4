/* manual.h — the malloc/free model: the owner frees.
 *
 * mm_new takes bytes from the context's allocator; moving into a slot is a
 * plain store; mm_drop frees the whole owned subtree (strong slots only),
 * timed as one FREE pause.  Weak slots are raw pointers that may dangle.
 */
#ifndef MM_MODELS_MANUAL_H
#define MM_MODELS_MANUAL_H

#include <string.h>

#define PTR_HDR sizeof(struct mm_hdr)
#define MM_TREE_KIND TREE_PTR
#include "ptr.h"
#include "tree_free.h"

__attribute__((warn_unused_result)) static inline mm_own
mm_new_at(struct mm_ctx *c, const struct mm_type *t, const char *f, int l)
{
	(void)f, (void)l;
	size_t n = mm_type_size(t, sizeof(struct mm_hdr));
	struct mm_hdr *h = mm_bytes_alloc(c, n);
	h->type = t->id;
	h->aux = 0;
	memset(h + 1, 0, n - sizeof *h);
	return (mm_own)(void *)h;
}

static inline void mm_drop_at(struct mm_ctx *c, mm_own o, const char *f, int l)
{
	if (o == NULL)
		return;
	mm_pause_begin(c, PROBE_PAUSE_FREE);
	mm_note_peak(c);
	c->free_tree(c, (uintptr_t)o, f, l);
	mm_pause_end(c, PROBE_PAUSE_FREE);
}

MM_MODEL_OPS(.summary = "malloc/free discipline: the owner frees its subtree",
	     .pause = PROBE_PAUSE_FREE, .takes_allocator = true, .counts_live = true,
	     .records = true, .heap = mm_model_allocator_heap, .free_tree = tree_free_manual)

#endif
