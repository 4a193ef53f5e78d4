/* expect: -Wanalyzer-double-free
 * An object dropped twice: gcc -fanalyzer's double free. */
#include "runtime/api/mm.h"

static const struct mm_type t = { .name = "t", .id = 0, .nslots = 1 };

void f(struct mm_ctx *c);
void f(struct mm_ctx *c)
{
	mm_own o = mm_new(c, &t);
	mm_drop(c, o);
	mm_drop(c, o);
}
