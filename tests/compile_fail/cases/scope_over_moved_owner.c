/* gate: clang-tsa
 * expect: requires holding ownership 'o'
 * A borrow scope needs an owner still held: not one moved away.
 */
#include "runtime/api/mm.h"

static const struct mm_type t = { .name = "t", .id = 0, .nslots = 1 };

void f(struct mm_ctx *c);
void f(struct mm_ctx *c)
{
	mm_own p, o;
	mm_new_to(c, &t, &p);
	mm_new_to(c, &t, &o);
#ifdef MISUSE
	mm_set_owned(c, p, 0, o);
#endif
	MM_BORROW_SCOPE(c, o, r) { /* ERROR HERE */
		(void)mm_is_null(r);
	}
#ifndef MISUSE
	mm_set_owned(c, p, 0, o);
#endif
	mm_drop(c, p);
}
