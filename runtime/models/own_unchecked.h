/* own_unchecked.h — the own model with its run-time checks compiled out.
 *
 * The same table, handles and subtree free as own.h, so its checksums are
 * own's; but no call checks a rule, records a borrow or an allocating
 * site.  It shows what ownership costs once the rules are proven (at
 * compile time, or by a checked run): own minus own_unchecked is the cost
 * of the checks, own_unchecked minus manual the cost of the handle table.
 * A broken rule here is undefined behaviour, as in C.
 */
#ifndef MM_MODELS_OWN_UNCHECKED_H
#define MM_MODELS_OWN_UNCHECKED_H

#define OWN_UNCHECKED 1
#include "own.h"

MM_MODEL_OPS(.summary = "own with its run-time checks compiled out (what the checks cost)",
	     .pause = PROBE_PAUSE_DROP, .takes_allocator = true, .counts_live = true,
	     .fini = own_fini, .heap = mm_model_allocator_heap, .free_tree = tree_free_own)

#endif
