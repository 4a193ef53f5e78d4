/* mm_caps.h — ownership and borrows as clang capabilities (-Wthread-safety).
 *
 * clang's thread-safety analysis, read as a borrow checker: an owned
 * handle variable is a capability ("ownership") held while the variable
 * owns its object, and its borrow word (MM_BORROW_CAP) a second one
 * ("borrow"), held shared by mm_borrow and exclusively by mm_borrow_mut.
 * The macros expand to attributes only under clang in the own model
 * (which defines MM_CAPS_ON); for gcc and the other models they vanish.
 * docs/ownership.md says what the analysis sees and what it cannot.
 */
#ifndef MM_CAPS_H
#define MM_CAPS_H

#if defined(__clang__) && defined(MM_CAPS_ON)
#define MM_CAP_ATTR(x) __attribute__((x))
#else
#define MM_CAP_ATTR(x)
#endif

#define MM_CAPABILITY(name) MM_CAP_ATTR(capability(name))
/* On a function: what it acquires, releases, needs held, needs not held. */
#define MM_ACQUIRES(...) MM_CAP_ATTR(acquire_capability(__VA_ARGS__))
#define MM_ACQUIRES_SHARED(...) MM_CAP_ATTR(acquire_shared_capability(__VA_ARGS__))
#define MM_RELEASES(...) MM_CAP_ATTR(release_capability(__VA_ARGS__))
#define MM_RELEASES_SHARED(...) MM_CAP_ATTR(release_shared_capability(__VA_ARGS__))
#define MM_REQUIRES(...) MM_CAP_ATTR(requires_capability(__VA_ARGS__))
#define MM_EXCLUDES(...) MM_CAP_ATTR(locks_excluded(__VA_ARGS__))
/* On a definition whose body the analysis should not check (the model's
 * own inline functions, which implement the rules). */
#define MM_NO_CAP_CHECK MM_CAP_ATTR(no_thread_safety_analysis)

/* The borrow capability of an owned handle variable o (own only: the
 * expression is only ever expanded where the attributes are on). */
#define MM_BORROW_CAP(o) (o).mm_w_

#endif
