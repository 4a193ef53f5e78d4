/* alloc_opt.c — "key=value,key=value" for `-a NAME:OPTIONS`.
 *
 * Strict, like the rest of the command line: an empty key, a missing '=',
 * a key or value too long to hold, a size with a stray suffix or one that
 * overflows are all refused, never truncated.
 */
#include "alloc_opt.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int alloc_opt_next(const char **text, struct alloc_opt *o, const char *who, char *err,
		   size_t errlen)
{
	const char *p = *text;
	if (*p == '\0')
		return 0;
	size_t len = strcspn(p, ",");
	const char *eq = memchr(p, '=', len);
	*text = p[len] == ',' ? p + len + 1 : p + len;
	if (eq == NULL || eq == p) {
		snprintf(err, errlen, "%s: option '%.*s' is not KEY=VALUE", who, (int)len, p);
		return -1;
	}
	size_t klen = (size_t)(eq - p), vlen = len - klen - 1;
	if (klen >= sizeof o->key || vlen >= sizeof o->value) {
		snprintf(err, errlen, "%s: option '%.*s' is too long", who, (int)len, p);
		return -1;
	}
	memcpy(o->key, p, klen);
	o->key[klen] = '\0';
	memcpy(o->value, eq + 1, vlen);
	o->value[vlen] = '\0';
	return 1;
}

int alloc_parse_size(const char *text, uint64_t *out)
{
	if (text == NULL || *text < '0' || *text > '9')
		return -1;
	uint64_t n = 0;
	const char *p = text;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (n > (UINT64_MAX - d) / 10)
			return -1;
		n = n * 10 + d;
	}
	static const char units[] = "kmgt";
	unsigned shift = 0;
	if (*p != '\0') {
		char c = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		const char *u = c != '\0' ? strchr(units, c) : NULL;
		if (u == NULL)
			return -1;
		shift = 10u * (unsigned)(u - units + 1);
		p++;
		if (strcmp(p, "") != 0 && strcmp(p, "B") != 0 && strcmp(p, "iB") != 0)
			return -1;
	}
	if (shift != 0 && n > (UINT64_MAX >> shift))
		return -1;
	*out = n << shift;
	return 0;
}

int alloc_opt_size(const struct alloc_opt *o, size_t min, size_t max, size_t *out,
		   const char *who, char *err, size_t errlen)
{
	uint64_t n = 0;
	int ok = alloc_parse_size(o->value, &n) == 0 && n <= SIZE_MAX;
	if (!ok || n < min || n > max) {
		snprintf(err, errlen,
			 "%s: %s='%s' is not a size from %zu to %zu bytes (e.g. 64K, 4M)", who,
			 o->key, o->value, min, max);
		return -1;
	}
	*out = (size_t)n;
	return 0;
}

int alloc_opt_word(const struct alloc_opt *o, const char *const *words, unsigned n,
		   unsigned *out, const char *who, char *err, size_t errlen)
{
	char known[128] = "";
	size_t used = 0;
	for (unsigned i = 0; i < n; i++) {
		if (strcmp(o->value, words[i]) == 0) {
			*out = i;
			return 0;
		}
		if (used < sizeof known)
			used += (size_t)snprintf(known + used, sizeof known - used, "%s%s",
						 i ? ", " : "", words[i]);
	}
	snprintf(err, errlen, "%s: unknown %s '%s' (known: %s)", who, o->key, o->value, known);
	return -1;
}

int alloc_opt_unknown(const struct alloc_opt *o, const char *known, const char *who,
		      char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: unknown option '%s' (known: %s)", who, o->key, known);
	return -1;
}
