/* gate: clang-tsa
 * expect: 'o' is still held at the end of function
 * A function that takes ownership (MM_RELEASES) must drop or move it.
 */
#include "runtime/api/mm.h"

void f(struct mm_ctx *c, mm_own o) MM_RELEASES(o);
void f(struct mm_ctx *c, mm_own o)
{
#ifdef MISUSE
	(void)c, (void)o;
#else
	mm_drop(c, o);
#endif
} /* ERROR HERE */
