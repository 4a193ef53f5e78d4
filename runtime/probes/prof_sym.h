/* prof_sym.h — which function of which loaded object holds an address.
 *
 * Read after a run, in two steps: psym_load lists every object the
 * process has loaded (cheap: no file is opened); psym_read reads the
 * function symbols of one of them, only when an address in it must be
 * named.  The symbols come from the object's ELF file (the separate debug
 * file named by its build id when one is installed, which names glibc's
 * internal malloc functions; else the file's own symbol table; else its
 * dynamic one).  A local function also carries its source file's name
 * (the STT_FILE before it), and so does a global one whose neighbours
 * agree on it.  A PLT stub is named for the function it jumps to, in file
 * PSYM_PLT_FILE.  A name is given without its symbol version
 * ("cfree@GLIBC_2.2.5" is cfree).
 * Invariant: a read object's symbols are sorted by address, aliases in
 * their symbol table's order, PLT stubs last; names point into the
 * object's file, mapped copy-on-write until psym_free; all other storage
 * is probe memory, so reading symbols disturbs no allocator under test. */
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
	const char *name; /* NULL: none */
	const char *file; /* NULL: not known */
};

struct psym_file {
	void *base; /* a private mapping of the whole file, or NULL */
	size_t size;
};

struct psym_object {
	char path[PSYM_PATH]; /* as the loader names it; "" for the executable */
	uintptr_t lo, hi;     /* its executable segments */
	uintptr_t base;       /* where it is loaded (dlpi_addr) */
	bool read;            /* psym_read has run on it */
	struct psym *sym;
	size_t nsym, sym_bytes;
	struct psym_file elf, debug; /* what the names point into */
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

/* List the loaded objects, with no symbols yet (no file is opened and
 * nothing allocated, so it cannot fail). */
void psym_load(struct psym_map *m);
/* Read the symbols of o (one of m's objects) unless already read: 0, or
 * -1 when no memory (o then has none).  An object whose file cannot be
 * read (the vdso) has no symbols: 0. */
int psym_read(struct psym_map *m, const struct psym_object *o);
void psym_free(struct psym_map *m);
/* pc's object, and its function as far as the symbols read so far tell:
 * read the object's symbols first (psym_read). */
void psym_find(const struct psym_map *m, uintptr_t pc, struct psym_hit *hit);
/* The object whose executable segments hold pc, or NULL. */
const struct psym_object *psym_object_of(const struct psym_map *m, uintptr_t pc);

#endif
