/* prof_sym.h — which function of which loaded object holds an address.
 *
 * Read once, after a run: every object the process has loaded, and the
 * function symbols of its ELF file (the separate debug file named by its
 * build id when one is installed, which names glibc's internal malloc
 * functions; else the file's own symbol table; else its dynamic one).
 * A local function also carries its source file's name (the STT_FILE
 * before it), and so does a global one whose neighbours agree on it.
 * A PLT stub is named for the function it jumps to, in file PSYM_PLT_FILE.
 * Invariant: each object's symbols are sorted by address; all storage is
 * probe memory, so reading symbols disturbs no allocator under test. */
#ifndef MM_PROF_SYM_H
#define MM_PROF_SYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PSYM_MAX_OBJECTS 64
#define PSYM_PATH 256
#define PSYM_PLT_FILE "(plt)"

struct psym {
	uintptr_t lo, hi; /* [lo, hi): hi == lo when the size is unknown */
	uint32_t name;    /* offsets into the object's strings */
	uint32_t file;    /* 0: not known */
};

struct psym_object {
	char path[PSYM_PATH]; /* as the loader names it; "" for the executable */
	uintptr_t lo, hi;     /* its executable segments */
	struct psym *sym;
	size_t nsym, sym_bytes;
	char *str;            /* str[0] == '\0' */
	size_t str_len, str_bytes;
};

struct psym_map {
	struct psym_object obj[PSYM_MAX_OBJECTS];
	unsigned n;
};

/* What an address is: its object (NULL: none), the function holding it
 * (NULL: in no known function), that function's source file (NULL: not
 * known), and the functions on either side (NULL: none). */
struct psym_hit {
	const char *object;
	const char *name, *file;
	const char *before, *after;
};

/* Read the symbols of every loaded object: 0, or -1 when no memory (the
 * map is then empty).  Objects whose files cannot be read are kept with
 * no symbols. */
int psym_load(struct psym_map *m);
void psym_free(struct psym_map *m);
void psym_find(const struct psym_map *m, uintptr_t pc, struct psym_hit *hit);
/* The object that holds pc's symbols, or NULL. */
const struct psym_object *psym_object_of(const struct psym_map *m, uintptr_t pc);

#endif
