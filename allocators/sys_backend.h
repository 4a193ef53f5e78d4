/* sys_backend.h — the malloc libraries the system allocator can find serving it.
 *
 * One file per library (sys_glibc.c, sys_jemalloc.c, ...) names a symbol only
 * that library defines and reads its figures through symbols looked up with
 * dlsym, so mmlab links against none of them but glibc.  Invariant:
 * sys_serving() names the library whose malloc this process calls, or none.
 */
#ifndef ALLOC_SYS_BACKEND_H
#define ALLOC_SYS_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "allocator.h"

struct sys_backend {
	const char *name;   /* as the registry names it: "jemalloc" */
	const char *marker; /* a symbol no other malloc library defines */
	/* Fill the normalized figures the library knows (resident excepted)
	 * and its raw ones, from the live library. */
	void (*stats)(struct alloc_stats *s);
};

extern const struct sys_backend sys_glibc;
extern const struct sys_backend sys_jemalloc;
extern const struct sys_backend sys_tcmalloc;
extern const struct sys_backend sys_mimalloc;

/* The backend whose library defines the malloc this process calls; NULL
 * when none does (a sanitizer's malloc, a shim).  When lib is not NULL it
 * receives the path of the object that defines malloc. */
const struct sys_backend *sys_serving(char *lib, size_t len);

/* A symbol of whichever library defines it first, as a function; NULL when
 * none does. */
typedef void (*sys_fn)(void);
sys_fn sys_symbol(const char *name);

/* The process's resident set, from /proc/self/statm (0 when unreadable). */
uint64_t sys_resident_bytes(void);

#endif
