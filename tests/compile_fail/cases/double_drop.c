/* gate: clang-tsa
 * expect: releasing ownership 'o' that was not held
 * An object is dropped once.
 */
#include "runtime/api/mm.h"

static const struct mm_type t = { .name = "t", .id = 0, .nslots = 1 };

void f(struct mm_ctx *c, int x);
void f(struct mm_ctx *c, int x)
{
	mm_own o;
	mm_new_to(c, &t, &o);
	(void)x;
	mm_drop(c, o);
#ifdef MISUSE
	mm_drop(c, o); /* ERROR HERE */
#endif
}
