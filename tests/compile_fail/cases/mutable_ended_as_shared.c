/* gate: gcc clang
 * expect: incompatible type
 * A mutable borrow is ended with mm_end_mut; the kinds do not mix.
 */
#include "runtime/api/mm.h"

void f(struct mm_ctx *c, mm_own o);
void f(struct mm_ctx *c, mm_own o)
{
	mm_mut m = mm_borrow_mut(c, o);
#ifdef MISUSE
	mm_end(c, m); /* ERROR HERE */
#else
	mm_end_mut(c, m);
#endif
}
