/* gate: gcc clang
 * expect: incompatible type
 * Only ownership moves into a strong slot; a borrow cannot.
 */
#include "runtime/api/mm.h"

void f(struct mm_ctx *c, mm_mut p, mm_own o);
void f(struct mm_ctx *c, mm_mut p, mm_own o)
{
	mm_ref r = mm_borrow(c, o);
#ifdef MISUSE
	mm_set(c, p, 0, r); /* ERROR HERE */
#else
	mm_set(c, p, 0, mm_take(c, p, 0));
#endif
	mm_end(c, r);
}
