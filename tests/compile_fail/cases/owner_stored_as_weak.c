/* gate: gcc clang
 * expect: incompatible type
 * A weak slot takes a weak handle (mm_downgrade), not ownership.
 */
#include "runtime/api/mm.h"

void f(struct mm_ctx *c, mm_mut p, mm_own o);
void f(struct mm_ctx *c, mm_mut p, mm_own o)
{
#ifdef MISUSE
	mm_set_weak(c, p, 1, o); /* ERROR HERE */
#else
	mm_ref r = mm_borrow(c, o);
	mm_set_weak(c, p, 1, mm_downgrade(c, r));
	mm_end(c, r);
#endif
}
