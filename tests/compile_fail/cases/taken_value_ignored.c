/* gate: gcc clang
 * expect: ignoring return value
 * Moving a value out of a slot hands you ownership you must use.
 */
#include "runtime/api/mm.h"

void f(struct mm_ctx *c, mm_mut m);
void f(struct mm_ctx *c, mm_mut m)
{
#ifdef MISUSE
	mm_take(c, m, 0); /* ERROR HERE */
#else
	mm_drop(c, mm_take(c, m, 0));
#endif
}
