/* rc.h — the reference-counting model with ownership transfer.
 *
 * The header's aux word is the count.  mm_new starts it at 1; a move into
 * a slot transfers that +1 (no count traffic); borrows and weak slots are
 * uncounted.  mm_drop releases: at zero the object and every strong child
 * whose count also reaches zero are freed, timed as one CASCADE pause.
 * Objects still counted when the workload ends are reported as leaked:
 * garbage cycles, unless the cycle collector runs (-m rc:cycles=1,
 * rc_cycles.h).  mm_share adds a holder (PTR_COUNTED).
 */
#ifndef MM_MODELS_RC_H
#define MM_MODELS_RC_H

#include <string.h>

#define PTR_HDR sizeof(struct mm_hdr)
#define MM_TREE_KIND TREE_COUNTED
#define PTR_COUNTED 1
#include "ptr.h"
#include "rc_cycles.h"
#include "tree_free.h"

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
	if (o == NULL)
		return;
	struct mm_hdr *h = (struct mm_hdr *)(void *)o;
	if (--h->aux != 0) {
		if (__builtin_expect(c->m_cycles != NULL, 0)) {
			rc_cycle_candidate(c, h);
			rc_cycle_poll(c);
		}
		return;
	}
	mm_pause_begin(c, PROBE_PAUSE_CASCADE);
	mm_note_peak(c);
	c->free_tree(c, (uintptr_t)o, f, l);
	mm_pause_end(c, PROBE_PAUSE_CASCADE);
	rc_cycle_poll(c);
}

MM_MODEL_OPS(.summary = "reference counting: ownership moves, release cascades at zero",
	     .pause = PROBE_PAUSE_CASCADE, .takes_allocator = true, .counts_live = true,
	     .heap = mm_model_allocator_heap, .free_tree = tree_free_rc,
	     .init = rc_model_init, .fini = rc_model_fini, .end = rc_model_end,
	     .takes_options = true, .strong_cycles = true,
	     .options_help = "cycles=0|1,cycle_buffer=N: trial-deletion cycle collector")

#endif
