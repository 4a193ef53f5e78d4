/* lru_cache.c — a cache in front of a slow backend: a hash map plus a
 * doubly linked recency list, under Zipf-distributed gets and puts.
 *
 * Entries live in an owned table (wl_table.h); the recency list links them
 * through weak slots (prev and next: the table owns the entries, the list
 * only orders them), and eviction walks the tail's weak prev link.  Each
 * value is a small tree of mixed-size nodes (16 to 240 byte leaves) that a
 * hit *shares* with the request reading it (mm_share: under rc the count
 * is 2 while the request reads).  A step is one request: a get (a miss
 * fetches and inserts, evicting the least recently used entry when full)
 * or, one time in ten, a put that replaces a value.  The hash map, the
 * free slots and the list's ends are plain C integers: bookkeeping, not
 * heap objects.  Invariant: the checksum folds every key, hit and value
 * read, so it is the same under every model and allocator.
 */
#include "runtime/api/mm.h"
#include "workload.h"
#include "wl_table.h"
#include "wl_zipf.h"

enum { LRU_TAB, LRU_ENTRY, LRU_VNODE, LRU_L16, LRU_L48, LRU_L112, LRU_L240 };
enum { E_VALUE, E_PREV, E_NEXT };
enum { V_LEAF, V_REST };

static const struct mm_type lru_types[] = {
	[LRU_TAB] = WL_TAB_TYPE(LRU_TAB),
	[LRU_ENTRY] = { .name = "entry", .id = LRU_ENTRY, .nslots = 3, .payload = 16,
			.weak = (1u << E_PREV) | (1u << E_NEXT) },
	[LRU_VNODE] = { .name = "vnode", .id = LRU_VNODE, .nslots = 2, .payload = 16, .weak = 0 },
	[LRU_L16] = { .name = "leaf16", .id = LRU_L16, .nslots = 0, .payload = 16, .weak = 0 },
	[LRU_L48] = { .name = "leaf48", .id = LRU_L48, .nslots = 0, .payload = 48, .weak = 0 },
	[LRU_L112] = { .name = "leaf112", .id = LRU_L112, .nslots = 0, .payload = 112, .weak = 0 },
	[LRU_L240] = { .name = "leaf240", .id = LRU_L240, .nslots = 0, .payload = 240, .weak = 0 },
};

enum { P_CAPACITY, P_OPS, P_MIN, P_MAX, P_SKEW };
static const struct wl_param lru_params[] = {
	{ "capacity", 1000, 1, 1 << 26, "entries the cache holds (keys: 4x capacity)", 0 },
	{ "ops", 20000, 0, (int64_t)1 << 40, "requests (gets and puts), one step each", 0 },
	{ "min_size", 16, 16, 1 << 20, "smallest value, payload bytes", 0 },
	{ "max_size", 512, 16, 1 << 20, "largest value, payload bytes", 0 },
	{ "skew", 99, 0, 300, "Zipf exponent s, in hundredths (99: s = 0.99)", 0 },
};

/* The checksum at the default parameters and seed 1, on every model. */
static const uint64_t lru_reference = 0xfbc934648fad9a0eull;

struct entry_data {
	uint64_t key, id;
};

struct vnode_data {
	uint64_t leaf_type, tag;
};

struct lru {
	struct wl_tab tab;
	uint64_t cap, nkeys, count;
	int64_t head, tail; /* entry ids, -1: none */
	int64_t *prev, *next;
	mm_weak *wk;        /* each live entry's weak handle */
	uint64_t *free_ids; /* a stack */
	uint64_t nfree;
	uint64_t *hkey; /* open addressing, linear probing: key+1, 0 empty */
	uint64_t *hid;
	uint64_t hmask;
	uint64_t rng;
};

static uint64_t hash_key(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	return k ^ (k >> 33);
}

static int64_t map_find(const struct lru *s, uint64_t key)
{
	for (uint64_t i = hash_key(key) & s->hmask;; i = (i + 1) & s->hmask) {
		if (s->hkey[i] == 0)
			return -1;
		if (s->hkey[i] == key + 1)
			return (int64_t)s->hid[i];
	}
}

static void map_put(struct lru *s, uint64_t key, uint64_t id)
{
	uint64_t i = hash_key(key) & s->hmask;
	while (s->hkey[i] != 0)
		i = (i + 1) & s->hmask;
	s->hkey[i] = key + 1;
	s->hid[i] = id;
}

/* Backward-shift deletion keeps every probe chain unbroken. */
static void map_del(struct lru *s, uint64_t key)
{
	uint64_t i = hash_key(key) & s->hmask;
	while (s->hkey[i] != key + 1)
		i = (i + 1) & s->hmask;
	for (uint64_t j = (i + 1) & s->hmask; s->hkey[j] != 0; j = (j + 1) & s->hmask) {
		uint64_t home = hash_key(s->hkey[j] - 1) & s->hmask;
		if (((j - home) & s->hmask) >= ((j - i) & s->hmask)) {
			s->hkey[i] = s->hkey[j];
			s->hid[i] = s->hid[j];
			i = j;
		}
	}
	s->hkey[i] = 0;
}

static unsigned leaf_for(uint64_t remaining)
{
	if (remaining >= 240)
		return LRU_L240;
	if (remaining >= 112)
		return LRU_L112;
	if (remaining >= 48)
		return LRU_L48;
	return LRU_L16;
}

/* A value of about `size` payload bytes: a chain of nodes, each owning one
 * leaf of the largest size that fits, into *out. */
static void value_make(struct mm_ctx *c, uint64_t size, uint64_t *rng, mm_own *out)
	MM_ACQUIRES(*out)
{
	const struct mm_type *lt = &lru_types[leaf_for(size)];
	uint64_t used = lru_types[LRU_VNODE].payload + lt->payload;
	uint64_t tag = wl_rand(rng);
	mm_new_to(c, &lru_types[LRU_VNODE], out);
	mm_mut m = mm_borrow_mut(c, *out);
	struct vnode_data *d = mm_data_mut(c, m, &lru_types[LRU_VNODE]);
	d->leaf_type = lt->id;
	d->tag = tag;
	mm_end_mut_of(c, *out, m);

	mm_own leaf;
	mm_new_to(c, lt, &leaf);
	mm_mut lm = mm_borrow_mut(c, leaf);
	uint64_t *w = mm_data_mut(c, lm, lt);
	for (unsigned i = 0; i < lt->payload / 8; i++)
		w[i] = tag + i;
	mm_end_mut_of(c, leaf, lm);
	mm_set_owned(c, *out, V_LEAF, leaf);
	if (size > used) {
		mm_own rest;
		value_make(c, size - used, rng, &rest);
		mm_set_owned(c, *out, V_REST, rest);
	}
}

/* What a request reads of a value: every node's tag and its leaf's words. */
static uint64_t value_read(struct mm_ctx *c, mm_ref v)
{
	uint64_t h = WL_CHECKSUM_SEED;
	const struct vnode_data *d = mm_data(c, v, &lru_types[LRU_VNODE]);
	const struct mm_type *lt = &lru_types[d->leaf_type];
	h = wl_mix(h, d->tag);
	MM_GET_SCOPE(c, v, V_LEAF, leaf) {
		const uint64_t *w = mm_data(c, leaf, lt);
		uint64_t sum = 0;
		for (unsigned i = 0; i < lt->payload / 8; i++)
			sum += w[i];
		h = wl_mix(h, sum);
	}
	MM_GET_SCOPE(c, v, V_REST, rest) {
		if (!mm_is_null(rest))
			h = wl_mix(h, value_read(c, rest));
	}
	return h;
}

static void set_link(struct mm_ctx *c, struct lru *s, mm_mut root, int64_t id, unsigned slot,
		     int64_t to)
{
	struct wl_mpath p;
	mm_mut e = wl_tab_mut(c, &s->tab, root, (uint64_t)id, &p);
	mm_weak none = MM_NULL;
	mm_set_weak(c, e, slot, to < 0 ? none : s->wk[to]);
	wl_mpath_end(c, &p);
}

static void unlink_entry(struct mm_ctx *c, struct lru *s, mm_mut root, int64_t id)
{
	int64_t p = s->prev[id], n = s->next[id];
	if (p >= 0) {
		s->next[p] = n;
		set_link(c, s, root, p, E_NEXT, n);
	} else {
		s->head = n;
	}
	if (n >= 0) {
		s->prev[n] = p;
		set_link(c, s, root, n, E_PREV, p);
	} else {
		s->tail = p;
	}
}

static void push_front(struct mm_ctx *c, struct lru *s, mm_mut root, int64_t id)
{
	s->prev[id] = -1;
	s->next[id] = s->head;
	set_link(c, s, root, id, E_PREV, -1);
	set_link(c, s, root, id, E_NEXT, s->head);
	if (s->head >= 0) {
		s->prev[s->head] = id;
		set_link(c, s, root, s->head, E_PREV, id);
	} else {
		s->tail = id;
	}
	s->head = id;
}

/* The tail's predecessor, read through its weak prev link; -2 when the
 * link disagrees with the bookkeeping (a broken list). */
static int64_t tail_prev(struct mm_ctx *c, struct lru *s, mm_ref root)
{
	struct wl_path p;
	int64_t id = -1;
	mm_ref t = wl_tab_get(c, &s->tab, root, (uint64_t)s->tail, &p);
	mm_ref pr = mm_upgrade(c, mm_get_weak(c, t, E_PREV));
	if (!mm_is_null(pr)) {
		id = (int64_t)((const struct entry_data *)mm_data(c, pr, &lru_types[LRU_ENTRY]))->id;
		mm_end(c, pr);
	}
	wl_path_end(c, &p);
	return id == s->prev[s->tail] ? id : -2;
}

static void evict(struct mm_ctx *c, struct lru *s, mm_mut root)
{
	int64_t id = s->tail;
	mm_own e;
	unlink_entry(c, s, root, id);
	wl_tab_take(c, &s->tab, root, (uint64_t)id, &e);
	uint64_t key = 0;
	MM_BORROW_SCOPE(c, e, r)
		key = ((const struct entry_data *)mm_data(c, r, &lru_types[LRU_ENTRY]))->key;
	mm_drop(c, e);
	map_del(s, key);
	s->free_ids[s->nfree++] = (uint64_t)id;
	s->count--;
}

static uint64_t value_size(struct lru *s, const int64_t *params)
{
	uint64_t lo = (uint64_t)params[P_MIN], hi = (uint64_t)params[P_MAX];
	return lo + wl_below(&s->rng, hi - lo + 1);
}

static void insert(struct mm_ctx *c, struct lru *s, mm_mut root, uint64_t key, uint64_t size)
{
	uint64_t id = s->free_ids[--s->nfree];
	mm_own e, v;
	mm_new_to(c, &lru_types[LRU_ENTRY], &e);
	mm_mut m = mm_borrow_mut(c, e);
	*(struct entry_data *)mm_data_mut(c, m, &lru_types[LRU_ENTRY]) =
		(struct entry_data){ key, id };
	mm_end_mut_of(c, e, m);
	value_make(c, size, &s->rng, &v);
	mm_set_owned(c, e, E_VALUE, v);
	MM_BORROW_SCOPE(c, e, r) /* a weak handle, for its neighbours' links */
		s->wk[id] = mm_downgrade(c, r);
	wl_tab_put(c, &s->tab, root, id, e);
	map_put(s, key, id);
	s->count++;
	push_front(c, s, root, (int64_t)id);
}

static void replace_value(struct mm_ctx *c, struct lru *s, mm_mut root, int64_t id,
			  uint64_t size)
{
	mm_own v;
	value_make(c, size, &s->rng, &v);
	struct wl_mpath p;
	mm_mut e = wl_tab_mut(c, &s->tab, root, (uint64_t)id, &p);
	mm_set(c, e, E_VALUE, v); /* drops the old value */
	wl_mpath_end(c, &p);
}

/* A hit: share the value with the request, which reads it. */
static uint64_t read_shared(struct mm_ctx *c, struct lru *s, mm_ref root, int64_t id)
{
	struct wl_path p;
	mm_shared v = MM_NULL;
	mm_ref e = wl_tab_get(c, &s->tab, root, (uint64_t)id, &p);
	MM_GET_SCOPE(c, e, E_VALUE, val)
		v = mm_share(c, val);
	wl_path_end(c, &p);
	uint64_t h = value_read(c, v);
	mm_unshare(c, v);
	return h;
}

/* The bookkeeping, in context scratch memory (freed with the context). */
static void lru_alloc(struct mm_ctx *c, struct lru *s, uint64_t cap)
{
	s->cap = cap;
	s->nkeys = 4 * cap;
	uint64_t hsize = 1;
	while (hsize < 2 * cap)
		hsize <<= 1;
	s->hmask = hsize - 1;
	s->prev = mm_ctx_scratch(c, cap * sizeof *s->prev);
	s->next = mm_ctx_scratch(c, cap * sizeof *s->next);
	s->wk = mm_ctx_scratch(c, cap * sizeof *s->wk);
	s->free_ids = mm_ctx_scratch(c, cap * sizeof *s->free_ids);
	s->hkey = mm_ctx_scratch(c, hsize * sizeof *s->hkey);
	s->hid = mm_ctx_scratch(c, hsize * sizeof *s->hid);
	for (uint64_t i = 0; i < cap; i++)
		s->free_ids[i] = cap - 1 - i;
	s->nfree = cap;
	s->head = s->tail = -1;
}

static int lru_run(struct mm_ctx *c, struct mm_job *job)
{
	const int64_t *pa = job->params;
	if (pa[P_MIN] > pa[P_MAX])
		return wl_refuse(job, "lru-cache: min_size is above max_size");
	struct lru s = { .rng = job->seed };
	struct wl_zipf z = { 0 };
	s.tab = wl_tab_for(&lru_types[LRU_TAB], (uint64_t)pa[P_CAPACITY]);
	lru_alloc(c, &s, (uint64_t)pa[P_CAPACITY]);
	wl_zipf_init(&z, s.nkeys, (double)pa[P_SKEW] / 100.0);
	uint64_t sum = WL_CHECKSUM_SEED, hits = 0;
	int rc = MM_JOB_OK;
	mm_own root;
	mm_new_to(c, s.tab.type, &root);
	for (int64_t op = 0; op < pa[P_OPS] && rc == MM_JOB_OK; op++) {
		uint64_t key = wl_zipf_draw(&z, &s.rng);
		bool put = wl_below(&s.rng, 10) == 0;
		int64_t id = map_find(&s, key);
		sum = wl_mix(sum, key);
		if (id >= 0 && !put) {
			hits++;
			MM_BORROW_SCOPE(c, root, r)
				sum = wl_mix(sum, read_shared(c, &s, r, id));
		}
		if (id < 0 && s.count == s.cap) {
			MM_BORROW_SCOPE(c, root, r) {
				if (tail_prev(c, &s, r) == -2)
					rc = MM_JOB_FAILED; /* a weak prev link is wrong */
			}
		}
		uint64_t size = id < 0 || put ? value_size(&s, pa) : 0;
		MM_BORROW_MUT_SCOPE(c, root, m) {
			if (id >= 0) {
				if (put)
					replace_value(c, &s, m, id, size);
				if (s.head != id) {
					unlink_entry(c, &s, m, id);
					push_front(c, &s, m, id);
				}
			} else {
				if (s.count == s.cap)
					evict(c, &s, m);
				insert(c, &s, m, key, size);
			}
		}
		mm_step(c);
	}
	mm_drop(c, root);
	sum = wl_mix(wl_mix(sum, hits), s.count);
	wl_print(job, "lru-cache: %lld requests, %llu hits, %llu entries at the end",
		 (long long)pa[P_OPS], (unsigned long long)hits, (unsigned long long)s.count);
	job->checksum = sum;
	job->ops = (uint64_t)pa[P_OPS];
	if (rc != MM_JOB_OK)
		return rc;
	return wl_check_reference(job, lru_params, (unsigned)WL_COUNT(lru_params), lru_reference);
}

WL_DEFINE(lru_cache, "lru-cache",
	  "a hash map and weak-linked recency list; Zipf gets and puts share values",
	  "requests", lru_params, lru_types, lru_run);
