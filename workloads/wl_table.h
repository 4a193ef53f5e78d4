/* wl_table.h — an owned table for the workloads' long-lived objects: a
 * radix tree of 64-slot table nodes whose leaves own the objects, indexed
 * 0 .. 64^levels - 1.
 *
 * Why a table: under own an object has one owner, and a linked structure
 * written through weak links (an LRU list, a graph) can only be changed
 * through a mutable borrow that reaches the object from an owner: the
 * table is that owner.  Under gc it also keeps every long-lived object
 * where Boehm sees it.  Every model runs the same code, so the walks cost
 * the same everywhere.  A path records the borrows taken on the way down;
 * wl_path_end / wl_mpath_end end them in reverse, as own requires.
 * Include after runtime/api/mm.h; the workload declares WL_TAB_TYPE.
 */
#ifndef WL_TABLE_H
#define WL_TABLE_H

#include <stdint.h>

#define WL_TAB_TYPE(id_) { .name = "table", .id = (id_), .nslots = 64, .payload = 0, .weak = 0 }

enum { WL_TAB_MAX_LEVELS = 5 };

struct wl_tab {
	const struct mm_type *type;
	unsigned levels; /* node levels on a path, the root's included */
};

struct wl_path {
	mm_ref r[WL_TAB_MAX_LEVELS + 1];
	unsigned n;
};

struct wl_mpath {
	mm_mut m[WL_TAB_MAX_LEVELS + 1];
	unsigned n;
};

static inline struct wl_tab wl_tab_for(const struct mm_type *type, uint64_t capacity)
{
	struct wl_tab t = { type, 1 };
	for (uint64_t n = 64; n < capacity && t.levels < WL_TAB_MAX_LEVELS; n *= 64)
		t.levels++;
	return t;
}

static inline unsigned wl_tab_digit(const struct wl_tab *t, uint64_t i, unsigned level)
{
	return (unsigned)(i >> (6 * (t->levels - 1 - level))) & 63;
}

static inline void wl_path_end(struct mm_ctx *c, struct wl_path *p)
{
	while (p->n > 0)
		mm_end(c, p->r[--p->n]);
}

static inline void wl_mpath_end(struct mm_ctx *c, struct wl_mpath *p)
{
	while (p->n > 0)
		mm_end_mut(c, p->m[--p->n]);
}

/* A shared borrow of object i (null when absent), kept in p with the
 * nodes above it until wl_path_end. */
static inline mm_ref wl_tab_get(struct mm_ctx *c, const struct wl_tab *t, mm_ref root, uint64_t i,
				struct wl_path *p)
{
	mm_ref cur = root;
	p->n = 0;
	for (unsigned lv = 0; lv < t->levels; lv++) {
		mm_ref nx = mm_get(c, cur, wl_tab_digit(t, i, lv));
		if (mm_is_null(nx))
			return nx;
		p->r[p->n++] = nx;
		cur = nx;
	}
	return cur;
}

/* The leaf node that holds object i, mutably (created when create is set;
 * null when absent and not created). */
static inline mm_mut wl_tab_leaf(struct mm_ctx *c, const struct wl_tab *t, mm_mut root,
				 uint64_t i, struct wl_mpath *p, bool create)
{
	mm_mut cur = root;
	p->n = 0;
	for (unsigned lv = 0; lv + 1 < t->levels; lv++) {
		unsigned d = wl_tab_digit(t, i, lv);
		mm_mut nx = mm_get_mut(c, cur, d);
		if (mm_is_null(nx)) {
			if (!create)
				return nx;
			mm_own node;
			mm_new_to(c, t->type, &node);
			mm_set(c, cur, d, node);
			nx = mm_get_mut(c, cur, d);
		}
		p->m[p->n++] = nx;
		cur = nx;
	}
	return cur;
}

/* A mutable borrow of object i (null when absent), kept in p. */
static inline mm_mut wl_tab_mut(struct mm_ctx *c, const struct wl_tab *t, mm_mut root, uint64_t i,
				struct wl_mpath *p)
{
	mm_mut leaf = wl_tab_leaf(c, t, root, i, p, false);
	if (mm_is_null(leaf))
		return leaf;
	mm_mut o = mm_get_mut(c, leaf, wl_tab_digit(t, i, t->levels - 1));
	if (!mm_is_null(o))
		p->m[p->n++] = o;
	return o;
}

/* Move obj into place i (dropping what was there). */
static inline void wl_tab_put(struct mm_ctx *c, const struct wl_tab *t, mm_mut root, uint64_t i,
			      mm_own obj) MM_RELEASES(obj)
{
	struct wl_mpath p;
	mm_mut leaf = wl_tab_leaf(c, t, root, i, &p, true);
	mm_set(c, leaf, wl_tab_digit(t, i, t->levels - 1), obj);
	wl_mpath_end(c, &p);
}

/* Move object i out of the table into *out (null when absent). */
static inline void wl_tab_take(struct mm_ctx *c, const struct wl_tab *t, mm_mut root, uint64_t i,
			       mm_own *out) MM_ACQUIRES(*out)
{
	struct wl_mpath p;
	mm_mut leaf = wl_tab_leaf(c, t, root, i, &p, true);
	mm_take_to(c, leaf, wl_tab_digit(t, i, t->levels - 1), out);
	wl_mpath_end(c, &p);
}

#endif
