/* gate: clang-tsa
 * expect: acquiring borrow 'o.mm_w_' that is already held
 * Shared XOR mutable: no mutable borrow while a shared one is live.
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
	mm_mut m = mm_borrow_mut(c, o); /* ERROR HERE */
	mm_end_mut_of(c, o, m);
	mm_end_of(c, o, r);
#else
	mm_end_of(c, o, r);
	mm_mut m = mm_borrow_mut(c, o);
	mm_end_mut_of(c, o, m);
#endif
	mm_drop(c, o);
}
