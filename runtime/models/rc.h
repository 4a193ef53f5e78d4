/* rc.h — the reference-counting model with ownership transfer.
 *
 * The header's aux word is the count.  mm_new starts it at 1; a move into
 * a slot transfers that +1 (no count traffic); borrows and weak slots are
 * uncounted.  mm_drop releases: at zero the object and every strong child
 * whose count also reaches zero are freed, timed as one CASCADE pause.
 * Objects still counted when the workload ends are reported as leaked.
 */
#ifndef MM_MODELS_RC_H
#define MM_MODELS_RC_H

#include <string.h>

#define PTR_HDR sizeof(struct mm_hdr)
#include "ptr.h"
#include "ptr_free.h"

__attribute__((warn_unused_result)) static inline mm_own
mm_new_at(struct mm_ctx *c, const struct mm_type *t, const char *f, int l)
{
	(void)f, (void)l;
	size_t n = mm_type_size(t, sizeof(struct mm_hdr));
	struct mm_hdr *h = mm_bytes_alloc(c, n);
	h->type = t->id;
	h->aux = 1;
	memset(h + 1, 0, n - sizeof *h);
	return (mm_own)(void *)h;
}

static inline void mm_drop_at(struct mm_ctx *c, mm_own o, const char *f, int l)
{
	(void)f, (void)l;
	if (o == NULL)
		return;
	struct mm_hdr *h = (struct mm_hdr *)(void *)o;
	if (--h->aux != 0)
		return;
	mm_pause_begin(c, PROBE_PAUSE_CASCADE);
	mm_note_peak(c);
	c->free_tree(c, (uintptr_t)o, f, l);
	mm_pause_end(c, PROBE_PAUSE_CASCADE);
}

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

/* The release cascade specialised to a workload's types (see ptr_free.h). */
#define MM_FREE_TREE_FN(name, types, n)                                         \
	static void name(struct mm_ctx *c, uintptr_t root, const char *f, int l) \
	{                                                                        \
		(void)f, (void)l;                                                \
		ptr_free_walk(c, (struct mm_obj *)root, types, n, true);         \
	}

#endif
