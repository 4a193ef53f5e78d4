/* expect: used after .*mm_set_owned_at
 * Moved into a slot, then dropped: the move is the deallocation here
 * (gcc's -Wuse-after-free sees it; the analyzer counts two deallocators). */
#include "runtime/api/mm.h"

static const struct mm_type t = { .name = "t", .id = 0, .nslots = 1 };

void f(struct mm_ctx *c);
void f(struct mm_ctx *c)
{
	mm_own p = mm_new(c, &t);
	mm_own o = mm_new(c, &t);
	mm_set_owned(c, p, 0, o);
	mm_drop(c, o);
	mm_drop(c, p);
}
