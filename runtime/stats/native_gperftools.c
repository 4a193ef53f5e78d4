/* native_gperftools.c — gperftools' tcmalloc MALLOCSTATS text, printed at
 * exit (the same text as MallocExtension::GetStats).
 *
 * Lines "MALLOC: [+=] N (x MiB) what"; each known "what" maps as
 * sys_tcmalloc.c maps the numeric properties: allocated = bytes in use by
 * the application, footprint = actual memory used, free = the four
 * freelists, reserved = virtual address space used.  The per-size-class
 * lines a higher MALLOCSTATS level adds are skipped.
 */
#include <stdio.h>
#include <string.h>

#include "dump_native.h"
#include "dump_read.h"

static const struct {
	const char *what, *raw;
} lines[] = {
	{ "Bytes in use by application", "in_use" },
	{ "Bytes in page heap freelist", "page_heap_free" },
	{ "Bytes in central cache freelist", "central_cache_free" },
	{ "Bytes in transfer cache freelist", "transfer_cache_free" },
	{ "Bytes in thread cache freelists", "thread_cache_free" },
	{ "Bytes in malloc metadata", "metadata" },
	{ "Actual memory used (physical + swap)", "actual_used" },
	{ "Bytes released to OS (aka unmapped)", "released" },
	{ "Virtual address space used", "virtual_used" },
	{ "Spans in use", "spans" },
	{ "Thread heaps in use", "thread_heaps" },
	{ "Tcmalloc page size", "page_size" },
};
enum { L_INUSE, L_PAGEHEAP, L_CENTRAL, L_TRANSFER, L_THREAD, L_META, L_ACTUAL, L_RELEASED,
       L_VIRTUAL, L_SPANS, L_THREADS, L_PAGE, L_COUNT };

int dump_native_gperftools(const char *text, size_t len, struct stats *s, char *err,
			   size_t errlen)
{
	dump_native_begin(s, "gperftools");
	uint64_t v[L_COUNT];
	bool seen[L_COUNT] = { false };
	const char *at = text, *end = text + len, *line;
	size_t n;
	unsigned lineno = 0;
	while (dump_native_line(&at, end, &line, &n)) {
		lineno++;
		if (n < 7 || memcmp(line, "MALLOC:", 7) != 0)
			continue;
		const char *p = line + 7, *le = line + n;
		while (p < le && (*p == ' ' || *p == '+' || *p == '='))
			p++;
		const char *digits = p;
		while (p < le && *p >= '0' && *p <= '9')
			p++;
		if (p == digits)
			continue; /* "MALLOC:   ------------" and "MALLOC:" */
		uint64_t num;
		if (!dump_native_u64(digits, (size_t)(p - digits), &num))
			return dump_native_fail(err, errlen, "line %u: a number out of range",
						lineno);
		while (p < le && *p == ' ')
			p++;
		if (p < le && *p == '(') { /* "(   0.1 MiB)" */
			const char *close = memchr(p, ')', (size_t)(le - p));
			if (close == NULL)
				return dump_native_fail(err, errlen, "line %u: '(' without ')'",
							lineno);
			p = close + 1;
		}
		while (p < le && *p == ' ')
			p++;
		for (unsigned i = 0; i < L_COUNT; i++) {
			size_t wl = strlen(lines[i].what);
			if ((size_t)(le - p) != wl || memcmp(p, lines[i].what, wl) != 0)
				continue;
			if (seen[i])
				return dump_native_fail(err, errlen, "line %u: \"%s\" given twice",
							lineno, lines[i].what);
			v[i] = num;
			seen[i] = true;
		}
	}
	if (!seen[L_INUSE] || !seen[L_ACTUAL])
		return dump_native_fail(err, errlen,
					"no \"MALLOC: ... %s\" line (not MALLOCSTATS output?)",
					lines[seen[L_INUSE] ? L_ACTUAL : L_INUSE].what);
	struct alloc_stats *a = &s->alloc;
	for (unsigned i = 0; i < L_COUNT; i++)
		if (seen[i])
			alloc_stats_raw(a, lines[i].raw, v[i]);
	alloc_figure_set(a, ALLOC_FIG_ALLOCATED, v[L_INUSE]);
	alloc_figure_set(a, ALLOC_FIG_FOOTPRINT, v[L_ACTUAL]);
	if (seen[L_VIRTUAL])
		alloc_figure_set(a, ALLOC_FIG_RESERVED, v[L_VIRTUAL]);
	if (seen[L_PAGEHEAP] && seen[L_CENTRAL] && seen[L_TRANSFER] && seen[L_THREAD]) {
		uint64_t f = 0;
		bool ok = true;
		for (unsigned i = L_PAGEHEAP; i <= L_THREAD; i++) {
			ok &= f + v[i] >= f;
			f += v[i];
		}
		if (ok)
			alloc_figure_set(a, ALLOC_FIG_FREE, f);
	}
	return 0;
}
