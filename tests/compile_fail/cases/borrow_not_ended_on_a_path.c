/* gate: clang-tsa
 * expect: 'o\.mm_w_' is not held on every path
 * Every borrow ends on every path, early returns included.
 */
#include "runtime/api/mm.h"

static const struct mm_type t = { .name = "t", .id = 0, .nslots = 1 };

void f(struct mm_ctx *c, int x);
void f(struct mm_ctx *c, int x)
{
	mm_own o;
	mm_new_to(c, &t, &o);
	mm_ref r = mm_borrow(c, o);
	if (x) {
#ifdef MISUSE
		return;
#else
		mm_end_of(c, o, r);
		mm_drop(c, o);
		return;
#endif
	}
	mm_end_of(c, o, r);
	mm_drop(c, o);
} /* ERROR HERE */
