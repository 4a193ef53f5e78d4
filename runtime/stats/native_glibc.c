/* native_glibc.c — glibc's malloc_info(0, f) XML, read by a small reader
 * of the subset glibc writes: elements with attributes, nested, no text.
 *
 * The totals at the top level (children of <malloc>) map as sys_glibc.c
 * maps mallinfo2: footprint = system current + mmap, free = fast + rest,
 * allocated = footprint - free.  Anything else glibc writes (per-heap
 * blocks, size bins) is checked for shape and skipped.  Invariant: the
 * text is well formed (every element closed, in order) or it is refused.
 */
#include <stdio.h>
#include <string.h>

#include "dump_native.h"
#include "dump_read.h"

enum { XML_DEPTH_MAX = 16, XML_NAME_MAX = 32, XML_ATTRS_MAX = 8 };

struct xml {
	const char *base, *p, *end;
	char *err;
	size_t errlen;
};

struct xml_attr {
	char key[XML_NAME_MAX];
	const char *v; /* the value's bytes, not NUL-terminated */
	size_t n;
};

struct xml_elem {
	char name[XML_NAME_MAX];
	unsigned nattrs;
	struct xml_attr attr[XML_ATTRS_MAX];
	bool empty; /* <x/> */
};

static unsigned line_of(const struct xml *x)
{
	unsigned line = 1;
	for (const char *q = x->base; q < x->p; q++)
		line += *q == '\n';
	return line;
}

static int bad(struct xml *x, const char *what)
{
	return dump_native_fail(x->err, x->errlen, "line %u: %s", line_of(x), what);
}

static void skip_ws(struct xml *x)
{
	while (x->p < x->end && (*x->p == ' ' || *x->p == '\t' || *x->p == '\n' || *x->p == '\r'))
		x->p++;
}

static bool name_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':'));
}

static int read_name(struct xml *x, char *dst)
{
	size_t n = 0;
	while (x->p < x->end && name_char(*x->p, n == 0)) {
		if (n + 1 >= XML_NAME_MAX)
			return bad(x, "a name longer than 31 bytes");
		dst[n++] = *x->p++;
	}
	dst[n] = '\0';
	if (n == 0 && x->p >= x->end)
		return bad(x, "cut short inside a tag");
	return n == 0 ? bad(x, "a name was expected") : 0;
}

/* After '<': a start tag with its attributes, up to '>' or "/>". */
static int read_start(struct xml *x, struct xml_elem *el)
{
	el->nattrs = 0;
	el->empty = false;
	if (read_name(x, el->name) != 0)
		return -1;
	for (;;) {
		skip_ws(x);
		if (x->p >= x->end)
			return bad(x, "cut short inside a tag");
		if (*x->p == '>') {
			x->p++;
			return 0;
		}
		if (*x->p == '/') {
			if (x->end - x->p < 2 || x->p[1] != '>')
				return bad(x, "'/' not followed by '>'");
			x->p += 2;
			el->empty = true;
			return 0;
		}
		if (el->nattrs == XML_ATTRS_MAX)
			return bad(x, "more than 8 attributes in one tag");
		struct xml_attr *a = &el->attr[el->nattrs++];
		if (read_name(x, a->key) != 0)
			return -1;
		skip_ws(x);
		if (x->p >= x->end)
			return bad(x, "cut short inside a tag");
		if (*x->p != '=')
			return bad(x, "an attribute without '='");
		x->p++;
		skip_ws(x);
		if (x->p >= x->end)
			return bad(x, "cut short inside a tag");
		if (*x->p != '"')
			return bad(x, "an attribute value not in double quotes");
		const char *v = ++x->p;
		while (x->p < x->end && *x->p != '"' && *x->p != '<')
			x->p++;
		if (x->p >= x->end)
			return bad(x, "cut short inside a tag");
		if (*x->p != '"')
			return bad(x, "an attribute value not closed");
		a->v = v;
		a->n = (size_t)(x->p - v);
		x->p++;
	}
}

static const char *attr(const struct xml_elem *el, const char *key, size_t *n)
{
	for (unsigned i = 0; i < el->nattrs; i++)
		if (strcmp(el->attr[i].key, key) == 0) {
			*n = el->attr[i].n;
			return el->attr[i].v;
		}
	return NULL;
}

static bool attr_is(const struct xml_elem *el, const char *key, const char *want)
{
	size_t n;
	const char *v = attr(el, key, &n);
	return v != NULL && n == strlen(want) && memcmp(v, want, n) == 0;
}

/* The top-level totals malloc_info writes, by element and type. */
static const struct {
	const char *elem, *type;
	bool count; /* also a count="" */
	bool required;
} tops[] = {
	{ "total", "fast", true, true },     { "total", "rest", true, true },
	{ "total", "mmap", true, true },     { "system", "current", false, true },
	{ "system", "max", false, false },   { "aspace", "total", false, false },
	{ "aspace", "mprotect", false, false },
};
enum { T_FAST, T_REST, T_MMAP, T_CURRENT, T_MAX, T_ASPACE, T_MPROTECT, T_COUNT };

struct totals {
	uint64_t size[T_COUNT], count[T_COUNT];
	bool seen[T_COUNT];
	uint64_t heaps;
};

static int top_element(struct xml *x, const struct xml_elem *el, struct totals *t)
{
	if (strcmp(el->name, "heap") == 0) {
		t->heaps++;
		return 0;
	}
	for (unsigned i = 0; i < T_COUNT; i++) {
		if (strcmp(el->name, tops[i].elem) != 0 || !attr_is(el, "type", tops[i].type))
			continue;
		size_t n;
		const char *v = attr(el, "size", &n);
		if (v == NULL || !dump_native_u64(v, n, &t->size[i]))
			return bad(x, "a total without a decimal size=\"\"");
		if (tops[i].count) {
			v = attr(el, "count", &n);
			if (v == NULL || !dump_native_u64(v, n, &t->count[i]))
				return bad(x, "a total without a decimal count=\"\"");
		}
		if (t->seen[i])
			return bad(x, "a top-level total given twice");
		t->seen[i] = true;
	}
	return 0; /* an element a newer glibc adds */
}

static int walk(struct xml *x, struct totals *t)
{
	char stack[XML_DEPTH_MAX][XML_NAME_MAX];
	int depth = 0;
	bool root_done = false;
	for (;;) {
		skip_ws(x);
		if (x->p >= x->end)
			break;
		if (*x->p != '<')
			return bad(x, "text outside a tag");
		x->p++;
		if (x->p < x->end && *x->p == '?') { /* <?xml ...?> */
			const char *q = x->p;
			while (q + 1 < x->end && !(q[0] == '?' && q[1] == '>'))
				q++;
			if (q + 1 >= x->end || depth > 0 || root_done)
				return bad(x, "a misplaced or unclosed <?...?>");
			x->p = q + 2;
			continue;
		}
		if (x->p < x->end && *x->p == '/') {
			x->p++;
			char name[XML_NAME_MAX];
			if (read_name(x, name) != 0)
				return -1;
			skip_ws(x);
			if (x->p >= x->end)
				return bad(x, "cut short inside a tag");
			if (*x->p != '>')
				return bad(x, "an end tag not closed by '>'");
			x->p++;
			if (depth == 0 || strcmp(stack[depth - 1], name) != 0)
				return bad(x, "an end tag that closes nothing open");
			if (--depth == 0)
				root_done = true;
			continue;
		}
		struct xml_elem el;
		if (read_start(x, &el) != 0)
			return -1;
		if (root_done)
			return bad(x, "a second top-level element");
		if (depth == 0) {
			if (strcmp(el.name, "malloc") != 0)
				return bad(x, "the top element is not <malloc>");
			size_t n;
			const char *v = attr(&el, "version", &n);
			if (v == NULL)
				return bad(x, "<malloc> without a version");
			if (!attr_is(&el, "version", "1"))
				return dump_native_fail(x->err, x->errlen,
							"malloc_info version \"%.*s\"; this mmlab "
							"reads version \"1\"",
							(int)(n > 20 ? 20 : n), v);
		} else if (depth == 1 && top_element(x, &el, t) != 0) {
			return -1;
		}
		if (el.empty) {
			if (depth == 0)
				root_done = true;
			continue;
		}
		if (depth == XML_DEPTH_MAX)
			return bad(x, "elements nested deeper than 16");
		memcpy(stack[depth++], el.name, XML_NAME_MAX);
	}
	if (depth > 0)
		return dump_native_fail(x->err, x->errlen, "cut short: <%s> is not closed",
					stack[depth - 1]);
	if (!root_done)
		return dump_native_fail(x->err, x->errlen, "no <malloc> element");
	return 0;
}

int dump_native_glibc(const char *text, size_t len, struct stats *s, char *err, size_t errlen)
{
	dump_native_begin(s, "glibc");
	struct xml x = { text, text, text + len, err, errlen };
	struct totals t;
	memset(&t, 0, sizeof t);
	if (walk(&x, &t) != 0)
		return -1;
	for (unsigned i = 0; i < T_COUNT; i++)
		if (tops[i].required && !t.seen[i])
			return dump_native_fail(err, errlen,
						"no top-level <%s type=\"%s\"> (not malloc_info's "
						"output?)",
						tops[i].elem, tops[i].type);
	static const char *const raw[T_COUNT] = { "fast", "rest", "mmap", "system_current",
						  "system_max", "aspace_total", "aspace_mprotect" };
	for (unsigned i = 0; i < T_COUNT; i++) {
		if (!t.seen[i])
			continue;
		char key[32];
		snprintf(key, sizeof key, "%s_bytes", raw[i]);
		alloc_stats_raw(&s->alloc, key, t.size[i]);
		if (tops[i].count) {
			snprintf(key, sizeof key, "%s_count", raw[i]);
			alloc_stats_raw(&s->alloc, key, t.count[i]);
		}
	}
	alloc_stats_raw(&s->alloc, "heaps", t.heaps);
	uint64_t fp = t.size[T_CURRENT] + t.size[T_MMAP];
	uint64_t freeb = t.size[T_FAST] + t.size[T_REST];
	if (fp < t.size[T_CURRENT] || freeb < t.size[T_FAST] || freeb > t.size[T_CURRENT])
		return dump_native_fail(err, errlen,
					"inconsistent totals: free chunks exceed the arenas' size");
	alloc_figure_set(&s->alloc, ALLOC_FIG_FOOTPRINT, fp);
	alloc_figure_set(&s->alloc, ALLOC_FIG_FREE, freeb);
	alloc_figure_set(&s->alloc, ALLOC_FIG_ALLOCATED, fp - freeb);
	return 0;
}
