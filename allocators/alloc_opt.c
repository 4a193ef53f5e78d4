/* alloc_opt.c — "key=value,key=value" for `-a NAME:OPTIONS`.
 *
 * Strict, like the rest of the command line: an empty key, a missing '=',
 * a key or value too long to hold, a size with a stray suffix or one that
 * overflows are all refused, never truncated.
 */
#include "alloc_opt.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

int alloc_opt_size(const struct alloc_opt *o, size_t min, size_t max, size_t *out,
		   const char *who, char *err, size_t errlen)
{
	const char *v = o->value;
	char *end = NULL;
	unsigned long long n = 0;
	int ok = *v >= '0' && *v <= '9';
	if (ok) {
		errno = 0;
		n = strtoull(v, &end, 10);
		ok = errno == 0;
	}
	unsigned shift = 0;
	if (ok && *end != '\0') {
		const char *units = "KMG";
		const char *u = strchr(units, *end & ~0x20);
		ok = u != NULL && *end != '\0' && end[1] == '\0';
		shift = ok ? 10u * (unsigned)(u - units + 1) : 0;
	}
	if (ok && n > (SIZE_MAX >> shift))
		ok = 0;
	size_t bytes = ok ? (size_t)n << shift : 0;
	if (!ok || bytes < min || bytes > max) {
		snprintf(err, errlen,
			 "%s: %s='%s' is not a size from %zu to %zu bytes (e.g. 64K, 4M)", who,
			 o->key, v, min, max);
		return -1;
	}
	*out = bytes;
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
