/* trace.c — reading and writing allocation traces.
 *
 * The file is read whole, then walked line by line, so every refusal names
 * its line; a cut-off file is caught by the .rep header's count or by the
 * missing end line.  '#' and blank lines are skipped; memory comes from
 * mmap, never malloc (see struct trace). */
#include "trace.h"

#include "allocators/pages.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct reader {
	const char *path;
	char *text;
	size_t len, pos;
	size_t text_bytes;  /* the text's mapping */
	uint32_t line;      /* of the line last returned */
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4))) static int fail(struct reader *r, uint32_t line,
						       const char *fmt, ...)
{
	int n = snprintf(r->err, r->errlen, "%s:%" PRIu32 ": ", r->path, line);
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < r->errlen)
		vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Grow the mapping *p of *bytes to hold at least need bytes; false
 * when that fails (the old mapping is left as it was). */
static bool grow_map(void **p, size_t *bytes, size_t need)
{
	if (need <= *bytes)
		return true;
	size_t cap = *bytes ? *bytes : pages_round(1 << 16);
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return false;
		cap *= 2;
	}
	void *q = *p ? pages_remap(*p, *bytes, cap) : pages_map(cap, 0, 0);
	if (q == NULL)
		return false;
	*p = q;
	*bytes = cap;
	return true;
}

static int slurp(struct reader *r)
{
	FILE *f = fopen(r->path, "rb");
	if (f == NULL) {
		snprintf(r->err, r->errlen, "%s: cannot read: %s", r->path, strerror(errno));
		return -1;
	}
	setvbuf(f, NULL, _IONBF, 0); /* no stdio buffer from malloc */
	r->len = 0;
	bool mem = true;
	for (;;) {
		void *text = r->text;
		if (!grow_map(&text, &r->text_bytes, r->len + 4096)) {
			mem = false;
			break;
		}
		r->text = text;
		size_t n = fread(r->text + r->len, 1, r->text_bytes - r->len - 1, f);
		r->len += n;
		if (n == 0)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	if (!mem || bad) {
		snprintf(r->err, r->errlen, "%s: cannot read: %s", r->path,
			 mem ? "read error" : "out of memory");
		return -1;
	}
	r->text[r->len] = '\0';
	const char *nul = memchr(r->text, '\0', r->len);
	if (nul != NULL) {
		uint32_t line = 1;
		for (const char *p = r->text; p < nul; p++)
			line += *p == '\n';
		return fail(r, line, "binary data (a NUL byte): not a trace");
	}
	return 0;
}

/* The next line that is neither blank nor a comment, NUL-terminated with
 * its '\r' dropped; NULL at the end of the file. */
static char *next_line(struct reader *r)
{
	while (r->pos < r->len) {
		char *s = r->text + r->pos;
		char *nl = memchr(s, '\n', r->len - r->pos);
		size_t n = nl ? (size_t)(nl - s) : r->len - r->pos;
		r->pos += n + (nl != NULL);
		r->line++;
		s[n] = '\0';
		if (n > 0 && s[n - 1] == '\r')
			s[--n] = '\0';
		size_t lead = strspn(s, " \t");
		if (s[lead] != '\0' && s[lead] != '#')
			return s + lead;
	}
	return NULL;
}

enum num { NUM_OK, NUM_BAD, NUM_NEG, NUM_BIG };

/* The next whitespace-separated token of *s as a decimal number. */
static enum num number(char **s, uint64_t max, uint64_t *out, char *tok, size_t toklen)
{
	char *p = *s + strspn(*s, " \t");
	size_t n = strcspn(p, " \t");
	snprintf(tok, toklen, "%.*s", (int)n, p);
	*s = p + n;
	if (n == 0)
		return NUM_BAD;
	bool neg = *p == '-';
	const char *d = p + neg;
	if (d == p + n)
		return NUM_BAD;
	uint64_t v = 0;
	for (; d < p + n; d++) {
		if (*d < '0' || *d > '9')
			return NUM_BAD;
		if (v > (UINT64_MAX - 9) / 10)
			return neg ? NUM_NEG : NUM_BIG;
		v = v * 10 + (uint64_t)(*d - '0');
	}
	if (neg && v > 0)
		return NUM_NEG;
	*out = v;
	return v > max ? NUM_BIG : NUM_OK;
}

static bool rest_blank(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

struct loader {
	struct reader r;
	struct trace *t;
	uint32_t *live;     /* per id: the line that allocated it, 0 when not live */
	size_t live_bytes;
	uint32_t max_id;    /* largest id seen, +1 (0: none) */
};

/* Fresh pages read zero, so growing the table clears the new ids. */
static int grow_live(struct loader *L, uint32_t id)
{
	void *p = L->live;
	if (!grow_map(&p, &L->live_bytes, ((size_t)id + 1) * sizeof *L->live))
		return -1;
	L->live = p;
	return 0;
}

static int push(struct loader *L, struct trace_op op)
{
	struct trace *t = L->t;
	void *p = t->ops;
	if (!grow_map(&p, &t->ops_bytes, (size_t)(t->nops + 1) * sizeof *t->ops))
		return fail(&L->r, op.line, "out of memory for %" PRIu64 " operations", t->nops + 1);
	t->ops = p;
	t->ops[t->nops++] = op;
	return 0;
}

/* One operation line; id_limit is the header's id count (rep) or the
 * format's bound (mmlab). */
static int parse_op(struct loader *L, char *s, uint32_t id_limit)
{
	struct reader *r = &L->r;
	char tok[48];
	uint64_t id, size = 0;
	char kind = s[0];
	if ((kind != 'a' && kind != 'r' && kind != 'f') ||
	    (s[1] != ' ' && s[1] != '\t' && s[1] != '\0')) {
		size_t n = strcspn(s, " \t");
		return fail(r, r->line, "unknown operation '%.*s' (expected a, r or f)",
			    (int)(n > 20 ? 20 : n), s);
	}
	s++;
	switch (number(&s, UINT32_MAX, &id, tok, sizeof tok)) {
	case NUM_OK:
		break;
	case NUM_NEG:
		return fail(r, r->line, "negative id %s", tok);
	case NUM_BIG:
		id = UINT64_MAX;
		break;
	case NUM_BAD:
		return fail(r, r->line, tok[0] ? "bad id '%s'" : "missing id%s", tok);
	}
	if (id >= id_limit)
		return fail(r, r->line, "id %s out of range (%s %" PRIu32 " ids)", tok,
			    L->t->format == TRACE_REP ? "the header declares" : "traces hold at most",
			    id_limit);
	if (kind != 'f') {
		switch (number(&s, TRACE_SIZE_MAX, &size, tok, sizeof tok)) {
		case NUM_OK:
			break;
		case NUM_NEG:
			return fail(r, r->line, "negative size %s", tok);
		case NUM_BIG:
			return fail(r, r->line, "size %s too large (at most %" PRIu64 " bytes)", tok,
				    TRACE_SIZE_MAX);
		case NUM_BAD:
			return fail(r, r->line, tok[0] ? "bad size '%s'" : "missing size%s", tok);
		}
	}
	if (!rest_blank(s))
		return fail(r, r->line, "unexpected text after the operation: '%.20s'",
			    s + strspn(s, " \t"));
	uint32_t i = (uint32_t)id;
	if (grow_live(L, i) != 0)
		return fail(r, r->line, "out of memory for %" PRIu32 " ids", i + 1);
	if (kind == 'a' && L->live[i] != 0)
		return fail(r, r->line, "allocation of id %" PRIu32 ", which is live (allocated at line %" PRIu32 ")",
			    i, L->live[i]);
	if (kind == 'f' && L->live[i] == 0)
		return fail(r, r->line, "free of id %" PRIu32 ", which is not allocated", i);
	if (kind == 'f')
		L->live[i] = 0;
	else if (L->live[i] == 0)
		L->live[i] = r->line; /* a realloc of a dead id allocates, as realloc(NULL) */
	if (i + 1 > L->max_id)
		L->max_id = i + 1;
	return push(L, (struct trace_op){ .size = size, .id = i, .line = r->line, .kind = kind });
}

/* The .rep header: the numbers before the first operation, on one line
 * or several; 4 (heap size, ids, ops, weight) or 3 (ids, ops, weight).
 * *s is the first line; it receives the first operation line. */
static int rep_header(struct loader *L, char **s, uint64_t *ops)
{
	struct reader *r = &L->r;
	uint64_t h[4];
	unsigned nh = 0;
	uint32_t header_line = r->line;
	char tok[48];
	for (; *s != NULL && !(**s >= 'a' && **s <= 'z'); *s = next_line(r)) {
		char *p = *s;
		while (!rest_blank(p)) {
			uint64_t v;
			enum num k = number(&p, UINT64_MAX, &v, tok, sizeof tok);
			if (k != NUM_OK)
				return fail(r, r->line, "bad header: '%s' is not a %s", tok,
					    k == NUM_NEG ? "non-negative number" : "number");
			if (nh == 4)
				return fail(r, r->line,
					    "bad header: more than 4 numbers before the first operation");
			h[nh++] = v;
		}
	}
	if (nh < 3 && *s != NULL)
		return fail(r, r->line,
			    "bad header: %u number%s before '%.20s', expected [heap size] ids ops weight",
			    nh, nh == 1 ? "" : "s", *s);
	if (nh < 3)
		return fail(r, header_line,
			    "bad header: %u number%s, expected [heap size] ids ops weight", nh,
			    nh == 1 ? "" : "s");
	uint64_t ids = h[nh - 3];
	*ops = h[nh - 2];
	if (ids > TRACE_IDS_MAX)
		return fail(r, header_line,
			    "bad header: %" PRIu64 " ids is out of range (at most %" PRIu32 ")", ids,
			    TRACE_IDS_MAX);
	if (*ops > TRACE_OPS_MAX)
		return fail(r, header_line,
			    "bad header: %" PRIu64 " operations is out of range (at most %" PRIu64 ")",
			    *ops, TRACE_OPS_MAX);
	L->t->nids = (uint32_t)ids;
	return 0;
}

/* "mmlab-trace 1" */
static int mmlab_header(struct loader *L, char *s)
{
	struct reader *r = &L->r;
	char tok[48];
	uint64_t v;
	s += strlen(TRACE_MAGIC);
	if (number(&s, UINT32_MAX, &v, tok, sizeof tok) != NUM_OK || !rest_blank(s))
		return fail(r, r->line, "bad header: expected '%s %d'", TRACE_MAGIC, TRACE_VERSION);
	if (v != TRACE_VERSION)
		return fail(r, r->line, "unsupported %s version %" PRIu64 " (this mmlab reads %d)",
			    TRACE_MAGIC, v, TRACE_VERSION);
	return 0;
}

/* "end OPS IDS": the counts must match what was read, and nothing but
 * comments may follow. */
static int mmlab_end(struct loader *L, char *s)
{
	struct reader *r = &L->r;
	char tok[48];
	uint64_t ops, ids;
	uint32_t line = r->line;
	s += 3;
	if (number(&s, TRACE_OPS_MAX, &ops, tok, sizeof tok) != NUM_OK ||
	    number(&s, TRACE_IDS_MAX, &ids, tok, sizeof tok) != NUM_OK || !rest_blank(s))
		return fail(r, line, "bad end line: expected 'end OPERATIONS IDS'");
	if (ops != L->t->nops)
		return fail(r, line, "the end line counts %" PRIu64 " operation%s, the file holds %" PRIu64,
			    ops, ops == 1 ? "" : "s", L->t->nops);
	if (ids < L->max_id)
		return fail(r, line, "the end line counts %" PRIu64 " ids, but id %" PRIu32 " is used",
			    ids, L->max_id - 1);
	if (next_line(r) != NULL)
		return fail(r, r->line, "text after the end line");
	L->t->nids = L->max_id;
	return 0;
}

static bool is_word(const char *s, const char *word)
{
	size_t n = strlen(word);
	return strncmp(s, word, n) == 0 && (s[n] == '\0' || s[n] == ' ' || s[n] == '\t');
}

static int load(struct loader *L)
{
	struct reader *r = &L->r;
	struct trace *t = L->t;
	if (slurp(r) != 0)
		return -1;
	char *s = next_line(r);
	if (s == NULL)
		return fail(r, r->line ? r->line : 1, "empty: no header");
	uint64_t declared = 0;
	uint32_t id_limit = TRACE_IDS_MAX;
	if (is_word(s, TRACE_MAGIC)) {
		t->format = TRACE_MMLAB;
		if (mmlab_header(L, s) != 0)
			return -1;
		s = next_line(r);
	} else if ((s[0] >= '0' && s[0] <= '9') || s[0] == '-') {
		t->format = TRACE_REP;
		if (rep_header(L, &s, &declared) != 0)
			return -1;
		id_limit = t->nids;
	} else {
		return fail(r, r->line,
			    "not a trace: expected a .rep header (numbers) or '%s %d'", TRACE_MAGIC,
			    TRACE_VERSION);
	}
	for (; s != NULL; s = next_line(r)) {
		if (t->format == TRACE_MMLAB && is_word(s, "end"))
			return mmlab_end(L, s);
		if (t->format == TRACE_REP && t->nops == declared)
			return fail(r, r->line, "more operations than the header's %" PRIu64, declared);
		if (parse_op(L, s, id_limit) != 0)
			return -1;
	}
	if (t->format == TRACE_MMLAB)
		return fail(r, r->line, "truncated: no end line after %" PRIu64 " operation%s",
			    t->nops, t->nops == 1 ? "" : "s");
	if (t->nops < declared)
		return fail(r, r->line,
			    "truncated: the header declares %" PRIu64 " operations, the file holds %" PRIu64,
			    declared, t->nops);
	t->nids = L->max_id; /* the header's count bounded the ids; the replay needs no more */
	return 0;
}

int trace_load(const char *path, struct trace *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	struct loader L = { .r = { .path = path, .err = err, .errlen = errlen }, .t = t };
	int rc = load(&L);
	pages_unmap(L.r.text, L.r.text_bytes);
	pages_unmap(L.live, L.live_bytes);
	if (rc != 0)
		trace_free(t);
	return rc;
}

void trace_free(struct trace *t)
{
	pages_unmap(t->ops, t->ops_bytes);
	memset(t, 0, sizeof *t);
}

void trace_write_begin(FILE *f)
{
	fprintf(f, "%s %d\n", TRACE_MAGIC, TRACE_VERSION);
}

void trace_write_comment(FILE *f, const char *text)
{
	fprintf(f, "# %s\n", text);
}

void trace_write_op(FILE *f, enum trace_kind kind, uint32_t id, uint64_t size)
{
	if (kind == TRACE_FREE)
		fprintf(f, "f %" PRIu32 "\n", id);
	else
		fprintf(f, "%c %" PRIu32 " %" PRIu64 "\n", (char)kind, id, size);
}

void trace_write_end(FILE *f, uint64_t nops, uint32_t nids)
{
	fprintf(f, "end %" PRIu64 " %" PRIu32 "\n", nops, nids);
}
