/* gate: gcc clang
 * expect: incompatible type
 * Writing a slot needs a mutable borrow (or the owner), not a shared one.
 */
#include "runtime/api/mm.h"

static const struct mm_type t = { .name = "t", .id = 0, .nslots = 1 };

void f(struct mm_ctx *c, mm_own parent);
void f(struct mm_ctx *c, mm_own parent)
{
#ifdef MISUSE
	mm_ref r = mm_borrow(c, parent);
	mm_set(c, r, 0, mm_new(c, &t)); /* ERROR HERE */
	mm_end(c, r);
#else
	mm_mut m = mm_borrow_mut(c, parent);
	mm_set(c, m, 0, mm_new(c, &t));
	mm_end_mut(c, m);
#endif
}
