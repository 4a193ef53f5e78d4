/* emit.c — the emitter: JSON with a comma discipline, tables with labels.
 *
 * JSON invariant: first[depth] is true until the first member at that
 * depth is written, so a comma precedes every member but the first.
 * Table invariant: a label column of LABEL_W characters, indented two
 * spaces per nesting level, so nested sections read as an outline.
 * Both: cols/ncols/rows describe the table or series being written.
 */
#include "emit.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

enum { LABEL_W = 24 };

void emit_init(struct emitter *e, enum emit_format fmt, FILE *out)
{
	memset(e, 0, sizeof *e);
	e->fmt = fmt;
	e->out = out;
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static void json_value(FILE *out, struct emit_value v)
{
	if (!v.known) {
		fputs("null", out);
		return;
	}
	switch (v.unit) {
	case EMIT_HEX:
		fprintf(out, "\"0x%016" PRIx64 "\"", v.u);
		break;
	case EMIT_TEXT:
	case EMIT_NAME:
		json_string(out, v.s ? v.s : "");
		break;
	case EMIT_INT:
		fprintf(out, "%" PRId64, v.i);
		break;
	case EMIT_COUNT:
	case EMIT_BYTES:
		fprintf(out, "%" PRIu64, v.u);
		break;
	case EMIT_SECONDS:
	case EMIT_RATE:
	case EMIT_RATIO:
	case EMIT_BYTE_RATE:
		if (isfinite(v.f))
			fprintf(out, "%.9g", v.f);
		else
			fputs("null", out);
		break;
	}
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

/* JSON: the comma and indentation before a member, and its key. */
static void json_member(struct emitter *e, const char *key)
{
	if (!e->first[e->depth])
		fputc(',', e->out);
	e->first[e->depth] = false;
	fputc('\n', e->out);
	for (int i = 0; i < e->depth; i++)
		fputs("  ", e->out);
	if (key) {
		json_string(e->out, key);
		fputs(": ", e->out);
	}
}

static void push(struct emitter *e)
{
	if (e->depth + 1 < EMIT_DEPTH_MAX)
		e->depth++;
	e->first[e->depth] = true;
}

static void json_close(struct emitter *e, char bracket)
{
	bool empty = e->first[e->depth];
	if (e->depth > 0)
		e->depth--;
	if (!empty) {
		fputc('\n', e->out);
		for (int i = 0; i < e->depth; i++)
			fputs("  ", e->out);
	}
	fputc(bracket, e->out);
}

static void table_indent(struct emitter *e)
{
	for (int i = 1; i < e->depth; i++)
		fputs("  ", e->out);
}

void emit_begin(struct emitter *e)
{
	e->depth = 0;
	e->first[0] = true;
	if (e->fmt == EMIT_JSON) {
		fputc('{', e->out);
		push(e);
	} else {
		e->depth = 1;
	}
}

void emit_schema(struct emitter *e, const char *schema, unsigned version)
{
	if (e->fmt != EMIT_JSON)
		return;
	emit_kv(e, "schema", "schema", EMIT_STR(schema));
	emit_kv(e, "schema_version", "schema version", EMIT_U64(EMIT_COUNT, version));
}

void emit_end(struct emitter *e)
{
	if (e->fmt == EMIT_JSON) {
		json_close(e, '}');
		fputc('\n', e->out);
	}
	fflush(e->out);
}

void emit_object_begin(struct emitter *e, const char *key, const char *label)
{
	if (e->fmt == EMIT_JSON) {
		json_member(e, key);
		fputc('{', e->out);
		push(e);
		return;
	}
	if (label) {
		table_indent(e);
		fprintf(e->out, "%s\n", label);
	}
	push(e);
}

void emit_object_end(struct emitter *e)
{
	if (e->fmt == EMIT_JSON)
		json_close(e, '}');
	else if (e->depth > 0)
		e->depth--;
}

void emit_kv(struct emitter *e, const char *key, const char *label, struct emit_value v)
{
	if (e->fmt == EMIT_JSON) {
		json_member(e, key);
		json_value(e->out, v);
		return;
	}
	char buf[128];
	emit_human(buf, sizeof buf, v);
	table_indent(e);
	int pad = LABEL_W - 2 * (e->depth - 1);
	fprintf(e->out, "%-*s %s\n", pad > 0 ? pad : 0, label, buf);
}

void emit_list_begin(struct emitter *e, const char *key, const char *label)
{
	if (e->fmt == EMIT_JSON) {
		json_member(e, key);
		fputc('[', e->out);
		push(e);
		return;
	}
	if (label) {
		table_indent(e);
		fprintf(e->out, "%s\n", label);
	}
}

void emit_list_end(struct emitter *e)
{
	if (e->fmt == EMIT_JSON)
		json_close(e, ']');
}

void emit_array_begin(struct emitter *e, const char *key, const char *label)
{
	if (e->fmt == EMIT_JSON) {
		json_member(e, key);
		fputc('[', e->out);
		push(e);
		return;
	}
	table_indent(e);
	int pad = LABEL_W - 2 * (e->depth - 1);
	fprintf(e->out, "%-*s", pad > 0 ? pad : 0, label);
	push(e);
}

void emit_array_value(struct emitter *e, struct emit_value v)
{
	if (e->fmt == EMIT_JSON) {
		fputs(e->first[e->depth] ? " " : ", ", e->out);
		e->first[e->depth] = false;
		json_value(e->out, v);
		return;
	}
	char buf[128];
	emit_human(buf, sizeof buf, v);
	fprintf(e->out, " %s", buf);
}

void emit_array_end(struct emitter *e)
{
	if (e->fmt == EMIT_JSON) {
		e->depth--;
		fputs(" ]", e->out);
		return;
	}
	fputc('\n', e->out);
	e->depth--;
}

static void table_cell(struct emitter *e, int width, const char *text, bool last)
{
	if (width < 0)
		fprintf(e->out, "%-*s", -width, text);
	else
		fprintf(e->out, "%*s", width, text);
	fputs(last ? "\n" : "  ", e->out);
}

void emit_table_begin(struct emitter *e, const char *key, const struct emit_column *cols,
		      size_t ncols)
{
	e->cols = cols;
	e->ncols = ncols;
	e->rows = 0;
	if (e->fmt == EMIT_JSON) {
		json_member(e, key);
		fputc('[', e->out);
		push(e);
	}
}

void emit_table_row(struct emitter *e, const struct emit_value *cells)
{
	if (e->fmt == EMIT_JSON) {
		json_member(e, NULL);
		fputc('{', e->out);
		for (size_t i = 0; i < e->ncols; i++) {
			fputs(i ? ", " : " ", e->out);
			json_string(e->out, e->cols[i].key);
			fputs(": ", e->out);
			json_value(e->out, cells[i]);
		}
		fputs(" }", e->out);
		return;
	}
	if (e->rows++ == 0)
		for (size_t i = 0; i < e->ncols; i++)
			table_cell(e, e->cols[i].width, e->cols[i].label, i + 1 == e->ncols);
	char buf[128];
	for (size_t i = 0; i < e->ncols; i++) {
		emit_human(buf, sizeof buf, cells[i]);
		table_cell(e, e->cols[i].width, buf, i + 1 == e->ncols);
	}
}

void emit_table_end(struct emitter *e)
{
	if (e->fmt == EMIT_JSON)
		json_close(e, ']');
	e->cols = NULL;
	e->ncols = 0;
}

void emit_series_begin(struct emitter *e, const char *key, const char *label,
		       const struct emit_column *cols, size_t ncols)
{
	e->cols = cols;
	e->ncols = ncols;
	e->rows = 0;
	e->label = label;
	if (e->fmt != EMIT_JSON)
		return;
	json_member(e, key);
	fputc('{', e->out);
	push(e);
	json_member(e, "columns");
	fputc('[', e->out);
	for (size_t i = 0; i < ncols; i++) {
		fputs(i ? ", " : " ", e->out);
		json_string(e->out, cols[i].key);
	}
	fputs(" ]", e->out);
	json_member(e, "rows");
	fputc('[', e->out);
	push(e);
}

void emit_series_row(struct emitter *e, const struct emit_value *cells)
{
	e->rows++;
	if (e->fmt != EMIT_JSON)
		return;
	json_member(e, NULL);
	fputc('[', e->out);
	for (size_t i = 0; i < e->ncols; i++) {
		fputs(i ? ", " : " ", e->out);
		json_value(e->out, cells[i]);
	}
	fputs(" ]", e->out);
}

void emit_series_end(struct emitter *e)
{
	if (e->fmt == EMIT_JSON) {
		json_close(e, ']');
		json_close(e, '}');
	} else {
		char buf[64];
		snprintf(buf, sizeof buf, "%zu points", e->rows);
		table_indent(e);
		int pad = LABEL_W - 2 * (e->depth - 1);
		fprintf(e->out, "%-*s %s\n", pad > 0 ? pad : 0, e->label ? e->label : "", buf);
	}
	e->cols = NULL;
	e->ncols = 0;
	e->label = NULL;
}
