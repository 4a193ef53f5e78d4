/* prof_sym.c — loaded objects (dl_iterate_phdr) and their ELF symbols.
 *
 * A file is mapped read-only, its section headers checked against its
 * size before any table is read, and unmapped again; what is kept is
 * copied into probe memory. */
#include "prof_sym.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe_mem.h"

struct elf_file {
	const unsigned char *base;
	size_t size;
};

static int elf_open(const char *path, struct elf_file *f)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	void *p = MAP_FAILED;
	if (fstat(fd, &st) == 0 && st.st_size >= (off_t)sizeof(Elf64_Ehdr))
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	f->base = p;
	f->size = (size_t)st.st_size;
	const Elf64_Ehdr *eh = p;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > f->size ||
	    (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > f->size - eh->e_shoff) {
		munmap(p, f->size);
		return -1;
	}
	return 0;
}

static void elf_close(struct elf_file *f)
{
	munmap((void *)f->base, f->size);
}

static const Elf64_Shdr *elf_sections(const struct elf_file *f, unsigned *n)
{
	const Elf64_Ehdr *eh = (const void *)f->base;
	*n = eh->e_shnum;
	return (const void *)(f->base + eh->e_shoff);
}

static bool elf_in(const struct elf_file *f, uint64_t off, uint64_t len)
{
	return off <= f->size && len <= f->size - off;
}

/* The symbol table of a type, with its strings; false when absent. */
static bool elf_table(const struct elf_file *f, uint32_t type, const Elf64_Sym **sym, size_t *n,
		      const char **str, size_t *str_len)
{
	unsigned ns;
	const Elf64_Shdr *sh = elf_sections(f, &ns);
	for (unsigned i = 0; i < ns; i++) {
		if (sh[i].sh_type != type || sh[i].sh_link >= ns ||
		    sh[i].sh_entsize != sizeof(Elf64_Sym))
			continue;
		const Elf64_Shdr *s = &sh[sh[i].sh_link];
		if (!elf_in(f, sh[i].sh_offset, sh[i].sh_size) || !elf_in(f, s->sh_offset, s->sh_size) ||
		    s->sh_size == 0)
			continue;
		*sym = (const void *)(f->base + sh[i].sh_offset);
		*n = sh[i].sh_size / sizeof(Elf64_Sym);
		*str = (const char *)(f->base + s->sh_offset);
		*str_len = s->sh_size;
		return true;
	}
	return false;
}

/* /usr/lib/debug/.build-id/xx/yyyy.debug for the file's build id. */
static bool elf_debug_path(const struct elf_file *f, char *out, size_t len)
{
	unsigned ns;
	const Elf64_Shdr *sh = elf_sections(f, &ns);
	for (unsigned i = 0; i < ns; i++) {
		if (sh[i].sh_type != SHT_NOTE || !elf_in(f, sh[i].sh_offset, sh[i].sh_size))
			continue;
		const unsigned char *p = f->base + sh[i].sh_offset, *end = p + sh[i].sh_size;
		while (end - p >= (ptrdiff_t)sizeof(Elf64_Nhdr)) {
			const Elf64_Nhdr *nh = (const void *)p;
			size_t name = (nh->n_namesz + 3u) & ~3u, desc = (nh->n_descsz + 3u) & ~3u;
			const unsigned char *d = p + sizeof *nh + name;
			if (d > end || (size_t)(end - d) < desc)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_descsz >= 2 && nh->n_descsz <= 64) {
				size_t at = (size_t)snprintf(out, len, "/usr/lib/debug/.build-id/%02x/", d[0]);
				for (unsigned k = 1; k < nh->n_descsz && at + 3 < len; k++)
					at += (size_t)snprintf(out + at, len - at, "%02x", d[k]);
				snprintf(out + at, len - at, ".debug");
				return true;
			}
			p = d + desc;
		}
	}
	return false;
}

/* The PLT's stubs, one per relocation of .rela.plt, in its order: in
 * .plt.sec when the object has one, else in .plt after the resolver's
 * stub; 16 bytes each on x86-64. */
struct plt {
	uint64_t addr;
	const Elf64_Rela *rela;
	size_t n;
	const Elf64_Sym *sym;
	size_t nsym;
	const char *str;
	size_t str_len;
};

enum { PLT_ENTRY = 16 };

static const char *section_name(const struct elf_file *f, const Elf64_Shdr *sh, unsigned ns,
				const Elf64_Shdr *s)
{
	const Elf64_Ehdr *eh = (const void *)f->base;
	if (eh->e_shstrndx >= ns)
		return "";
	const Elf64_Shdr *names = &sh[eh->e_shstrndx];
	if (!elf_in(f, names->sh_offset, names->sh_size) || s->sh_name >= names->sh_size)
		return "";
	const char *n = (const char *)f->base + names->sh_offset + s->sh_name;
	return strnlen(n, names->sh_size - s->sh_name) < names->sh_size - s->sh_name ? n : "";
}

static bool elf_plt(const struct elf_file *f, struct plt *p)
{
	unsigned ns;
	const Elf64_Shdr *sh = elf_sections(f, &ns);
	const Elf64_Shdr *plt = NULL, *sec = NULL, *rela = NULL;
	for (unsigned i = 0; i < ns; i++) {
		const char *name = section_name(f, sh, ns, &sh[i]);
		if (strcmp(name, ".plt") == 0)
			plt = &sh[i];
		else if (strcmp(name, ".plt.sec") == 0)
			sec = &sh[i];
		else if (strcmp(name, ".rela.plt") == 0)
			rela = &sh[i];
	}
	if (rela == NULL || (plt == NULL && sec == NULL) || rela->sh_link >= ns ||
	    !elf_in(f, rela->sh_offset, rela->sh_size))
		return false;
	const Elf64_Shdr *dsym = &sh[rela->sh_link];
	if (dsym->sh_link >= ns || dsym->sh_entsize != sizeof(Elf64_Sym) ||
	    !elf_in(f, dsym->sh_offset, dsym->sh_size))
		return false;
	const Elf64_Shdr *dstr = &sh[dsym->sh_link];
	if (!elf_in(f, dstr->sh_offset, dstr->sh_size))
		return false;
	*p = (struct plt){
		.addr = sec ? sec->sh_addr : plt->sh_addr + PLT_ENTRY,
		.rela = (const void *)(f->base + rela->sh_offset),
		.n = rela->sh_size / sizeof(Elf64_Rela),
		.sym = (const void *)(f->base + dsym->sh_offset),
		.nsym = dsym->sh_size / sizeof(Elf64_Sym),
		.str = (const char *)f->base + dstr->sh_offset,
		.str_len = dstr->sh_size,
	};
	uint64_t room = sec ? sec->sh_size : plt->sh_size - PLT_ENTRY;
	if (p->n > room / PLT_ENTRY)
		p->n = room / PLT_ENTRY;
	return true;
}

static int by_address(const void *a, const void *b)
{
	const struct psym *x = a, *y = b;
	return (x->lo > y->lo) - (x->lo < y->lo);
}

/* A copy of s without its symbol version ("cfree@GLIBC_2.2.5" is cfree). */
static uint32_t keep_string(struct psym_object *o, const char *s)
{
	size_t n = strcspn(s, "@");
	if (n == 0 || o->str_len + n + 1 > o->str_bytes)
		return 0;
	memcpy(o->str + o->str_len, s, n);
	o->str[o->str_len + n] = '\0';
	o->str_len += n + 1;
	return (uint32_t)(o->str_len - n - 1);
}

/* The function symbols of one table, relocated by base, and the PLT's
 * stubs (plt may be NULL), each named for the function it calls and
 * filed under PSYM_PLT_FILE. */
static int load_table(struct psym_object *o, uintptr_t base, const Elf64_Sym *sym, size_t n,
		      const char *str, size_t str_len, const struct plt *plt)
{
	size_t funcs = plt ? plt->n : 0, bytes = 1 + sizeof PSYM_PLT_FILE;
	if (plt)
		bytes += plt->str_len;
	for (size_t i = 0; i < n; i++) {
		unsigned t = ELF64_ST_TYPE(sym[i].st_info);
		if ((t == STT_FUNC || t == STT_FILE) && sym[i].st_name < str_len) {
			funcs += t == STT_FUNC && sym[i].st_shndx != SHN_UNDEF;
			bytes += strnlen(str + sym[i].st_name, str_len - sym[i].st_name) + 1;
		}
	}
	o->sym_bytes = (funcs ? funcs : 1) * sizeof *o->sym;
	o->str_bytes = bytes;
	o->sym = probe_mem_map(o->sym_bytes);
	o->str = probe_mem_map(o->str_bytes);
	if (o->sym == NULL || o->str == NULL)
		return -1;
	o->str_len = 1;
	uint32_t file = 0;
	for (size_t i = 0; i < n; i++) {
		const Elf64_Sym *s = &sym[i];
		unsigned t = ELF64_ST_TYPE(s->st_info);
		if (s->st_name >= str_len || strnlen(str + s->st_name, str_len - s->st_name) ==
						     str_len - s->st_name)
			continue; /* a name that is not terminated inside the table */
		if (t == STT_FILE) {
			file = keep_string(o, str + s->st_name);
			continue;
		}
		if (t != STT_FUNC || s->st_shndx == SHN_UNDEF || o->nsym == funcs)
			continue;
		struct psym *p = &o->sym[o->nsym++];
		p->lo = base + s->st_value;
		p->hi = p->lo + s->st_size;
		p->name = keep_string(o, str + s->st_name);
		p->file = ELF64_ST_BIND(s->st_info) == STB_LOCAL ? file : 0;
	}
	uint32_t plt_file = plt && plt->n ? keep_string(o, PSYM_PLT_FILE) : 0;
	for (size_t i = 0; plt && i < plt->n && o->nsym < funcs; i++) {
		size_t k = ELF64_R_SYM(plt->rela[i].r_info);
		if (k >= plt->nsym || plt->sym[k].st_name >= plt->str_len)
			continue;
		const char *name = plt->str + plt->sym[k].st_name;
		if (strnlen(name, plt->str_len - plt->sym[k].st_name) ==
		    plt->str_len - plt->sym[k].st_name)
			continue;
		struct psym *p = &o->sym[o->nsym++];
		p->lo = base + plt->addr + i * PLT_ENTRY;
		p->hi = p->lo + PLT_ENTRY;
		p->name = keep_string(o, name);
		p->file = plt_file;
	}
	qsort(o->sym, o->nsym, sizeof *o->sym, by_address);
	/* a global function between two of one file's functions is that file's */
	uint32_t prev = 0;
	for (size_t i = 0; i < o->nsym; i++) {
		if (o->sym[i].file != 0) {
			prev = o->sym[i].file;
			continue;
		}
		size_t j = i + 1;
		while (j < o->nsym && o->sym[j].file == 0)
			j++;
		if (prev != 0 && j < o->nsym && strcmp(o->str + o->sym[j].file, o->str + prev) == 0)
			o->sym[i].file = prev;
	}
	return 0;
}

static int load_object(struct psym_object *o, uintptr_t base)
{
	const char *path = o->path[0] ? o->path : "/proc/self/exe";
	struct elf_file f, dbg;
	if (elf_open(path, &f) != 0)
		return 0; /* no file (the vdso), or not one we can read: no symbols */
	const Elf64_Sym *sym;
	size_t n, str_len;
	const char *str;
	char dpath[PSYM_PATH];
	int rc = 0;
	struct plt plt;
	const struct plt *pp = elf_plt(&f, &plt) ? &plt : NULL;
	if (elf_debug_path(&f, dpath, sizeof dpath) && elf_open(dpath, &dbg) == 0) {
		if (elf_table(&dbg, SHT_SYMTAB, &sym, &n, &str, &str_len)) {
			rc = load_table(o, base, sym, n, str, str_len, pp);
			elf_close(&dbg);
			elf_close(&f);
			return rc;
		}
		elf_close(&dbg);
	}
	if (elf_table(&f, SHT_SYMTAB, &sym, &n, &str, &str_len) ||
	    elf_table(&f, SHT_DYNSYM, &sym, &n, &str, &str_len))
		rc = load_table(o, base, sym, n, str, str_len, pp);
	elf_close(&f);
	return rc;
}

struct walk {
	struct psym_map *m;
	uintptr_t base[PSYM_MAX_OBJECTS];
};

static int note_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	struct walk *w = arg;
	struct psym_map *m = w->m;
	if (m->n == PSYM_MAX_OBJECTS)
		return 1;
	struct psym_object *o = &m->obj[m->n];
	memset(o, 0, sizeof *o);
	snprintf(o->path, sizeof o->path, "%s", info->dlpi_name ? info->dlpi_name : "");
	o->lo = UINTPTR_MAX;
	for (unsigned i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
		if (lo < o->lo)
			o->lo = lo;
		if (hi > o->hi)
			o->hi = hi;
	}
	if (o->hi == 0)
		return 0;
	w->base[m->n++] = info->dlpi_addr;
	return 0;
}

int psym_load(struct psym_map *m)
{
	struct walk w = { .m = m };
	m->n = 0;
	dl_iterate_phdr(note_object, &w);
	for (unsigned i = 0; i < m->n; i++) {
		if (load_object(&m->obj[i], w.base[i]) != 0) {
			psym_free(m);
			return -1;
		}
	}
	return 0;
}

void psym_free(struct psym_map *m)
{
	for (unsigned i = 0; i < m->n; i++) {
		probe_mem_unmap(m->obj[i].sym, m->obj[i].sym_bytes);
		probe_mem_unmap(m->obj[i].str, m->obj[i].str_bytes);
	}
	m->n = 0;
}

const struct psym_object *psym_object_of(const struct psym_map *m, uintptr_t pc)
{
	for (unsigned i = 0; i < m->n; i++)
		if (pc >= m->obj[i].lo && pc < m->obj[i].hi)
			return &m->obj[i];
	return NULL;
}

static const char *name_of(const struct psym_object *o, uint32_t at)
{
	return at ? o->str + at : NULL;
}

void psym_find(const struct psym_map *m, uintptr_t pc, struct psym_hit *hit)
{
	*hit = (struct psym_hit){ 0 };
	const struct psym_object *o = psym_object_of(m, pc);
	if (o == NULL)
		return;
	hit->object = o->path;
	/* the last symbol starting at or below pc */
	size_t lo = 0, hi = o->nsym;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->sym[mid].lo <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < o->nsym)
		hit->after = name_of(o, o->sym[lo].name);
	if (lo == 0)
		return;
	const struct psym *s = &o->sym[lo - 1];
	/* aliases share an address: any of them that covers pc will do */
	for (size_t k = lo; k-- > 0 && o->sym[k].lo == s->lo;) {
		if (pc < o->sym[k].hi) {
			hit->name = name_of(o, o->sym[k].name);
			hit->file = name_of(o, o->sym[k].file);
			return;
		}
	}
	hit->before = name_of(o, s->name);
}
