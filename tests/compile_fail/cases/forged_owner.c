/* gate: gcc clang
 * expect: no member named [^ ]*idx
 * A handle is opaque: an owner cannot be forged from a borrow's fields.
 */
#include "runtime/api/mm.h"

void f(struct mm_ctx *c, mm_own o);
void f(struct mm_ctx *c, mm_own o)
{
	mm_ref r = mm_borrow(c, o);
#ifdef MISUSE
	mm_own forged = { r.idx, r.gen }; /* ERROR HERE */
	mm_drop(c, forged);
#endif
	mm_end(c, r);
}
