/* json.c — recursive-descent JSON parser (RFC 8259), bounded in depth.
 *
 * Invariant: on error every node allocated so far is freed and the caller
 * gets NULL and a message; the input is never read past len.
 */
#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char *s;
	size_t len, pos;
	char *err;
	size_t errlen;
	bool failed;
};

static void fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct parser *p, const char *fmt, ...)
{
	if (p->failed)
		return;
	p->failed = true;
	unsigned line = 1, col = 1;
	for (size_t i = 0; i < p->pos && i < p->len; i++) {
		if (p->s[i] == '\n')
			line++, col = 1;
		else
			col++;
	}
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%u:%u: %s", line, col, msg);
}

static int peek(struct parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) && p->s[p->pos])
		p->pos++;
}

static struct json *node(struct parser *p, enum json_kind kind)
{
	struct json *j = calloc(1, sizeof *j);
	if (j == NULL)
		fail(p, "out of memory");
	else
		j->kind = kind;
	return j;
}

static bool literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);
	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return false;
	p->pos += n;
	return true;
}

static int hex4(struct parser *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		int ch = peek(p);
		int d = ch >= '0' && ch <= '9'	 ? ch - '0'
			: ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
			: ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
						 : -1;
		if (d < 0) {
			fail(p, "bad \\u escape");
			return -1;
		}
		v = v * 16 + d;
		p->pos++;
	}
	return v;
}

static void put_utf8(char *out, size_t *n, unsigned cp)
{
	if (cp < 0x80) {
		out[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*n)++] = (char)(0xc0 | (cp >> 6));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		out[(*n)++] = (char)(0xe0 | (cp >> 12));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		out[(*n)++] = (char)(0xf0 | (cp >> 18));
		out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	}
}

/* A string at p->pos (which is at the opening quote), decoded. */
static char *string(struct parser *p)
{
	p->pos++; /* the quote */
	size_t start = p->pos;
	while (p->pos < p->len && p->s[p->pos] != '"') /* bound the output */
		p->pos += p->s[p->pos] == '\\' ? 2 : 1;
	if (p->pos >= p->len) {
		fail(p, "unterminated string");
		return NULL;
	}
	char *out = malloc(p->pos - start + 1);
	if (out == NULL) {
		fail(p, "out of memory");
		return NULL;
	}
	size_t n = 0;
	p->pos = start;
	while (p->s[p->pos] != '"') {
		unsigned char ch = (unsigned char)p->s[p->pos++];
		if (ch < 0x20) {
			p->pos--;
			fail(p, "control character in string");
			free(out);
			return NULL;
		}
		if (ch != '\\') {
			out[n++] = (char)ch;
			continue;
		}
		char esc = p->s[p->pos++];
		switch (esc) {
		case '"': out[n++] = '"'; break;
		case '\\': out[n++] = '\\'; break;
		case '/': out[n++] = '/'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u': {
			int cp = hex4(p);
			if (cp < 0) {
				free(out);
				return NULL;
			}
			/* a \u escape is 6 input bytes; its UTF-8 is at most 4 */
			if (cp >= 0xd800 && cp < 0xdc00 && literal(p, "\\u")) {
				int lo = hex4(p);
				if (lo < 0xdc00 || lo >= 0xe000) {
					fail(p, "bad surrogate pair");
					free(out);
					return NULL;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			put_utf8(out, &n, (unsigned)cp);
			break;
		}
		default:
			p->pos--;
			fail(p, "bad escape '\\%c'", esc);
			free(out);
			return NULL;
		}
	}
	p->pos++; /* closing quote */
	out[n] = '\0';
	return out;
}

static struct json *number(struct parser *p)
{
	size_t start = p->pos;
	if (peek(p) == '-')
		p->pos++;
	if (peek(p) < '0' || peek(p) > '9') {
		fail(p, "bad number");
		return NULL;
	}
	bool integer = true;
	while (p->pos < p->len && strchr("0123456789+-.eE", p->s[p->pos]) && p->s[p->pos]) {
		if (strchr(".eE", p->s[p->pos]))
			integer = false;
		p->pos++;
	}
	char buf[64];
	size_t n = p->pos - start;
	if (n >= sizeof buf) {
		fail(p, "number too long");
		return NULL;
	}
	memcpy(buf, p->s + start, n);
	buf[n] = '\0';
	char *end;
	errno = 0;
	double d = strtod(buf, &end);
	if (*end != '\0') {
		p->pos = start;
		fail(p, "bad number '%s'", buf);
		return NULL;
	}
	struct json *j = node(p, JSON_NUMBER);
	if (j == NULL)
		return NULL;
	j->number = d;
	if (integer) {
		errno = 0;
		if (buf[0] != '-') {
			unsigned long long u = strtoull(buf, &end, 10);
			j->is_u64 = errno == 0;
			j->u64 = u;
			j->is_i64 = j->is_u64 && u <= INT64_MAX;
			j->i64 = (int64_t)u;
		} else {
			long long i = strtoll(buf, &end, 10);
			j->is_i64 = errno == 0;
			j->i64 = i;
		}
	}
	return j;
}

static struct json *value(struct parser *p, int depth);

static struct json *container(struct parser *p, int depth, bool object)
{
	struct json *j = node(p, object ? JSON_OBJECT : JSON_ARRAY);
	if (j == NULL)
		return NULL;
	char close = object ? '}' : ']';
	struct json **tail = &j->child;
	p->pos++;
	skip_ws(p);
	if (peek(p) == close) {
		p->pos++;
		return j;
	}
	for (;;) {
		char *key = NULL;
		if (object) {
			skip_ws(p);
			if (peek(p) != '"') {
				fail(p, "expected a member name");
				break;
			}
			key = string(p);
			if (key == NULL)
				break;
			skip_ws(p);
			if (peek(p) != ':') {
				fail(p, "expected ':'");
				free(key);
				break;
			}
			p->pos++;
		}
		struct json *v = value(p, depth + 1);
		if (v == NULL) {
			free(key);
			break;
		}
		v->key = key;
		*tail = v;
		tail = &v->next;
		j->count++;
		skip_ws(p);
		if (peek(p) == ',') {
			p->pos++;
			continue;
		}
		if (peek(p) == close) {
			p->pos++;
			return j;
		}
		fail(p, "expected ',' or '%c'", close);
		break;
	}
	json_free(j);
	return NULL;
}

static struct json *value(struct parser *p, int depth)
{
	if (depth > JSON_DEPTH_MAX) {
		fail(p, "nesting deeper than %d", JSON_DEPTH_MAX);
		return NULL;
	}
	skip_ws(p);
	int ch = peek(p);
	struct json *j;
	switch (ch) {
	case '{':
		return container(p, depth, true);
	case '[':
		return container(p, depth, false);
	case '"': {
		char *s = string(p);
		if (s == NULL)
			return NULL;
		j = node(p, JSON_STRING);
		if (j == NULL)
			free(s);
		else
			j->string = s;
		return j;
	}
	case 't':
	case 'f':
		if (literal(p, "true") || literal(p, "false")) {
			j = node(p, JSON_BOOL);
			if (j)
				j->boolean = ch == 't';
			return j;
		}
		break;
	case 'n':
		if (literal(p, "null"))
			return node(p, JSON_NULL);
		break;
	case -1:
		fail(p, "unexpected end of input");
		return NULL;
	default:
		if (ch == '-' || (ch >= '0' && ch <= '9'))
			return number(p);
	}
	fail(p, "unexpected character '%c'", ch);
	return NULL;
}

struct json *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct parser p = { .s = text, .len = len, .err = err, .errlen = errlen };
	struct json *j = value(&p, 0);
	if (j != NULL) {
		skip_ws(&p);
		if (p.pos != p.len) {
			fail(&p, "trailing characters after the document");
			json_free(j);
			return NULL;
		}
	}
	return j;
}

void json_free(struct json *j)
{
	while (j != NULL) {
		struct json *next = j->next;
		json_free(j->child);
		free(j->string);
		free(j->key);
		free(j);
		j = next;
	}
}

const struct json *json_get(const struct json *obj, const char *key)
{
	if (obj == NULL || obj->kind != JSON_OBJECT)
		return NULL;
	for (const struct json *m = obj->child; m != NULL; m = m->next)
		if (strcmp(m->key, key) == 0)
			return m;
	return NULL;
}

const char *json_str(const struct json *obj, const char *key, const char *fallback)
{
	const struct json *m = json_get(obj, key);
	return m && m->kind == JSON_STRING ? m->string : fallback;
}
