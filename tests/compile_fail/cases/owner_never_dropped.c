/* gate: clang-tsa
 * expect: 'o' is still held at the end of function
 * (void)x does not end ownership: the object leaks (gcc cannot see this).
 */
#include "runtime/api/mm.h"

static const struct mm_type t = { .name = "t", .id = 0, .nslots = 1 };

void f(struct mm_ctx *c, int x);
void f(struct mm_ctx *c, int x)
{
	mm_own o;
	mm_new_to(c, &t, &o);
	(void)x;
#ifdef MISUSE
	(void)o;
#else
	mm_drop(c, o);
#endif
} /* ERROR HERE */
