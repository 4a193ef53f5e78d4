/* cyclic_graph.c — a long-lived graph with cycles, mutated in place.
 *
 * Nodes live in an owned table (wl_table.h) and each has four edge slots.
 * A step applies `rate` mutations (add an edge, remove one, update a node,
 * or replace a block of eight nodes by a fresh ring with edges out) and
 * then walks eight hops along live edges, reading each node it reaches.
 * With counted=0 (the default) the edges are weak slots: cycles abound,
 * and every model runs it, own included (the table is the one owner, the
 * edges borrow: docs/models.md).  With counted=1 the edges are strong:
 * under rc an edge is a count (mm_clone), so a replaced ring is a garbage
 * cycle that leaks unless the cycle collector runs (-m rc:cycles=1); gc
 * collects it; manual and own refuse (one owner per object).  The edge
 * targets and node generations are also kept in plain C arrays, so a walk
 * never follows an edge to a replaced node: the checksum is the same under
 * every model and allocator.
 */
#include "runtime/api/mm.h"
#include "runtime/api/mm_model.h"
#include "workload.h"
#include "wl_table.h"

enum { G_TAB, G_WEAK, G_STRONG };
enum { G_EDGES = 4, G_BLOCK = 8, G_HOPS = 8 };

static const struct mm_type g_types[] = {
	[G_TAB] = WL_TAB_TYPE(G_TAB),
	[G_WEAK] = { .name = "node", .id = G_WEAK, .nslots = G_EDGES, .payload = 16, .weak = 0xf },
	[G_STRONG] = { .name = "cnode", .id = G_STRONG, .nslots = G_EDGES, .payload = 16,
		       .weak = 0 },
};

enum { P_NODES, P_STEPS, P_RATE, P_COUNTED };
static const struct wl_param g_params[] = {
	{ "nodes", 1000, 16, (int64_t)1 << 32, "nodes in the graph", 0 },
	{ "steps", 5000, 0, (int64_t)1 << 40, "steps: mutations, then a walk", 0 },
	{ "rate", 1, 1, 1024, "mutations per step", 0 },
	{ "counted", 0, 0, 1, "1: edges are strong (counted under rc: cycles leak)", 0 },
};

static const uint64_t g_reference = 0xb90dc25c7db8c6a6ull;

struct g_data {
	uint64_t id, value;
};

struct graph {
	struct wl_tab tab;
	const struct mm_type *node;
	bool counted;
	uint64_t n;
	int64_t *tgt;   /* tgt[i*4+k]: the target of edge k of node i, -1: none */
	uint32_t *tgen; /* its generation when the edge was made */
	uint32_t *gen;  /* each node's generation: bumped when it is replaced */
	uint64_t rng;
};

static void node_make(struct mm_ctx *c, struct graph *g, mm_mut root, uint64_t id)
{
	mm_own o;
	mm_new_to(c, g->node, &o);
	mm_mut m = mm_borrow_mut(c, o);
	*(struct g_data *)mm_data_mut(c, m, g->node) = (struct g_data){ id, wl_rand(&g->rng) };
	mm_end_mut_of(c, o, m);
	g->gen[id]++;
	for (unsigned k = 0; k < G_EDGES; k++)
		g->tgt[id * G_EDGES + k] = -1;
	wl_tab_put(c, &g->tab, root, id, o);
}

static void edge_note(struct graph *g, uint64_t a, unsigned k, int64_t b)
{
	g->tgt[a * G_EDGES + k] = b;
	if (b >= 0)
		g->tgen[a * G_EDGES + k] = g->gen[b];
}

/* Weak edge a.k -> b (b < 0: none): a borrow of b, downgraded. */
static void edge_set_weak(struct mm_ctx *c, struct graph *g, mm_own *root, uint64_t a,
			  unsigned k, int64_t b) MM_REQUIRES(*root)
{
	struct wl_path p;
	struct wl_mpath mp;
	mm_weak w = MM_NULL;
	if (b >= 0) {
		mm_ref r = mm_borrow(c, *root);
		w = mm_downgrade(c, wl_tab_get(c, &g->tab, r, (uint64_t)b, &p));
		wl_path_end(c, &p);
		mm_end_of(c, *root, r);
	}
	mm_mut m = mm_borrow_mut(c, *root);
	mm_set_weak(c, wl_tab_mut(c, &g->tab, m, a, &mp), k, w);
	wl_mpath_end(c, &mp);
	mm_end_mut_of(c, *root, m);
	edge_note(g, a, k, b);
}

/* Counted edge a.k -> b (b < 0: none): a second owner of b (rc: a count;
 * gc: a pointer), moved into the slot, which drops the old edge. */
static void edge_set_counted(struct mm_ctx *c, struct graph *g, mm_own *root, uint64_t a,
			     unsigned k, int64_t b) MM_REQUIRES(*root)
{
	struct wl_path p;
	struct wl_mpath mp;
	mm_own o;
	mm_ref r = mm_borrow(c, *root);
	if (b >= 0) {
		mm_clone_to(c, wl_tab_get(c, &g->tab, r, (uint64_t)b, &p), &o);
		wl_path_end(c, &p);
	} else {
		o = (mm_own)MM_NULL;
		mm_adopt(&o);
	}
	mm_end_of(c, *root, r);
	mm_mut m = mm_borrow_mut(c, *root);
	mm_set(c, wl_tab_mut(c, &g->tab, m, a, &mp), k, o);
	wl_mpath_end(c, &mp);
	mm_end_mut_of(c, *root, m);
	edge_note(g, a, k, b);
}

static void edge_set(struct mm_ctx *c, struct graph *g, mm_own *root, uint64_t a, unsigned k,
		     int64_t b) MM_REQUIRES(*root)
{
	if (g->counted)
		edge_set_counted(c, g, root, a, k, b);
	else
		edge_set_weak(c, g, root, a, k, b);
}

static int64_t random_node(struct graph *g)
{
	return (int64_t)wl_below(&g->rng, g->n);
}

static void mutate(struct mm_ctx *c, struct graph *g, mm_own *root) MM_REQUIRES(*root)
{
	uint64_t a = (uint64_t)random_node(g);
	unsigned kind = (unsigned)wl_below(&g->rng, 8);
	unsigned k = (unsigned)wl_below(&g->rng, G_EDGES);
	if (kind < 4) {
		edge_set(c, g, root, a, k, random_node(g));
	} else if (kind < 6) {
		edge_set(c, g, root, a, k, -1);
	} else if (kind == 6) {
		struct wl_mpath mp;
		MM_BORROW_MUT_SCOPE(c, *root, m) {
			mm_mut am = wl_tab_mut(c, &g->tab, m, a, &mp);
			((struct g_data *)mm_data_mut(c, am, g->node))->value = wl_rand(&g->rng);
			wl_mpath_end(c, &mp);
		}
	} else {
		/* replace a block by a fresh ring (the old one is garbage: a cycle
		 * when the edges are counted) with one edge out of each node */
		uint64_t end = a + G_BLOCK < g->n ? a + G_BLOCK : g->n;
		MM_BORROW_MUT_SCOPE(c, *root, m) {
			for (uint64_t i = a; i < end; i++) {
				mm_own old;
				wl_tab_take(c, &g->tab, m, i, &old);
				mm_drop(c, old);
				node_make(c, g, m, i);
			}
		}
		for (uint64_t i = a; i < end; i++) {
			edge_set(c, g, root, i, 0, (int64_t)(i + 1 < end ? i + 1 : a));
			edge_set(c, g, root, i, 1, random_node(g));
		}
	}
}

/* Eight hops from a random node along live edges; what it read. */
static uint64_t walk(struct mm_ctx *c, struct graph *g, mm_ref root, int *rc)
{
	struct wl_path p;
	uint64_t h = WL_CHECKSUM_SEED, x = (uint64_t)random_node(g);
	mm_ref held[G_HOPS + 1];
	unsigned nheld = 0;
	mm_ref cur = wl_tab_get(c, &g->tab, root, x, &p);
	for (unsigned hop = 0; hop < G_HOPS; hop++) {
		const struct g_data *d = mm_data(c, cur, g->node);
		if (d->id != x)
			*rc = MM_JOB_FAILED; /* an edge led somewhere else */
		h = wl_mix(wl_mix(h, d->id), d->value);
		unsigned k = (unsigned)wl_below(&g->rng, G_EDGES);
		int64_t t = g->tgt[x * G_EDGES + k];
		if (t < 0 || g->tgen[x * G_EDGES + k] != g->gen[t])
			break; /* no edge, or one to a replaced node */
		mm_ref next = g->counted ? mm_get(c, cur, k) : mm_upgrade(c, mm_get_weak(c, cur, k));
		if (mm_is_null(next)) {
			*rc = MM_JOB_FAILED;
			break;
		}
		held[nheld++] = next;
		cur = next;
		x = (uint64_t)t;
	}
	while (nheld > 0)
		mm_end(c, held[--nheld]);
	wl_path_end(c, &p);
	return h;
}

static int g_run(struct mm_ctx *c, struct mm_job *job)
{
	const int64_t *pa = job->params;
	struct graph g = { .rng = job->seed, .n = (uint64_t)pa[P_NODES],
			   .counted = pa[P_COUNTED] != 0 };
	if (g.counted && !c->model->strong_cycles)
		return wl_refuse(job, "cyclic-graph: counted=1 builds strong cycles, which this "
				      "model cannot free (one owner per object): run it under rc "
				      "or gc");
	g.node = &g_types[g.counted ? G_STRONG : G_WEAK];
	g.tab = wl_tab_for(&g_types[G_TAB], g.n);
	/* bookkeeping: context scratch memory, freed with the context */
	g.tgt = mm_ctx_scratch(c, g.n * G_EDGES * sizeof *g.tgt);
	g.tgen = mm_ctx_scratch(c, g.n * G_EDGES * sizeof *g.tgen);
	g.gen = mm_ctx_scratch(c, g.n * sizeof *g.gen);
	int rc = MM_JOB_OK;
	uint64_t sum = WL_CHECKSUM_SEED;
	mm_own root;
	mm_new_to(c, g.tab.type, &root);
	MM_BORROW_MUT_SCOPE(c, root, m) {
		for (uint64_t i = 0; i < g.n; i++)
			node_make(c, &g, m, i);
	}
	for (uint64_t i = 0; i < g.n; i++)
		for (unsigned k = 0; k < 2; k++)
			edge_set(c, &g, &root, i, k, random_node(&g));
	for (int64_t s = 0; s < pa[P_STEPS] && rc == MM_JOB_OK; s++) {
		for (int64_t r = 0; r < pa[P_RATE]; r++)
			mutate(c, &g, &root);
		MM_BORROW_SCOPE(c, root, r)
			sum = wl_mix(sum, walk(c, &g, r, &rc));
		mm_step(c);
	}
	mm_drop(c, root);
	wl_print(job, "cyclic-graph: %llu nodes, %lld steps of %lld mutations, %s edges",
		 (unsigned long long)g.n, (long long)pa[P_STEPS], (long long)pa[P_RATE],
		 g.counted ? "counted" : "weak");
	job->checksum = sum;
	job->ops = (uint64_t)pa[P_STEPS];
	if (rc != MM_JOB_OK)
		return rc;
	return wl_check_reference(job, g_params, (unsigned)WL_COUNT(g_params), g_reference);
}

WL_DEFINE(cyclic_graph, "cyclic-graph",
	  "a long-lived graph with cycles (weak, or counted with counted=1), mutated",
	  "steps", g_params, g_types, g_run);
