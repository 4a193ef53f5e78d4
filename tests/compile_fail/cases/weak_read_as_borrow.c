/* gate: gcc clang
 * expect: incompatible type
 * A weak handle must be upgraded (which may fail) before it is read.
 */
#include "runtime/api/mm.h"

mm_ref f(struct mm_ctx *c, mm_weak w);
mm_ref f(struct mm_ctx *c, mm_weak w)
{
#ifdef MISUSE
	return mm_get(c, w, 0); /* ERROR HERE */
#else
	return mm_upgrade(c, w);
#endif
}
