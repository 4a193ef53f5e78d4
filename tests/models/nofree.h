/* nofree.h — a test-only model: manual allocation, and drops that free
 * nothing, so every object is still live at the end and reported leaked.
 *
 * It exists to prove that adding a model takes this one header and one
 * line in tests/models/list.h: the tmodel build lists it, runs every
 * workload under it, and shows it in `mmlab list` and matrix.
 */
#ifndef MM_TESTS_MODELS_NOFREE_H
#define MM_TESTS_MODELS_NOFREE_H

#include <string.h>

#define PTR_HDR sizeof(struct mm_hdr)
#include "runtime/models/ptr.h"

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
	(void)f, (void)l, (void)o;
	mm_note_peak(c);
}

/* Drops free nothing, so there is no subtree free to specialise. */
#define MM_FREE_TREE_FN(name, types, n)                                         \
	static void name(struct mm_ctx *c, uintptr_t root, const char *f, int l) \
	{                                                                        \
		(void)c, (void)root, (void)f, (void)l;                           \
	}

MM_MODEL_OPS(.summary = "test-only: manual allocation, drops free nothing (all leaks)",
	     .pause = PROBE_PAUSE_FREE, .takes_allocator = true, .counts_live = true,
	     .heap = mm_model_allocator_heap)

#endif
