/* numbers.c — strict number parsing for the command line.
 *
 * A number is the whole argument or an error: "12x", "", " 3" and values
 * that overflow are all refused, never silently truncated.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int parse_i64(const char *text, int64_t *out)
{
	char *end;
	if (text == NULL || *text == '\0' || strchr(" \t\n+", *text))
		return -1;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int parse_u64(const char *text, uint64_t *out)
{
	char *end;
	if (text == NULL || *text < '0' || *text > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int parse_size(const char *text, uint64_t *out)
{
	char *end;
	if (text == NULL || *text < '0' || *text > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno != 0)
		return -1;
	unsigned shift = 0;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	case 't': case 'T': shift = 40; break;
	default: return -1;
	}
	if (*end != '\0' && end[1] != '\0' && strcmp(end + 1, "iB") != 0 && strcmp(end + 1, "B") != 0)
		return -1;
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}
