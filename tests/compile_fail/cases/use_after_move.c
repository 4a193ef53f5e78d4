/* gate: clang-tsa
 * expect: calling function 'mm_borrow_at' requires holding ownership 'o'
 * After a move into a slot the slot owns the object; the old handle is dead.
 */
#include "runtime/api/mm.h"

static const struct mm_type t = { .name = "t", .id = 0, .nslots = 1 };

void f(struct mm_ctx *c, int x);
void f(struct mm_ctx *c, int x)
{
	(void)x;
	mm_own p, o;
	mm_new_to(c, &t, &p);
	mm_new_to(c, &t, &o);
	mm_set_owned(c, p, 0, o);
#ifdef MISUSE
	mm_ref r = mm_borrow(c, o); /* ERROR HERE */
	mm_end(c, r);
#endif
	mm_drop(c, p);
}
