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

int parse_count(const char *opt, const char *arg, unsigned max, const char *unit, unsigned *out)
{
	uint64_t v;
	if (parse_u64(arg, &v) != 0 || v < 1 || v > max) {
		cli_error("%s: '%s' is not a number of %s from 1 to %u", opt, arg, unit, max);
		return EXIT_USAGE;
	}
	*out = (unsigned)v;
	return EXIT_OK;
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
