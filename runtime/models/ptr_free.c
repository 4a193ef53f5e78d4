/* ptr_free.c — the O(1)-space fallback for dropping a pointer subtree,
 * and the walk of ptr_free.h over the context's types.
 *
 * Pointer reversal (Deutsch-Schorr-Waite, specialised to freeing): on the
 * way down, the slot we descend through holds the way back up and
 * finished slots are nulled, so on climbing back into a node its first
 * occupied strong slot is the one leading up.  The root's way up is a
 * sentinel, never NULL, which keeps that rule true at the top.
 */
#include "ptr_free.h"

#include "runtime/api/mm_type.h"

static char sentinel_byte;
#define SENTINEL ((struct mm_obj *)(void *)&sentinel_byte)

static struct mm_obj **slots_of(struct mm_obj *o)
{
	return (struct mm_obj **)(void *)((char *)o + sizeof(struct mm_hdr));
}

static struct mm_hdr *hdr_of(struct mm_obj *o)
{
	return (struct mm_hdr *)(void *)o;
}

static const struct mm_type *type_of(const struct mm_ctx *c, struct mm_obj *o)
{
	return &c->types[hdr_of(o)->type];
}

/* Index of the first non-null strong slot, or -1. */
static int first_occupied(struct mm_obj *o, uint64_t strong)
{
	struct mm_obj **s = slots_of(o);
	for (; strong; strong &= strong - 1) {
		int i = __builtin_ctzll(strong);
		if (s[i] != NULL)
			return i;
	}
	return -1;
}

/* The O(1)-space fallback: pointer reversal. */
void ptr_reverse_free(struct mm_ctx *c, struct mm_obj *root, bool counted)
{
	struct mm_obj *parent = SENTINEL;
	struct mm_obj *cur = root;

	for (;;) {
		const struct mm_type *t = type_of(c, cur);
		int i = first_occupied(cur, mm_type_strong(t));
		if (i >= 0) {
			struct mm_obj **s = slots_of(cur);
			struct mm_obj *child = s[i];
			if (counted && --hdr_of(child)->aux != 0) {
				s[i] = NULL; /* still owned elsewhere */
				continue;
			}
			s[i] = parent; /* descend, leaving the way back */
			parent = cur;
			cur = child;
			continue;
		}
		mm_bytes_free(c, cur, mm_type_size(t, sizeof(struct mm_hdr)));
		if (parent == SENTINEL)
			return;
		/* climb: the parent's first occupied strong slot leads up */
		struct mm_obj **ps = slots_of(parent);
		int j = first_occupied(parent, mm_type_strong(type_of(c, parent)));
		struct mm_obj *up = ps[j];
		ps[j] = NULL;
		cur = parent;
		parent = up;
	}
}

void ptr_free_tree(struct mm_ctx *c, struct mm_obj *root, bool counted)
{
	if (counted)
		ptr_free_walk(c, root, c->types, c->ntypes, true);
	else
		ptr_free_walk(c, root, c->types, c->ntypes, false);
}
