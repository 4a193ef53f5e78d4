/* gate: clang-tsa
 * expect: acquiring borrow 'o.mm_w_' that is already held
 * At most one mutable borrow at a time.
 */
#include "runtime/api/mm.h"

static const struct mm_type t = { .name = "t", .id = 0, .nslots = 1 };

void f(struct mm_ctx *c, int x);
void f(struct mm_ctx *c, int x)
{
	mm_own o;
	mm_new_to(c, &t, &o);
	(void)x;
	mm_mut m = mm_borrow_mut(c, o);
#ifdef MISUSE
	mm_mut m2 = mm_borrow_mut(c, o); /* ERROR HERE */
	mm_end_mut_of(c, o, m2);
#endif
	mm_end_mut_of(c, o, m);
	mm_drop(c, o);
}
