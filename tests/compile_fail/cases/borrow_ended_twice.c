/* gate: clang-tsa
 * expect: releasing borrow 'o.mm_w_' that was not held
 * A borrow ends once; ending it again could hide another live one.
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
	mm_end_of(c, o, r);
#ifdef MISUSE
	mm_end_of(c, o, r); /* ERROR HERE */
#endif
	mm_drop(c, o);
}
