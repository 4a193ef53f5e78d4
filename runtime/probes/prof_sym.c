/* prof_sym.c — loaded objects (dl_iterate_phdr) and their ELF symbols.
 *
 * Only the objects asked about are read.  A file is mapped privately (so
 * copy-on-write), its section headers checked against its size before
 * any table is read; it stays mapped while the names point into it.  What
 * is kept of a symbol table is its function symbols, sorted by a stable
 * radix sort on their addresses (no callback per comparison, no malloc);
 * a symbol version is cut from every name of a string table at once, by
 * writing a NUL over each '@' of the table. */
#include "prof_sym.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe_mem.h"

struct elf_file {
	unsigned char *base;
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
		p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
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
	if (f->base != NULL)
		munmap(f->base, f->size);
	f->base = NULL;
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
		      char **str, size_t *str_len)
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
		*str = (char *)(f->base + s->sh_offset);
		*str_len = s->sh_size;
		return true;
	}
	return false;
}

/* /usr/lib/debug/.build-id/xx/yyyy.debug for the file's build id. */
static bool elf_debug_path(const struct elf_file *f, char *out, size_t len)
{
	static const char dir[] = "/usr/lib/debug/.build-id/", hex[] = "0123456789abcdef",
			  ext[] = ".debug";
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
				/* the longest: 25 + 3 + 126 + 7 bytes */
				if (len < sizeof dir + 3 + 2 * nh->n_descsz + sizeof ext)
					return false;
				memcpy(out, dir, sizeof dir - 1);
				size_t at = sizeof dir - 1;
				for (unsigned k = 0; k < nh->n_descsz; k++) {
					out[at++] = hex[d[k] >> 4];
					out[at++] = hex[d[k] & 15];
					if (k == 0)
						out[at++] = '/';
				}
				memcpy(out + at, ext, sizeof ext);
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
	char *str;
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
		.str = (char *)f->base + dstr->sh_offset,
		.str_len = dstr->sh_size,
	};
	uint64_t room = sec ? sec->sh_size : plt->sh_size - PLT_ENTRY;
	if (p->n > room / PLT_ENTRY)
		p->n = room / PLT_ENTRY;
	return true;
}

/* How much of a string table holds terminated strings: a name at an
 * offset below this ends inside the table.  Asked before the versions are
 * cut, which write NULs. */
static size_t terminated_end(const char *str, size_t len)
{
	if (len == 0 || str[len - 1] == '\0')
		return len;
	const char *nul = memrchr(str, '\0', len);
	return nul ? (size_t)(nul - str) + 1 : 0;
}

/* Cut the version from every name of the table: cutting each name at its
 * first '@' is writing a NUL over every '@'. */
static void cut_versions(char *str, size_t len)
{
	char *end = str + len;
	for (char *p = str; (p = memchr(p, '@', (size_t)(end - p))) != NULL; p++)
		*p = '\0';
}

static const char *name_or_null(const char *s)
{
	return *s != '\0' ? s : NULL;
}

/* Sort o's symbols by address, aliases kept in their order: least
 * significant digit first, over the digits in which the addresses differ
 * (two passes for an object of up to 4 MiB of code). */
enum { RADIX_BITS = 11, RADIX = 1 << RADIX_BITS };

static int sort_by_address(struct psym_object *o, uintptr_t min, uintptr_t max)
{
	size_t n = o->nsym;
	bool sorted = true;
	for (size_t i = 1; i < n && sorted; i++)
		sorted = o->sym[i - 1].lo <= o->sym[i].lo;
	if (sorted)
		return 0;
	struct psym *tmp = probe_mem_map(o->sym_bytes);
	if (tmp == NULL)
		return -1;
	struct psym *src = o->sym, *dst = tmp;
	uintptr_t range = max - min;
	for (unsigned shift = 0; shift < 64 && (range >> shift) != 0; shift += RADIX_BITS) {
		size_t at[RADIX] = { 0 };
		for (size_t i = 0; i < n; i++)
			at[((src[i].lo - min) >> shift) & (RADIX - 1)]++;
		if (at[((src[0].lo - min) >> shift) & (RADIX - 1)] == n)
			continue; /* one digit for all: nothing moves */
		size_t sum = 0;
		for (unsigned d = 0; d < RADIX; d++) {
			size_t c = at[d];
			at[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[at[((src[i].lo - min) >> shift) & (RADIX - 1)]++] = src[i];
		struct psym *t = src;
		src = dst;
		dst = t;
	}
	if (src == tmp) {
		probe_mem_unmap(o->sym, o->sym_bytes);
		o->sym = tmp;
	} else {
		probe_mem_unmap(tmp, o->sym_bytes);
	}
	return 0;
}

/* A global function between two of one file's functions is that file's. */
static void fill_files(struct psym_object *o)
{
	const char *prev = NULL;
	for (size_t i = 0; i < o->nsym;) {
		if (o->sym[i].file != NULL) {
			prev = o->sym[i].file;
			i++;
			continue;
		}
		size_t j = i + 1;
		while (j < o->nsym && o->sym[j].file == NULL)
			j++;
		if (prev != NULL && j < o->nsym && strcmp(o->sym[j].file, prev) == 0)
			for (size_t k = i; k < j; k++)
				o->sym[k].file = prev;
		i = j;
	}
}

/* The function symbols of one table, relocated by base, and the PLT's
 * stubs (plt may be NULL), each named for the function it calls and
 * filed under PSYM_PLT_FILE. */
static int load_table(struct psym_object *o, uintptr_t base, const Elf64_Sym *sym, size_t n,
		      char *str, size_t str_len, const struct plt *plt)
{
	size_t cap = n + (plt ? plt->n : 0);
	o->sym_bytes = (cap ? cap : 1) * sizeof *o->sym;
	o->sym = probe_mem_map(o->sym_bytes);
	if (o->sym == NULL)
		return -1;
	/* both asked before any cut: the two may be one table */
	size_t ok = terminated_end(str, str_len);
	size_t plt_ok = plt != NULL ? terminated_end(plt->str, plt->str_len) : 0;
	cut_versions(str, str_len);
	uintptr_t min = UINTPTR_MAX, max = 0;
	const char *file = NULL;
	for (size_t i = 0; i < n; i++) {
		const Elf64_Sym *s = &sym[i];
		if (s->st_name >= ok)
			continue; /* a name that is not terminated inside the table */
		unsigned t = ELF64_ST_TYPE(s->st_info);
		if (t == STT_FILE) {
			file = name_or_null(str + s->st_name);
			continue;
		}
		if (t != STT_FUNC || s->st_shndx == SHN_UNDEF)
			continue;
		struct psym *p = &o->sym[o->nsym++];
		p->lo = base + s->st_value;
		p->hi = p->lo + s->st_size;
		p->name = name_or_null(str + s->st_name);
		p->file = ELF64_ST_BIND(s->st_info) == STB_LOCAL ? file : NULL;
		min = p->lo < min ? p->lo : min;
		max = p->lo > max ? p->lo : max;
	}
	if (plt != NULL && plt->n > 0) {
		cut_versions(plt->str, plt->str_len);
		for (size_t i = 0; i < plt->n; i++) {
			size_t k = ELF64_R_SYM(plt->rela[i].r_info);
			if (k >= plt->nsym || plt->sym[k].st_name >= plt_ok)
				continue;
			struct psym *p = &o->sym[o->nsym++];
			p->lo = base + plt->addr + i * PLT_ENTRY;
			p->hi = p->lo + PLT_ENTRY;
			p->name = name_or_null(plt->str + plt->sym[k].st_name);
			p->file = PSYM_PLT_FILE;
			min = p->lo < min ? p->lo : min;
			max = p->lo > max ? p->lo : max;
		}
	}
	if (sort_by_address(o, min, max) != 0)
		return -1;
	fill_files(o);
	return 0;
}

static int load_object(struct psym_object *o)
{
	const char *path = o->path[0] ? o->path : "/proc/self/exe";
	struct elf_file f, dbg = { 0 };
	if (elf_open(path, &f) != 0)
		return 0; /* no file (the vdso), or not one we can read: no symbols */
	o->elf = (struct psym_file){ f.base, f.size };
	const Elf64_Sym *sym;
	size_t n, str_len;
	char *str;
	char dpath[PSYM_PATH];
	struct plt plt;
	const struct plt *pp = elf_plt(&f, &plt) ? &plt : NULL;
	if (elf_debug_path(&f, dpath, sizeof dpath) && elf_open(dpath, &dbg) == 0) {
		if (elf_table(&dbg, SHT_SYMTAB, &sym, &n, &str, &str_len)) {
			o->debug = (struct psym_file){ dbg.base, dbg.size };
			int rc = load_table(o, o->base, sym, n, str, str_len, pp);
			if (pp == NULL) {
				/* no name points into the file itself */
				elf_close(&f);
				o->elf = (struct psym_file){ NULL, 0 };
			}
			return rc;
		}
		elf_close(&dbg);
	}
	if (elf_table(&f, SHT_SYMTAB, &sym, &n, &str, &str_len) ||
	    elf_table(&f, SHT_DYNSYM, &sym, &n, &str, &str_len))
		return load_table(o, o->base, sym, n, str, str_len, pp);
	return 0;
}

static int note_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	struct psym_map *m = arg;
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
	o->base = info->dlpi_addr;
	m->n++;
	return 0;
}

void psym_load(struct psym_map *m)
{
	m->n = 0;
	dl_iterate_phdr(note_object, m);
}

static void drop_symbols(struct psym_object *o)
{
	probe_mem_unmap(o->sym, o->sym_bytes);
	o->sym = NULL;
	o->nsym = o->sym_bytes = 0;
	struct elf_file f = { o->elf.base, o->elf.size }, d = { o->debug.base, o->debug.size };
	elf_close(&f);
	elf_close(&d);
	o->elf = o->debug = (struct psym_file){ NULL, 0 };
}

int psym_read(struct psym_map *m, const struct psym_object *which)
{
	if (which < m->obj || which >= m->obj + m->n)
		return 0;
	struct psym_object *o = &m->obj[which - m->obj];
	if (o->read)
		return 0;
	o->read = true;
	if (load_object(o) != 0) {
		drop_symbols(o);
		return -1;
	}
	return 0;
}

void psym_free(struct psym_map *m)
{
	for (unsigned i = 0; i < m->n; i++)
		drop_symbols(&m->obj[i]);
	m->n = 0;
}

const struct psym_object *psym_object_of(const struct psym_map *m, uintptr_t pc)
{
	for (unsigned i = 0; i < m->n; i++)
		if (pc >= m->obj[i].lo && pc < m->obj[i].hi)
			return &m->obj[i];
	return NULL;
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
		hit->after = o->sym[lo].name;
	if (lo == 0)
		return;
	const struct psym *s = &o->sym[lo - 1];
	/* aliases share an address: any of them that covers pc will do */
	for (size_t k = lo; k-- > 0 && o->sym[k].lo == s->lo;) {
		if (pc < o->sym[k].hi) {
			hit->name = o->sym[k].name;
			hit->file = o->sym[k].file;
			return;
		}
	}
	hit->before = s->name;
}
