/* model_opts.c — the "key=value,..." parser of model_opts.h.  It writes
 * nothing but err and the declared outputs, and those only on success. */
#include "model_opts.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPTS_MAX = 16 };

int model_opts_parse(const char *model, const char *text, const struct model_opt *opts,
		     unsigned n, char *err, size_t errlen)
{
	int64_t val[OPTS_MAX];
	bool seen[OPTS_MAX] = { false };
	if (n > OPTS_MAX) {
		snprintf(err, errlen, "the %s model declares too many options", model);
		return -1;
	}
	const char *p = text ? text : "";
	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		const char *eq = memchr(p, '=', len);
		size_t klen = eq ? (size_t)(eq - p) : len;
		unsigned i = 0;
		while (i < n && !(strlen(opts[i].key) == klen && memcmp(opts[i].key, p, klen) == 0))
			i++;
		if (i == n || eq == NULL) {
			char names[160] = "";
			for (unsigned k = 0; k < n; k++)
				snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
					 k ? ", " : "", opts[k].key);
			snprintf(err, errlen, "the %s model has no option '%.*s' (%s%s)", model,
				 (int)klen, p, n ? "options: " : "it takes none",
				 n ? names : "");
			return -1;
		}
		if (seen[i]) {
			snprintf(err, errlen, "the %s model's option '%s' is given twice", model,
				 opts[i].key);
			return -1;
		}
		char num[32];
		size_t vlen = len - klen - 1;
		char *end;
		errno = 0;
		snprintf(num, sizeof num, "%.*s", (int)(vlen < sizeof num ? vlen : sizeof num - 1),
			 eq + 1);
		long long v = strtoll(num, &end, 10);
		if (vlen == 0 || vlen >= sizeof num || *end != '\0' || errno != 0 ||
		    v < opts[i].min || v > opts[i].max) {
			snprintf(err, errlen,
				 "the %s model's option %s=%.*s: want an integer from %" PRId64
				 " to %" PRId64,
				 model, opts[i].key, (int)vlen, eq + 1, opts[i].min, opts[i].max);
			return -1;
		}
		val[i] = v;
		seen[i] = true;
		p += len;
		if (*p == ',')
			p++;
	}
	for (unsigned i = 0; i < n; i++)
		if (seen[i])
			*opts[i].out = val[i];
	return 0;
}
