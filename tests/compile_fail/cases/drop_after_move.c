/* gate: clang-tsa
 * expect: releasing ownership 'o' that was not held
 * A moved handle is not dropped: the slot that owns it will be.
 */
#include "runtime/api/mm.h"

static const struct mm_type t = { .name = "t", .id = 0, .nslots = 1 };

void f(struct mm_ctx *c);
void f(struct mm_ctx *c)
{
	mm_own p, o;
	mm_new_to(c, &t, &p);
	mm_new_to(c, &t, &o);
	mm_set_owned(c, p, 0, o);
#ifdef MISUSE
	mm_drop(c, o); /* ERROR HERE */
#endif
	mm_drop(c, p);
}
