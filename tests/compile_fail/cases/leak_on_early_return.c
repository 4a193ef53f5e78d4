/* gate: clang-tsa
 * expect: 'o' is not held on every path
 * An owned handle is dropped or moved on every path, or it leaks.
 */
#include "runtime/api/mm.h"

static const struct mm_type t = { .name = "t", .id = 0, .nslots = 1 };

void f(struct mm_ctx *c, int x);
void f(struct mm_ctx *c, int x)
{
	mm_own o;
	mm_new_to(c, &t, &o);
	if (x) {
#ifdef MISUSE
		return;
#else
		mm_drop(c, o);
		return;
#endif
	}
	mm_drop(c, o);
} /* ERROR HERE */
