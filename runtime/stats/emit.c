/* emit.c — the emitter: JSON with a comma discipline, tables with labels.
 *
 * Invariant: stack[0..depth) holds the open containers, the document first;
 * each frame's `first` is true until a member is written in it, so a comma
 * precedes every JSON member but the first, and JSON indents two spaces
 * per open container.  A table indents its labels two spaces per open
 * object (the document counts as one), so nested sections read as an
 * outline.  Every call checks that it may go where it is; a misuse panics.
 */
#include "emit.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { LABEL_W = 24 };

/* What a frame is; a mask of them says where a call may go. */
enum frame_kind { F_DOC, F_OBJECT, F_LIST, F_ARRAY, F_TABLE, F_SERIES, F_ROWS };
#define IN(k) (1u << (k))
#define IN_MEMBERS (IN(F_DOC) | IN(F_OBJECT)) /* where keyed members go */

static const char *const frame_names[] = {
	[F_DOC] = "the document", [F_OBJECT] = "an object", [F_LIST] = "a list",
	[F_ARRAY] = "an array",	  [F_TABLE] = "a table",    [F_SERIES] = "a series",
	[F_ROWS] = "a series",
};

/* ---- where the bytes go ---- */

static int file_write(void *st, const char *text, size_t n)
{
	errno = 0;
	if (fwrite(text, 1, n, st) == n)
		return 0;
	return errno ? errno : EIO;
}

void emit_init(struct emitter *e, enum emit_format fmt, emit_write_fn write, void *st)
{
	memset(e, 0, sizeof *e);
	e->fmt = fmt;
	e->write = write;
	e->write_state = st;
}

void emit_init_file(struct emitter *e, enum emit_format fmt, FILE *out)
{
	emit_init(e, fmt, file_write, out);
}

void emit_on_panic(struct emitter *e, emit_panic_fn fn, void *st)
{
	e->panic = fn;
	e->panic_state = st;
}

int emit_error(const struct emitter *e)
{
	return e->err;
}

static void put(struct emitter *e, const char *text, size_t n)
{
	if (e->err == 0 && n > 0)
		e->err = e->write(e->write_state, text, n);
}

static void put_str(struct emitter *e, const char *text)
{
	put(e, text, strlen(text));
}

static void put_char(struct emitter *e, char c)
{
	put(e, &c, 1);
}

/* Numbers only: 64 bytes hold any of them. */
static void __attribute__((format(printf, 2, 3))) putf(struct emitter *e, const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	put(e, buf, n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void spaces(struct emitter *e, size_t n)
{
	static const char blank[] = "                                ";
	while (n > 0) {
		size_t k = n < sizeof blank - 1 ? n : sizeof blank - 1;
		put(e, blank, k);
		n -= k;
	}
}

/* text in a field of |width| characters, left-aligned when width < 0 */
static void padded(struct emitter *e, const char *text, int width)
{
	size_t len = strlen(text), w = (size_t)(width < 0 ? -width : width);
	if (width > 0 && len < w)
		spaces(e, w - len);
	put(e, text, len);
	if (width < 0 && len < w)
		spaces(e, w - len);
}

/* ---- misuse ---- */

static _Noreturn void __attribute__((format(printf, 4, 5)))
misuse(struct emitter *e, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	if (e->panic != NULL)
		e->panic(e->panic_state, file, line, e->msg);
	fprintf(stderr, "mmlab: %s:%d: %s\n", file, line, e->msg);
	abort();
}
#define MISUSE(e, ...) misuse((e), __FILE__, __LINE__, __VA_ARGS__)

/* ` "key"` when there is a key, for messages. */
struct quoted {
	char s[48];
};

static struct quoted quoted(const char *key)
{
	struct quoted q = { "" };
	if (key != NULL)
		snprintf(q.s, sizeof q.s, " \"%.40s\"", key);
	return q;
}

/* The innermost open container, for messages: `a list "runs"`. */
static struct quoted top_name(const struct emitter *e)
{
	const struct emit_frame *top = &e->stack[e->depth - 1];
	struct quoted q;
	snprintf(q.s, sizeof q.s, "%s%s", frame_names[top->kind], quoted(top->key).s);
	return q;
}

/* The call `what` (on `key`) may go only where `where` allows, and may
 * open `opens` more containers. */
static void check(struct emitter *e, unsigned where, const char *what, const char *key,
		  int opens)
{
	if (e->depth == 0)
		MISUSE(e, "%s%s outside a document (no emit_begin)", what, quoted(key).s);
	const struct emit_frame *top = &e->stack[e->depth - 1];
	if (!(where & IN(top->kind)))
		MISUSE(e, "%s%s inside %s, where it cannot go", what, quoted(key).s,
		       top_name(e).s);
	if (e->depth + opens > EMIT_DEPTH_MAX)
		MISUSE(e, "%s%s nests deeper than EMIT_DEPTH_MAX (%d)", what, quoted(key).s,
		       EMIT_DEPTH_MAX);
}

/* Only after check() made room. */
static void push(struct emitter *e, enum frame_kind kind, const char *key)
{
	e->stack[e->depth++] = (struct emit_frame){ .kind = (unsigned char)kind, .first = true,
						    .key = key };
}

/* Close the innermost frame, which must be of kind `kind`; true when
 * something was written in it. */
static bool pop(struct emitter *e, enum frame_kind kind, const char *what)
{
	if (e->depth == 0)
		MISUSE(e, "%s with nothing open", what);
	const struct emit_frame *top = &e->stack[e->depth - 1];
	if (top->kind != kind)
		MISUSE(e, "%s closes %s", what, top_name(e).s);
	e->depth--;
	return !top->first;
}

/* ---- JSON ---- */

/* The length of a valid UTF-8 sequence at p, or 0 (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char c = p[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* A JSON string; a byte that is not valid UTF-8 becomes U+FFFD, so the
 * document stays JSON whatever a path or a host name holds. */
static void out_string(struct emitter *e, const char *s)
{
	put_char(e, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		switch (*p) {
		case '"': put_str(e, "\\\""); p++; continue;
		case '\\': put_str(e, "\\\\"); p++; continue;
		case '\n': put_str(e, "\\n"); p++; continue;
		case '\t': put_str(e, "\\t"); p++; continue;
		case '\r': put_str(e, "\\r"); p++; continue;
		default: break;
		}
		if (*p < 0x20) {
			putf(e, "\\u%04x", *p);
			p++;
		} else if (*p < 0x80) {
			put_char(e, (char)*p);
			p++;
		} else {
			size_t n = utf8_len(p);
			if (n == 0) {
				put_str(e, "\\ufffd");
				p++;
			} else {
				put(e, (const char *)p, n);
				p += n;
			}
		}
	}
	put_char(e, '"');
}

static void out_value(struct emitter *e, struct emit_value v)
{
	if (!v.known) {
		put_str(e, "null");
		return;
	}
	switch (v.unit) {
	case EMIT_HEX:
		putf(e, "\"0x%016" PRIx64 "\"", v.u);
		break;
	case EMIT_TEXT:
	case EMIT_NAME:
		out_string(e, v.s ? v.s : "");
		break;
	case EMIT_INT:
		putf(e, "%" PRId64, v.i);
		break;
	case EMIT_COUNT:
	case EMIT_BYTES:
		if (v.u > EMIT_JSON_INT_MAX)
			putf(e, "\"0x%016" PRIx64 "\"", v.u);
		else
			putf(e, "%" PRIu64, v.u);
		break;
	case EMIT_SECONDS:
	case EMIT_RATE:
	case EMIT_RATIO:
	case EMIT_BYTE_RATE:
		if (isfinite(v.f))
			putf(e, "%.9g", v.f);
		else
			put_str(e, "null");
		break;
	}
}

static void newline_indent(struct emitter *e)
{
	put_char(e, '\n');
	spaces(e, 2 * (size_t)e->depth);
}

/* The comma and indentation before a member, and its key. */
static void out_member(struct emitter *e, const char *key)
{
	struct emit_frame *top = &e->stack[e->depth - 1];
	if (!top->first)
		put_char(e, ',');
	top->first = false;
	newline_indent(e);
	if (key) {
		out_string(e, key);
		put_str(e, ": ");
	}
}

static void open_json(struct emitter *e, enum frame_kind kind, const char *key, char bracket)
{
	out_member(e, key);
	put_char(e, bracket);
	push(e, kind, key);
}

static void close_json(struct emitter *e, enum frame_kind kind, const char *what, char bracket)
{
	if (pop(e, kind, what))
		newline_indent(e);
	put_char(e, bracket);
}

/* ---- values for people ---- */

/* The text of a value for people: a string as it is (any length), any
 * other value formatted into buf. */
static const char *human_text(char *buf, size_t len, struct emit_value v)
{
	if (v.known && v.unit == EMIT_TEXT)
		return v.s ? v.s : "";
	if (v.known && v.unit == EMIT_NAME)
		return v.label ? v.label : v.s ? v.s : "";
	emit_human(buf, len, v);
	return buf;
}

void emit_human(char *buf, size_t len, struct emit_value v)
{
	static const char *const bytes[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	static const char *const rates[] = { "", " k", " M", " G", " T" };
	if (!v.known) {
		snprintf(buf, len, "-");
		return;
	}
	switch (v.unit) {
	case EMIT_COUNT:
		snprintf(buf, len, "%" PRIu64, v.u);
		break;
	case EMIT_INT:
		snprintf(buf, len, "%" PRId64, v.i);
		break;
	case EMIT_HEX:
		snprintf(buf, len, "0x%016" PRIx64, v.u);
		break;
	case EMIT_TEXT:
		snprintf(buf, len, "%s", v.s ? v.s : "");
		break;
	case EMIT_NAME:
		snprintf(buf, len, "%s", v.label ? v.label : v.s ? v.s : "");
		break;
	case EMIT_BYTE_RATE: {
		double x = isfinite(v.f) ? v.f : 0;
		unsigned i = 0;
		while (x >= 1024 && i + 1 < sizeof bytes / sizeof bytes[0])
			x /= 1024, i++;
		snprintf(buf, len, "%.1f %s/s", x, bytes[i]);
		break;
	}
	case EMIT_BYTES: {
		double x = (double)v.u;
		unsigned i = 0;
		while (x >= 1024 && i + 1 < sizeof bytes / sizeof bytes[0])
			x /= 1024, i++;
		if (i == 0)
			snprintf(buf, len, "%" PRIu64 " B", v.u);
		else
			snprintf(buf, len, "%.1f %s", x, bytes[i]);
		break;
	}
	case EMIT_SECONDS: {
		double s = v.f;
		if (s == 0)
			snprintf(buf, len, "0 s");
		else if (s >= 1)
			snprintf(buf, len, "%.3f s", s);
		else if (s >= 1e-3)
			snprintf(buf, len, "%.3f ms", s * 1e3);
		else if (s >= 1e-6)
			snprintf(buf, len, "%.3f us", s * 1e6);
		else
			snprintf(buf, len, "%.0f ns", s * 1e9);
		break;
	}
	case EMIT_RATE: {
		double x = v.f;
		unsigned i = 0;
		while (x >= 1000 && i + 1 < sizeof rates / sizeof rates[0])
			x /= 1000, i++;
		snprintf(buf, len, "%.2f%s/s", x, rates[i]);
		break;
	}
	case EMIT_RATIO:
		snprintf(buf, len, "%.4f", v.f);
		break;
	}
}

/* ---- tables ---- */

/* Open objects, the document counted as one. */
static int table_level(const struct emitter *e)
{
	int level = 0;
	for (int i = 0; i < e->depth; i++)
		level += e->stack[i].kind == F_DOC || e->stack[i].kind == F_OBJECT;
	return level;
}

static void table_indent(struct emitter *e)
{
	spaces(e, 2 * (size_t)(table_level(e) - 1));
}

/* An indented label in the label column. */
static void table_label(struct emitter *e, const char *label)
{
	table_indent(e);
	int pad = LABEL_W - 2 * (table_level(e) - 1);
	padded(e, label ? label : "", pad > 0 ? -pad : 0);
}

static void table_cell(struct emitter *e, int width, const char *text, bool last)
{
	padded(e, text, width);
	put_str(e, last ? "\n" : "  ");
}

/* ---- the primitives ---- */

void emit_begin(struct emitter *e)
{
	if (e->depth != 0)
		MISUSE(e, "emit_begin inside %s", top_name(e).s);
	if (e->fmt == EMIT_JSON)
		put_char(e, '{');
	push(e, F_DOC, NULL);
}

void emit_end(struct emitter *e)
{
	if (e->depth > 1)
		MISUSE(e, "emit_end with %s still open", top_name(e).s);
	if (e->fmt == EMIT_JSON) {
		close_json(e, F_DOC, "emit_end", '}');
		put_char(e, '\n');
	} else {
		pop(e, F_DOC, "emit_end");
	}
}

void emit_schema(struct emitter *e, const char *schema, unsigned version)
{
	check(e, IN_MEMBERS, "emit_schema", schema, 0);
	if (e->fmt != EMIT_JSON)
		return;
	emit_kv(e, "schema", "schema", EMIT_STR(schema));
	emit_kv(e, "schema_version", "schema version", EMIT_U64(EMIT_COUNT, version));
}

void emit_break(struct emitter *e)
{
	check(e, IN_MEMBERS, "emit_break", NULL, 0);
	if (e->fmt == EMIT_TABLE)
		put_char(e, '\n');
}

void emit_object_begin(struct emitter *e, const char *key, const char *label)
{
	if (key == NULL)
		check(e, IN(F_LIST), "emit_object_begin without a key", NULL, 1);
	else
		check(e, IN_MEMBERS, "emit_object_begin", key, 1);
	if (e->fmt == EMIT_JSON) {
		open_json(e, F_OBJECT, key, '{');
		return;
	}
	if (label) {
		table_indent(e);
		put_str(e, label);
		put_char(e, '\n');
	}
	push(e, F_OBJECT, key);
}

void emit_object_end(struct emitter *e)
{
	if (e->fmt == EMIT_JSON)
		close_json(e, F_OBJECT, "emit_object_end", '}');
	else
		pop(e, F_OBJECT, "emit_object_end");
}

void emit_kv(struct emitter *e, const char *key, const char *label, struct emit_value v)
{
	check(e, IN_MEMBERS, "emit_kv", key, 0);
	if (key == NULL)
		MISUSE(e, "emit_kv without a key (label%s)", quoted(label).s);
	if (e->fmt == EMIT_JSON) {
		out_member(e, key);
		out_value(e, v);
		return;
	}
	char buf[128];
	const char *text = human_text(buf, sizeof buf, v);
	table_label(e, label);
	put_char(e, ' ');
	put_str(e, text);
	put_char(e, '\n');
}

void emit_list_begin(struct emitter *e, const char *key, const char *label)
{
	check(e, IN_MEMBERS, "emit_list_begin", key, 1);
	if (e->fmt == EMIT_JSON) {
		open_json(e, F_LIST, key, '[');
		return;
	}
	if (label) {
		table_indent(e);
		put_str(e, label);
		put_char(e, '\n');
	}
	push(e, F_LIST, key);
}

void emit_list_end(struct emitter *e)
{
	if (e->fmt == EMIT_JSON)
		close_json(e, F_LIST, "emit_list_end", ']');
	else
		pop(e, F_LIST, "emit_list_end");
}

void emit_array_begin(struct emitter *e, const char *key, const char *label)
{
	check(e, IN_MEMBERS, "emit_array_begin", key, 1);
	if (e->fmt == EMIT_JSON) {
		open_json(e, F_ARRAY, key, '[');
		return;
	}
	table_label(e, label);
	push(e, F_ARRAY, key);
}

void emit_array_value(struct emitter *e, struct emit_value v)
{
	check(e, IN(F_ARRAY), "emit_array_value", NULL, 0);
	struct emit_frame *top = &e->stack[e->depth - 1];
	if (e->fmt == EMIT_JSON) {
		put_str(e, top->first ? " " : ", ");
		top->first = false;
		out_value(e, v);
		return;
	}
	char buf[128];
	const char *text = human_text(buf, sizeof buf, v);
	put_char(e, ' ');
	put_str(e, text);
}

void emit_array_end(struct emitter *e)
{
	pop(e, F_ARRAY, "emit_array_end");
	put_str(e, e->fmt == EMIT_JSON ? " ]" : "\n");
}

void emit_table_begin(struct emitter *e, const char *key, const struct emit_column *cols,
		      size_t ncols)
{
	check(e, IN_MEMBERS, "emit_table_begin", key, 1);
	e->cols = cols;
	e->ncols = ncols;
	e->rows = 0;
	if (e->fmt == EMIT_JSON)
		open_json(e, F_TABLE, key, '[');
	else
		push(e, F_TABLE, key);
}

void emit_table_row(struct emitter *e, const struct emit_value *cells)
{
	check(e, IN(F_TABLE), "emit_table_row", NULL, 0);
	if (e->fmt == EMIT_JSON) {
		out_member(e, NULL);
		put_char(e, '{');
		for (size_t i = 0; i < e->ncols; i++) {
			put_str(e, i ? ", " : " ");
			out_string(e, e->cols[i].key);
			put_str(e, ": ");
			out_value(e, cells[i]);
		}
		put_str(e, " }");
		return;
	}
	if (e->rows++ == 0)
		for (size_t i = 0; i < e->ncols; i++)
			table_cell(e, e->cols[i].width, e->cols[i].label, i + 1 == e->ncols);
	char buf[128];
	for (size_t i = 0; i < e->ncols; i++)
		table_cell(e, e->cols[i].width, human_text(buf, sizeof buf, cells[i]),
			   i + 1 == e->ncols);
}

void emit_table_end(struct emitter *e)
{
	if (e->fmt == EMIT_JSON)
		close_json(e, F_TABLE, "emit_table_end", ']');
	else
		pop(e, F_TABLE, "emit_table_end");
	e->cols = NULL;
	e->ncols = 0;
}

void emit_series_begin(struct emitter *e, const char *key, const char *label,
		       const struct emit_column *cols, size_t ncols)
{
	check(e, IN_MEMBERS, "emit_series_begin", key, 2);
	e->cols = cols;
	e->ncols = ncols;
	e->rows = 0;
	e->label = label;
	if (e->fmt != EMIT_JSON) {
		push(e, F_SERIES, key);
		push(e, F_ROWS, key);
		return;
	}
	open_json(e, F_SERIES, key, '{');
	out_member(e, "columns");
	put_char(e, '[');
	for (size_t i = 0; i < ncols; i++) {
		put_str(e, i ? ", " : " ");
		out_string(e, cols[i].key);
	}
	put_str(e, " ]");
	open_json(e, F_ROWS, "rows", '[');
}

void emit_series_row(struct emitter *e, const struct emit_value *cells)
{
	check(e, IN(F_ROWS), "emit_series_row", NULL, 0);
	e->rows++;
	if (e->fmt != EMIT_JSON)
		return;
	out_member(e, NULL);
	put_char(e, '[');
	for (size_t i = 0; i < e->ncols; i++) {
		put_str(e, i ? ", " : " ");
		out_value(e, cells[i]);
	}
	put_str(e, " ]");
}

void emit_series_end(struct emitter *e)
{
	if (e->fmt == EMIT_JSON) {
		close_json(e, F_ROWS, "emit_series_end", ']');
		close_json(e, F_SERIES, "emit_series_end", '}');
	} else {
		pop(e, F_ROWS, "emit_series_end");
		pop(e, F_SERIES, "emit_series_end");
		char buf[64];
		snprintf(buf, sizeof buf, "%zu point%s", e->rows, e->rows == 1 ? "" : "s");
		table_label(e, e->label);
		put_char(e, ' ');
		put_str(e, buf);
		put_char(e, '\n');
	}
	e->cols = NULL;
	e->ncols = 0;
	e->label = NULL;
}
