/* tree_free.h — freeing an owned subtree without recursion, for every
 * model that frees by hand (manual, rc and own).
 *
 * One walk, tree_free_walk, over three kinds of node, each an object's
 * address: plain (manual), counted (rc: a child is visited only when its
 * count drops to zero) and own's (each object's table entry is checked
 * unborrowed and retired, which makes every stale handle a caught
 * error).  The kind is a constant at every call, so each instantiation
 * compiles to the walk written for that model alone.  Workload builds
 * instantiate it with their own const type table (MM_FREE_TREE_FN in the
 * model headers): for a workload with one type the node's slot count,
 * weak mask and size are constants and the walk is as tight as a
 * hand-written free.
 *
 * The walk: pop a node, remember its strong children, free it.  Slot 0's
 * child is visited next, the others wait on a small stack on the C stack;
 * a subtree that would overflow it goes to tree_reverse_free, which needs
 * O(1) space (pointer reversal), so any depth and width is fine.  Nodes
 * are freed parent first (pre-order): with glibc this measured about 19%
 * faster than freeing children first (docs/performance.md).
 */
#ifndef MM_MODELS_TREE_FREE_H
#define MM_MODELS_TREE_FREE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "own_table.h"
#include "rc_cycles.h"
#include "runtime/api/mm_ctx.h"

enum tree_kind {
	TREE_PTR,     /* manual: a slot holds the child's address */
	TREE_COUNTED, /* rc: the same, and the child's header counts owners */
	TREE_OWN,     /* own: the same, and each object's table entry is retired */
};

enum { TREE_STACK_SLOTS = 256 };

/* A slot as one word, whatever the model stores there (a pointer, or an
 * own handle): may_alias, since the models write slots with those types. */
typedef uint64_t __attribute__((may_alias)) tree_word;
_Static_assert(sizeof(void *) == sizeof(tree_word), "a slot is one word in every model");

/* The O(1)-space fallback: pointer reversal (tree_free.c).  node is an
 * object address; file:line is the drop's, for own's reports. */
void tree_reverse_free(struct mm_ctx *c, uintptr_t node, enum tree_kind kind, const char *f,
		       int l);

/* The walk over the context's types, for callers that are not a
 * workload build: each model's generic free_tree. */
void tree_free_manual(struct mm_ctx *c, uintptr_t root, const char *f, int l);
void tree_free_rc(struct mm_ctx *c, uintptr_t root, const char *f, int l);
void tree_free_own(struct mm_ctx *c, uintptr_t root, const char *f, int l);

/* The object a node (a strong slot's word) names; 0 is none. */
static inline __attribute__((always_inline)) struct mm_hdr *tree_obj(uintptr_t node)
{
	return (struct mm_hdr *)node;
}

/* The subtree free specialised to a workload's types: the model header
 * defines MM_TREE_KIND before including this one. */
#define MM_FREE_TREE_FN(name, types, n)                                         \
	static void name(struct mm_ctx *c, uintptr_t root, const char *f, int l) \
	{                                                                        \
		tree_free_walk(c, root, types, n, MM_TREE_KIND, f, l);           \
	}

static inline __attribute__((always_inline)) void
tree_free_walk(struct mm_ctx *c, uintptr_t root, const struct mm_type *types, uint32_t ntypes,
	       const enum tree_kind kind, const char *f, int l)
{
	uintptr_t stack[TREE_STACK_SLOTS];
	unsigned n = 0;
	uintptr_t node = root;
	uint64_t freed = 0, bytes = 0;
	const bool direct = c->free_direct; /* free() is opaque: keep it local */

	for (;;) {
		struct own_entry *e = NULL;
		struct mm_hdr *h = tree_obj(node);
		if (kind == TREE_OWN) {
			/* no node freed may be borrowed (the root passes twice) */
			own_check_unborrowed(c, h, f, l);
			e = OWN_ENTRY_OF(c, h);
		}
		/* own keeps the borrow count in the type word's high half */
		const struct mm_type *t =
			&types[ntypes == 1 ? 0 : kind == TREE_OWN ? OWN_TYPE_OF(h) : h->type];
		const tree_word *s = (const tree_word *)(void *)(h + 1);
		uintptr_t next = 0;
		/* unrolled, so a workload's constant slot count leaves no loop */
		_Pragma("GCC unroll 8")
		for (unsigned i = t->nslots; i-- > 0;) {
			uintptr_t child = (uintptr_t)s[i];
			if (child == 0 || ((t->weak >> i) & 1))
				continue;
			if (kind == TREE_COUNTED && --((struct mm_hdr *)child)->aux != 0) {
				/* rc's cycle collector, when on, buffers the survivor */
				if (__builtin_expect(c->m_cycles != NULL, 0))
					rc_cycle_candidate(c, (struct mm_hdr *)child);
				continue;
			}
			if (next != 0) {
				if (__builtin_expect(n < TREE_STACK_SLOTS, 1))
					stack[n++] = next;
				else if (kind == TREE_OWN) /* only own reports a site */
					tree_reverse_free(c, next, kind, f, l);
				else
					tree_reverse_free(c, next, kind, NULL, 0);
			}
			next = child;
		}
		size_t size = mm_type_size(t, sizeof(struct mm_hdr));
		void *obj = kind == TREE_OWN ? own_retire(c, h->aux, e) : (void *)h;
		freed++;
		bytes += size;
		if (__builtin_expect(direct, 1))
			free(obj);
		else
			c->alloc->free(c->alloc_state, obj, size);
		if (next != 0)
			node = next;
		else if (n > 0)
			node = stack[--n];
		else
			break;
	}
	c->frees += freed;
	c->live_bytes -= bytes;
}

#endif
