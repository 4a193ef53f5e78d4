/* gate: clang-tsa
 * expect: cannot call function 'mm_set_owned_at' while borrow 'o.mm_w_' is held
 * The owner cannot write the object while it is lent out.
 */
#include "runtime/api/mm.h"

static const struct mm_type t = { .name = "t", .id = 0, .nslots = 1 };

void f(struct mm_ctx *c, int x);
void f(struct mm_ctx *c, int x)
{
	mm_own o;
	mm_new_to(c, &t, &o);
	(void)x;
	mm_own child;
	mm_new_to(c, &t, &child);
	mm_ref r = mm_borrow(c, o);
#ifdef MISUSE
	mm_set_owned(c, o, 0, child); /* ERROR HERE */
	mm_end_of(c, o, r);
#else
	mm_end_of(c, o, r);
	mm_set_owned(c, o, 0, child);
#endif
	mm_drop(c, o);
}
