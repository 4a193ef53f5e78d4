/* gate: gcc clang
 * expect: incompatible type
 * A borrow never becomes ownership by assignment.
 */
#include "runtime/api/mm.h"

void f(struct mm_ctx *c, mm_own o);
void f(struct mm_ctx *c, mm_own o)
{
#ifdef MISUSE
	mm_own stolen;
	stolen = mm_borrow(c, o); /* ERROR HERE */
	mm_drop(c, stolen);
#else
	mm_ref r = mm_borrow(c, o);
	mm_end(c, r);
#endif
}
