/* gate: gcc clang
 * expect: incompatible type
 * A weak handle owns nothing: it cannot be dropped.
 */
#include "runtime/api/mm.h"

void f(struct mm_ctx *c, mm_weak w);
void f(struct mm_ctx *c, mm_weak w)
{
#ifdef MISUSE
	mm_drop(c, w); /* ERROR HERE */
#else
	mm_ref r = mm_upgrade(c, w);
	mm_end(c, r);
#endif
}
