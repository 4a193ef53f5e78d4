/* web_requests.c — a backend service's request loop.
 *
 * Each request builds a short-lived graph: parsed headers (a list of
 * name/value strings) and a JSON-like document tree of `doc` nodes whose
 * leaves are strings of varied sizes (16, 64 or 256 bytes).  It finds its
 * user's session in a long-lived session table (wl_table.h), *shares* it
 * while it computes the response (mm_share: under rc the count is 2), then
 * updates it (hits, last seen, a cart that grows and is replaced); a
 * session unseen for 2 x sessions requests expires, and a new user gets a
 * new session while there is room.  The response checksum folds what the
 * request read; then the request graph is dropped.  A step is one request.
 * The user-to-slot map and the free slots are plain C bookkeeping.
 */
#include "runtime/api/mm.h"
#include "workload.h"
#include "wl_table.h"
#include "wl_zipf.h"

enum { W_TAB, W_SESSION, W_CART, W_REQ, W_HDR, W_DOC, W_S16, W_S64, W_S256 };
enum { SES_CART };
enum { CART_NEXT };
enum { REQ_HDRS, REQ_DOC };
enum { HDR_NAME, HDR_VALUE, HDR_NEXT };
enum { DOC_KIDS = 4 };
enum { CART_MAX = 8 };

static const struct mm_type w_types[] = {
	[W_TAB] = WL_TAB_TYPE(W_TAB),
	[W_SESSION] = { .name = "session", .id = W_SESSION, .nslots = 1, .payload = 32, .weak = 0 },
	[W_CART] = { .name = "cart item", .id = W_CART, .nslots = 1, .payload = 16, .weak = 0 },
	[W_REQ] = { .name = "request", .id = W_REQ, .nslots = 2, .payload = 16, .weak = 0 },
	[W_HDR] = { .name = "header", .id = W_HDR, .nslots = 3, .payload = 8, .weak = 0 },
	[W_DOC] = { .name = "doc node", .id = W_DOC, .nslots = DOC_KIDS, .payload = 16, .weak = 0 },
	[W_S16] = { .name = "str16", .id = W_S16, .nslots = 0, .payload = 16, .weak = 0 },
	[W_S64] = { .name = "str64", .id = W_S64, .nslots = 0, .payload = 64, .weak = 0 },
	[W_S256] = { .name = "str256", .id = W_S256, .nslots = 0, .payload = 256, .weak = 0 },
};

enum { P_REQUESTS, P_SESSIONS, P_DOC };
static const struct wl_param w_params[] = {
	{ "requests", 2000, 0, (int64_t)1 << 40, "requests served, one step each", 0 },
	{ "sessions", 500, 1, (int64_t)1 << 30, "session table size (users: 2x, Zipf)", 0 },
	{ "doc", 64, 1, 1 << 25, "document nodes per request", 0 },
};

static const uint64_t w_reference = 0x6de35e1c0a06704bull;

struct session_data {
	uint64_t user, last, hits, carts;
};

struct item_data {
	uint64_t item, qty;
};

struct doc_data {
	uint64_t kind, value; /* kind: 0 object, 1 array, 2.. a string's type */
};

struct web {
	struct wl_tab tab;
	uint64_t cap, users, ttl, nlive;
	int64_t *slot_of;   /* user -> session slot, -1: none */
	int64_t *user_of;   /* slot -> user, -1: free */
	uint64_t *last;     /* slot -> last request seen (for expiry) */
	uint64_t *free_ids; /* a stack */
	uint64_t nfree, sweep;
	uint64_t rng;
};

/* A string of a random size class into *out; its type id in *type. */
static void str_make(struct mm_ctx *c, uint64_t *rng, mm_own *out, uint64_t *type)
	MM_ACQUIRES(*out)
{
	uint64_t r = wl_below(rng, 20);
	const struct mm_type *t = &w_types[r < 14 ? W_S16 : r < 19 ? W_S64 : W_S256];
	uint64_t v = wl_rand(rng);
	*type = t->id;
	mm_new_to(c, t, out);
	mm_mut m = mm_borrow_mut(c, *out);
	uint64_t *w = mm_data_mut(c, m, t);
	for (unsigned i = 0; i < t->payload / 8; i++)
		w[i] = v ^ i;
	mm_end_mut_of(c, *out, m);
}

/* gc objects carry no header, so the reader is told the string's type. */
static uint64_t str_read(struct mm_ctx *c, mm_ref s, uint64_t type)
{
	const struct mm_type *t = &w_types[type];
	const uint64_t *w = mm_data(c, s, t);
	uint64_t h = 0;
	for (unsigned i = 0; i < t->payload / 8; i++)
		h += w[i];
	return h;
}

/* A document of `budget` nodes into *out: an object or array node whose
 * children share the rest, or, for one node, a leaf whose kind names the
 * type of the string in its slot 0. */
static void doc_make(struct mm_ctx *c, uint64_t budget, uint64_t *rng, mm_own *out)
	MM_ACQUIRES(*out)
{
	uint64_t kind = wl_below(rng, 2), left = budget - 1;
	mm_new_to(c, &w_types[W_DOC], out);
	if (budget == 1) {
		mm_own str;
		str_make(c, rng, &str, &kind);
		mm_set_owned(c, *out, 0, str);
	}
	mm_mut m = mm_borrow_mut(c, *out);
	*(struct doc_data *)mm_data_mut(c, m, &w_types[W_DOC]) =
		(struct doc_data){ kind, wl_rand(rng) };
	mm_end_mut_of(c, *out, m);
	for (unsigned k = 0; k < DOC_KIDS && left > 0; k++) {
		uint64_t share = k == DOC_KIDS - 1 ? left : 1 + wl_below(rng, left);
		left -= share;
		mm_own kid;
		doc_make(c, share, rng, &kid);
		mm_set_owned(c, *out, k, kid);
	}
}

static uint64_t doc_read(struct mm_ctx *c, mm_ref d)
{
	const struct doc_data *dd = mm_data(c, d, &w_types[W_DOC]);
	uint64_t kind = dd->kind, h = wl_mix(WL_CHECKSUM_SEED, dd->kind ^ dd->value);
	for (unsigned k = 0; k < DOC_KIDS; k++) {
		MM_GET_SCOPE(c, d, k, kid) {
			if (!mm_is_null(kid))
				h = wl_mix(h, kind >= W_S16 ? str_read(c, kid, kind) : doc_read(c, kid));
		}
	}
	return h;
}

/* Parsed headers: a list of `n` name/value pairs into *out. */
static void headers_make(struct mm_ctx *c, unsigned n, uint64_t *rng, mm_own *out)
	MM_ACQUIRES(*out)
{
	uint64_t type;
	mm_own name, value;
	mm_new_to(c, &w_types[W_HDR], out);
	mm_new_to(c, &w_types[W_S16], &name);
	mm_mut m = mm_borrow_mut(c, name);
	*(uint64_t *)mm_data_mut(c, m, &w_types[W_S16]) = wl_rand(rng);
	mm_end_mut_of(c, name, m);
	mm_set_owned(c, *out, HDR_NAME, name);
	str_make(c, rng, &value, &type);
	mm_set_owned(c, *out, HDR_VALUE, value);
	mm_mut hm = mm_borrow_mut(c, *out);
	*(uint64_t *)mm_data_mut(c, hm, &w_types[W_HDR]) = type;
	mm_end_mut_of(c, *out, hm);
	if (n > 1) {
		mm_own next;
		headers_make(c, n - 1, rng, &next);
		mm_set_owned(c, *out, HDR_NEXT, next);
	}
}

static uint64_t headers_read(struct mm_ctx *c, mm_ref h)
{
	uint64_t sum = WL_CHECKSUM_SEED, type = *(const uint64_t *)mm_data(c, h, &w_types[W_HDR]);
	MM_GET_SCOPE(c, h, HDR_NAME, name)
		sum = wl_mix(sum, str_read(c, name, W_S16));
	MM_GET_SCOPE(c, h, HDR_VALUE, value)
		sum = wl_mix(sum, str_read(c, value, type));
	MM_GET_SCOPE(c, h, HDR_NEXT, next) {
		if (!mm_is_null(next))
			sum = wl_mix(sum, headers_read(c, next));
	}
	return sum;
}

/* What the response reads of a shared session: its fields and cart. */
static uint64_t session_read(struct mm_ctx *c, mm_ref s)
{
	const struct session_data *d = mm_data(c, s, &w_types[W_SESSION]);
	uint64_t h = wl_mix(wl_mix(wl_mix(WL_CHECKSUM_SEED, d->user), d->hits), d->carts);
	mm_ref held[CART_MAX + 1];
	unsigned n = 0;
	mm_ref it = mm_get(c, s, SES_CART);
	while (!mm_is_null(it) && n < CART_MAX + 1) {
		const struct item_data *i = mm_data(c, it, &w_types[W_CART]);
		h = wl_mix(wl_mix(h, i->item), i->qty);
		held[n++] = it;
		it = mm_get(c, it, CART_NEXT);
	}
	mm_end(c, it);
	while (n > 0)
		mm_end(c, held[--n]);
	return h;
}

/* The request updates its session: hits, last seen, and one time in four
 * a cart item (a full cart is replaced by the new item alone). */
static void session_update(struct mm_ctx *c, struct web *w, mm_mut root, uint64_t slot,
			   uint64_t now)
{
	struct wl_mpath p;
	mm_mut s = wl_tab_mut(c, &w->tab, root, slot, &p);
	struct session_data *d = mm_data_mut(c, s, &w_types[W_SESSION]);
	d->hits++;
	d->last = now;
	w->last[slot] = now;
	if (wl_below(&w->rng, 4) == 0) {
		mm_own item, old;
		mm_new_to(c, &w_types[W_CART], &item);
		mm_mut im = mm_borrow_mut(c, item);
		*(struct item_data *)mm_data_mut(c, im, &w_types[W_CART]) =
			(struct item_data){ wl_rand(&w->rng), 1 + wl_below(&w->rng, 5) };
		mm_end_mut_of(c, item, im);
		bool full = d->carts % CART_MAX == CART_MAX - 1;
		d->carts++;
		mm_take_to(c, s, SES_CART, &old);
		if (full) {
			mm_drop(c, old);
		} else {
			mm_set_owned(c, item, CART_NEXT, old);
		}
		mm_set(c, s, SES_CART, item);
	}
	wl_mpath_end(c, &p);
}

static void session_new(struct mm_ctx *c, struct web *w, mm_mut root, uint64_t user,
			uint64_t now)
{
	uint64_t slot = w->free_ids[--w->nfree];
	mm_own s;
	mm_new_to(c, &w_types[W_SESSION], &s);
	mm_mut m = mm_borrow_mut(c, s);
	*(struct session_data *)mm_data_mut(c, m, &w_types[W_SESSION]) =
		(struct session_data){ user, now, 0, 0 };
	mm_end_mut_of(c, s, m);
	wl_tab_put(c, &w->tab, root, slot, s);
	w->slot_of[user] = (int64_t)slot;
	w->user_of[slot] = (int64_t)user;
	w->last[slot] = now;
	w->nlive++;
}

/* Look at the next two slots of the sweep; expire what is stale. */
static uint64_t expire(struct mm_ctx *c, struct web *w, mm_mut root, uint64_t now)
{
	uint64_t gone = 0;
	for (unsigned i = 0; i < 2; i++) {
		uint64_t slot = w->sweep;
		w->sweep = (w->sweep + 1) % w->cap;
		if (w->user_of[slot] < 0 || now - w->last[slot] <= w->ttl)
			continue;
		mm_own s;
		wl_tab_take(c, &w->tab, root, slot, &s);
		mm_drop(c, s);
		w->slot_of[w->user_of[slot]] = -1;
		w->user_of[slot] = -1;
		w->free_ids[w->nfree++] = slot;
		w->nlive--;
		gone++;
	}
	return gone;
}

/* The bookkeeping, in context scratch memory (freed with the context). */
static void web_alloc(struct mm_ctx *c, struct web *w, uint64_t cap)
{
	w->cap = cap;
	w->users = 2 * cap;
	w->ttl = 2 * cap;
	w->slot_of = mm_ctx_scratch(c, w->users * sizeof *w->slot_of);
	w->user_of = mm_ctx_scratch(c, cap * sizeof *w->user_of);
	w->last = mm_ctx_scratch(c, cap * sizeof *w->last);
	w->free_ids = mm_ctx_scratch(c, cap * sizeof *w->free_ids);
	for (uint64_t i = 0; i < w->users; i++)
		w->slot_of[i] = -1;
	for (uint64_t i = 0; i < cap; i++) {
		w->user_of[i] = -1;
		w->free_ids[i] = cap - 1 - i;
	}
	w->nfree = cap;
}

/* One request: build, look up and share the session, respond, update,
 * drop.  Returns the response checksum. */
static uint64_t serve(struct mm_ctx *c, struct web *w, mm_own *root, const struct wl_zipf *z,
		      uint64_t now, uint64_t doc) MM_REQUIRES(*root)
{
	uint64_t user = wl_zipf_draw(z, &w->rng), h = wl_mix(WL_CHECKSUM_SEED, user);
	mm_mut rm = mm_borrow_mut(c, *root);
	h = wl_mix(h, expire(c, w, rm, now));
	if (w->slot_of[user] < 0 && w->nfree > 0)
		session_new(c, w, rm, user, now);
	mm_end_mut_of(c, *root, rm);

	mm_own req, hdrs, body;
	mm_new_to(c, &w_types[W_REQ], &req);
	headers_make(c, 4 + (unsigned)wl_below(&w->rng, 8), &w->rng, &hdrs);
	mm_set_owned(c, req, REQ_HDRS, hdrs);
	doc_make(c, doc, &w->rng, &body);
	mm_set_owned(c, req, REQ_DOC, body);

	int64_t slot = w->slot_of[user];
	mm_shared ses = MM_NULL;
	if (slot >= 0) {
		struct wl_path p;
		mm_ref r = mm_borrow(c, *root);
		ses = mm_share(c, wl_tab_get(c, &w->tab, r, (uint64_t)slot, &p));
		wl_path_end(c, &p);
		mm_end_of(c, *root, r);
	}
	MM_BORROW_SCOPE(c, req, rr) {
		MM_GET_SCOPE(c, rr, REQ_HDRS, hr)
			h = wl_mix(h, headers_read(c, hr));
		MM_GET_SCOPE(c, rr, REQ_DOC, dr)
			h = wl_mix(h, doc_read(c, dr));
	}
	if (slot >= 0) {
		h = wl_mix(h, session_read(c, ses));
		mm_unshare(c, ses);
		rm = mm_borrow_mut(c, *root);
		session_update(c, w, rm, (uint64_t)slot, now);
		mm_end_mut_of(c, *root, rm);
	}
	mm_drop(c, req);
	return h;
}

static int web_run(struct mm_ctx *c, struct mm_job *job)
{
	const int64_t *pa = job->params;
	struct web w = { .rng = job->seed };
	struct wl_zipf z = { 0 };
	w.tab = wl_tab_for(&w_types[W_TAB], (uint64_t)pa[P_SESSIONS]);
	web_alloc(c, &w, (uint64_t)pa[P_SESSIONS]);
	wl_zipf_init(&z, w.users, 0.9);
	uint64_t sum = WL_CHECKSUM_SEED;
	mm_own root;
	mm_new_to(c, w.tab.type, &root);
	for (int64_t i = 0; i < pa[P_REQUESTS]; i++) {
		sum = wl_mix(sum, serve(c, &w, &root, &z, (uint64_t)i, (uint64_t)pa[P_DOC]));
		mm_step(c);
	}
	mm_drop(c, root);
	sum = wl_mix(sum, w.nlive);
	wl_print(job, "web-requests: %lld requests, %llu sessions live at the end",
		 (long long)pa[P_REQUESTS], (unsigned long long)w.nlive);
	job->checksum = sum;
	job->ops = (uint64_t)pa[P_REQUESTS];
	return wl_check_reference(job, w_params, (unsigned)WL_COUNT(w_params), w_reference);
}

WL_DEFINE(web_requests, "web-requests",
	  "a backend's requests: headers and a JSON-like tree each, shared sessions that expire",
	  "requests", w_params, w_types, web_run);
