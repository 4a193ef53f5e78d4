/* expect: -Wanalyzer-malloc-leak
 * An object made and not dropped on one path: gcc -fanalyzer's leak. */
#include "runtime/api/mm.h"

static const struct mm_type t = { .name = "t", .id = 0, .nslots = 1 };

int f(struct mm_ctx *c, int x);
int f(struct mm_ctx *c, int x)
{
	mm_own o = mm_new(c, &t);
	if (x)
		return 1;
	mm_drop(c, o);
	return 0;
}
