/* tree_free.c — the O(1)-space fallback for dropping a subtree, and the
 * walk of tree_free.h over the context's types.
 *
 * Pointer reversal (Deutsch-Schorr-Waite, specialised to freeing): on the
 * way down, the slot we descend through holds the way back up and
 * finished slots are zeroed, so on climbing back into a node its first
 * occupied strong slot is the one leading up.  The root's way up is a
 * sentinel word that no real slot holds (an address of ours), which keeps
 * that rule true at the top.
 */
#include "tree_free.h"

static char sentinel_byte;

static uint64_t sentinel(void)
{
	return (uint64_t)(uintptr_t)&sentinel_byte;
}

/* The slot word that leads to node on the way back up. */
static uint64_t word_of(uintptr_t node)
{
	return (uint64_t)node;
}

static tree_word *slots_of(uintptr_t node)
{
	return (tree_word *)(void *)(tree_obj(node) + 1);
}

static const struct mm_type *type_of(struct mm_ctx *c, uintptr_t node, enum tree_kind kind)
{
	const struct mm_hdr *h = tree_obj(node);
	return &c->types[kind == TREE_OWN ? OWN_TYPE_OF(h) : h->type];
}

/* Index of the first non-zero strong slot, or -1. */
static int first_occupied(const tree_word *s, uint64_t strong)
{
	for (; strong; strong &= strong - 1) {
		int i = __builtin_ctzll(strong);
		if (s[i] != 0)
			return i;
	}
	return -1;
}

static void check_unborrowed(struct mm_ctx *c, uintptr_t node, enum tree_kind kind,
			     const char *f, int l)
{
	if (kind == TREE_OWN)
		own_check_unborrowed(c, tree_obj(node), f, l);
}

static void release(struct mm_ctx *c, uintptr_t node, enum tree_kind kind)
{
	const struct mm_type *t = type_of(c, node, kind);
	size_t size = mm_type_size(t, sizeof(struct mm_hdr));
	struct mm_hdr *obj = tree_obj(node);
	if (kind == TREE_OWN)
		own_retire(c, obj->aux, OWN_ENTRY_OF(c, obj));
	mm_bytes_free(c, obj, size);
}

void tree_reverse_free(struct mm_ctx *c, uintptr_t root, enum tree_kind kind, const char *f,
		       int l)
{
	const uint64_t top = sentinel();
	uint64_t parent = top;
	uintptr_t cur = root;
	check_unborrowed(c, root, kind, f, l);

	for (;;) {
		tree_word *s = slots_of(cur);
		int i = first_occupied(s, mm_type_strong(type_of(c, cur, kind)));
		if (i >= 0) {
			uintptr_t child = (uintptr_t)s[i];
			if (kind == TREE_COUNTED && --tree_obj(child)->aux != 0) {
				if (c->m_cycles != NULL) /* rc's cycle collector is on */
					rc_cycle_candidate(c, tree_obj(child));
				s[i] = 0; /* still owned elsewhere */
				continue;
			}
			check_unborrowed(c, child, kind, f, l);
			s[i] = parent; /* descend, leaving the way back */
			parent = word_of(cur);
			cur = child;
			continue;
		}
		release(c, cur, kind);
		if (parent == top)
			return;
		/* climb: the parent's first occupied strong slot leads up */
		uintptr_t up_node = (uintptr_t)parent;
		tree_word *ps = slots_of(up_node);
		int j = first_occupied(ps, mm_type_strong(type_of(c, up_node, kind)));
		uint64_t up = ps[j];
		ps[j] = 0;
		cur = up_node;
		parent = up;
	}
}

void tree_free_manual(struct mm_ctx *c, uintptr_t root, const char *f, int l)
{
	tree_free_walk(c, root, c->types, c->ntypes, TREE_PTR, f, l);
}

void tree_free_rc(struct mm_ctx *c, uintptr_t root, const char *f, int l)
{
	tree_free_walk(c, root, c->types, c->ntypes, TREE_COUNTED, f, l);
}

void tree_free_own(struct mm_ctx *c, uintptr_t root, const char *f, int l)
{
	tree_free_walk(c, root, c->types, c->ntypes, TREE_OWN, f, l);
}
