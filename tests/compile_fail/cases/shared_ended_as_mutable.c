/* gate: clang-tsa
 * expect: releasing borrow 'o.mm_w_' using exclusive access, expected shared access
 * A shared borrow is ended as shared (mm_end_of), not as mutable.
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
	mm_mut m = { r.mm_w_ };
	mm_end_mut_of(c, o, m); /* ERROR HERE */
#else
	mm_end_of(c, o, r);
#endif
	mm_drop(c, o);
}
