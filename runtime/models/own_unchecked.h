/* own_unchecked.h — ownership once it is proven: own's handle types,
 * manual's code.
 *
 * What ownership costs when its rules are proven before the run, as Rust
 * proves them: a Box is a pointer and a borrow is a pointer, with no
 * table, no generation and no borrow record.  The four handle kinds are
 * own's distinct struct types with own's capability annotations, so the
 * compilers check here what they check under own (the wrong kind of
 * handle does not compile; clang -Wthread-safety follows ownership and
 * borrows: docs/ownership.md); each is one pointer, so the code compiled
 * is manual's (manual.h, ptr.h).  Checksums are own's.  own minus
 * own_unchecked is the price of checking the rules at run time, handle
 * table included; a rule broken here is undefined behaviour, as in C.
 */
#ifndef MM_MODELS_OWN_UNCHECKED_H
#define MM_MODELS_OWN_UNCHECKED_H

#define MM_CAPS_ON 1
#define PTR_TYPED 1
#define MANUAL_PAUSE PROBE_PAUSE_DROP
#include "manual.h"

MM_MODEL_OPS(.summary = "own's handle types, no run-time checks: ownership proven before the run",
	     .pause = PROBE_PAUSE_DROP, .takes_allocator = true, .counts_live = true,
	     .heap = mm_model_allocator_heap, .free_tree = tree_free_manual)

#endif
