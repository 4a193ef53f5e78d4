/* gate: gcc clang
 * expect: ignoring return value
 * An owned reference must be used: dropping it on the floor is a leak.
 */
#include "runtime/api/mm.h"

static const struct mm_type t = { .name = "t", .id = 0, .nslots = 1 };

void f(struct mm_ctx *c);
void f(struct mm_ctx *c)
{
#ifdef MISUSE
	mm_new(c, &t); /* ERROR HERE */
#else
	mm_drop(c, mm_new(c, &t));
#endif
}
