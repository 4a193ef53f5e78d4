/* gate: clang-tsa
 * expect: cannot call function 'mm_drop_at' while borrow 'o.mm_w_' is held
 * Dropping an object ends it: not while a borrow of it is live.
 */
#include "runtime/api/mm.h"

static const struct mm_type t = { .name = "t", .id = 0, .nslots = 1 };

void f(struct mm_ctx *c, int x);
void f(struct mm_ctx *c, int x)
{
	mm_own o;
	mm_new_to(c, &t, &o);
	(void)x;
	mm_ref r = mm_borrow(c, o);
#ifdef MISUSE
	mm_drop(c, o); /* ERROR HERE */
	mm_end_of(c, o, r);
#else
	mm_end_of(c, o, r);
	mm_drop(c, o);
#endif
}
