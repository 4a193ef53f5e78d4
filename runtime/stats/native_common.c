/* native_common.c — the helpers the native dump readers share
 * (dump_native.h): the starting record, strict decimal numbers, lines.
 */
#include "dump_native.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void dump_native_begin(struct stats *s, const char *allocator)
{
	memset(s, 0, sizeof *s);
	snprintf(s->config.workload, sizeof s->config.workload, "native");
	snprintf(s->config.model, sizeof s->config.model, "native");
	snprintf(s->config.allocator, sizeof s->config.allocator, "%s", allocator);
	snprintf(s->config.ops_unit, sizeof s->config.ops_unit, "ops");
	snprintf(s->alloc.backend, sizeof s->alloc.backend, "%s", allocator);
	s->has_alloc = true;
}

int dump_native_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

bool dump_native_u64(const char *p, size_t n, uint64_t *out)
{
	if (n == 0 || n > 20)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		unsigned d = (unsigned)(p[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool dump_native_line(const char **at, const char *end, const char **line, size_t *n)
{
	if (*at >= end)
		return false;
	const char *p = *at, *nl = memchr(p, '\n', (size_t)(end - p));
	const char *stop = nl ? nl : end;
	*at = nl ? nl + 1 : end;
	*line = p;
	*n = (size_t)(stop - p);
	if (*n > 0 && p[*n - 1] == '\r')
		(*n)--;
	return true;
}
