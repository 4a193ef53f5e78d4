/* own_lab.c — one small program per ownership rule broken, for a lab.
 *
 * `own-lab NAME` runs the misuse NAME under the own model (built with
 * -DMM_MODEL=own, linked with libmmlab); the model panics, and this
 * program's panic hook prints the one line the CLI prints ("mmlab:
 * FILE:LINE: rule: ...") and exits with status 4, as `mmlab run` does.
 * `own-lab` alone lists the misuses.  docs/ownership.md walks through
 * each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/api/mm.h"
#include "runtime/models/model.h"

enum { EXIT_RULE = 4 };

enum { T_PAIR, T_DATA };
static const struct mm_type types[] = {
	[T_PAIR] = { .name = "pair", .id = T_PAIR, .nslots = 2 },
	[T_DATA] = { .name = "data", .id = T_DATA, .nslots = 0, .payload = 16 },
};

static void rule_broken(void *st, const char *file, int line, const char *msg)
{
	(void)st;
	fprintf(stderr, "mmlab: %s:%d: %s\n", file, line, msg);
	exit(EXIT_RULE);
}

/* A strong cycle, tried through a child borrow that outlives its parent. */
static void lab_cycle(struct mm_ctx *c)
{
	mm_own a = mm_new(c, &types[T_PAIR]);
	mm_set_owned(c, a, 0, mm_new(c, &types[T_PAIR]));
	mm_mut ma = mm_borrow_mut(c, a);
	mm_mut mb = mm_get_mut(c, ma, 0);
	mm_end_mut(c, ma); /* panics: mb was taken through ma */
	mm_set(c, mb, 1, a);
}

/* Ending one borrow twice, which used to hide a live one. */
static void lab_end_twice(struct mm_ctx *c)
{
	mm_own a = mm_new(c, &types[T_PAIR]);
	mm_ref r1 = mm_borrow(c, a);
	mm_ref r2 = mm_borrow(c, a);
	mm_end(c, r1);
	mm_end(c, r1); /* panics: r1 already ended */
	mm_end(c, r2);
	mm_drop(c, a);
}

static void lab_use_after_move(struct mm_ctx *c)
{
	mm_own p = mm_new(c, &types[T_PAIR]);
	mm_own child = mm_new(c, &types[T_PAIR]);
	mm_set_owned(c, p, 0, child);
	mm_drop(c, child); /* panics: p's slot owns it now */
}

static void lab_use_after_drop(struct mm_ctx *c)
{
	mm_own a = mm_new(c, &types[T_PAIR]);
	mm_own copy = a;
	mm_drop(c, a);
	mm_ref r = mm_borrow(c, copy); /* panics: the object is gone */
	mm_end(c, r);
}

static void lab_drop_while_borrowed(struct mm_ctx *c)
{
	mm_own a = mm_new(c, &types[T_PAIR]);
	mm_ref r = mm_borrow(c, a);
	mm_drop(c, a); /* panics: r is live */
	mm_end(c, r);
}

static void lab_shared_xor_mutable(struct mm_ctx *c)
{
	mm_own a = mm_new(c, &types[T_PAIR]);
	mm_ref r = mm_borrow(c, a);
	mm_mut m = mm_borrow_mut(c, a); /* panics: r is live */
	mm_end_mut(c, m);
	mm_end(c, r);
	mm_drop(c, a);
}

static void lab_forged_owner(struct mm_ctx *c)
{
	mm_own a = mm_new(c, &types[T_PAIR]);
	mm_ref r = mm_borrow(c, a);
	mm_weak w = mm_downgrade(c, r);
	mm_end(c, r);
	mm_own forged = { w.mm_w_, NULL }; /* the words of a weak handle */
	mm_drop(c, forged);         /* panics: forged handle */
	mm_drop(c, a);
}

/* A payload pointer kept past its borrow: caught in an ASan build. */
static void lab_payload(struct mm_ctx *c)
{
	mm_own d = mm_new(c, &types[T_DATA]);
	mm_mut m = mm_borrow_mut(c, d);
	char *p = mm_data_mut(c, m, &types[T_DATA]);
	mm_end_mut(c, m);
	p[0] = 'x'; /* ASan: use-after-poison here */
	fprintf(stderr, "own-lab: not caught: build with ASan (see docs/ownership.md)\n");
	mm_drop(c, d);
}

static void lab_leak(struct mm_ctx *c)
{
	mm_own kept = mm_new(c, &types[T_PAIR]); /* reported here */
	(void)kept;
	c->model->end(c); /* what the session does when a workload returns */
}

static const struct {
	const char *name;
	void (*run)(struct mm_ctx *c);
	const char *what;
} misuses[] = {
	{ "cycle", lab_cycle, "a child borrow outliving its parent, to build a cycle" },
	{ "end-twice", lab_end_twice, "a borrow ended twice" },
	{ "use-after-move", lab_use_after_move, "an owned handle used after its move" },
	{ "use-after-drop", lab_use_after_drop, "a copy of a handle used after the drop" },
	{ "drop-while-borrowed", lab_drop_while_borrowed, "a drop while a borrow is live" },
	{ "shared-xor-mutable", lab_shared_xor_mutable, "a mutable borrow beside a shared" },
	{ "forged-owner", lab_forged_owner, "an owner forged from a weak handle's words" },
	{ "payload", lab_payload, "a payload pointer used after its borrow (ASan build)" },
	{ "leak", lab_leak, "an object never dropped, at the end of the run" },
};

int main(int argc, char **argv)
{
	size_t n = sizeof misuses / sizeof misuses[0];
	if (argc != 2) {
		fprintf(stderr, "usage: own-lab NAME   (exit status 4: the rule caught it)\n");
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "  %-20s %s\n", misuses[i].name, misuses[i].what);
		return 2;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(argv[1], misuses[i].name) != 0)
			continue;
		struct mm_ctx c;
		char err[128];
		if (mm_ctx_init(&c, mm_model_get(MM_MODEL_own), NULL, "", err, sizeof err) != 0 ||
		    mm_ctx_bind_types(&c, types, 2, NULL) != 0) {
			fprintf(stderr, "own-lab: %s\n", err);
			return 3;
		}
		c.panic = rule_broken;
		misuses[i].run(&c);
		mm_ctx_fini(&c);
		fprintf(stderr, "own-lab: %s: nothing was caught\n", misuses[i].name);
		return 1;
	}
	fprintf(stderr, "mmlab: unknown lab '%s' (run own-lab alone for the list)\n", argv[1]);
	return 2;
}
