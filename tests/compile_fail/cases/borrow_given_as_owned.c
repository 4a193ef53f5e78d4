/* gate: gcc clang
 * expect: incompatible type
 * Dropping needs ownership: a shared borrow cannot be dropped.
 */
#include "runtime/api/mm.h"

static const struct mm_type t = { .name = "t", .id = 0, .nslots = 1 };

void f(struct mm_ctx *c);
void f(struct mm_ctx *c)
{
	mm_own o = mm_new(c, &t);
	mm_ref r = mm_borrow(c, o);
#ifdef MISUSE
	mm_drop(c, r); /* ERROR HERE */
#else
	mm_end(c, r);
	mm_drop(c, o);
#endif
}
