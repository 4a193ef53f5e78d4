/* gate: clang-tsa
 * expect: calling function 'mm_borrow_at' requires holding ownership 'o'
 * A function borrows an owner only when it says it holds one (MM_REQUIRES).
 */
#include "runtime/api/mm.h"

#ifdef MISUSE
uint64_t f(struct mm_ctx *c, mm_own o);
#else
uint64_t f(struct mm_ctx *c, mm_own o) MM_REQUIRES(o);
#endif
uint64_t f(struct mm_ctx *c, mm_own o)
{
	mm_ref r = mm_borrow(c, o); /* ERROR HERE */
	uint64_t v = mm_is_null(mm_get_weak(c, r, 0));
	mm_end_of(c, o, r);
	return v;
}
