/* text.c — texts of any length for the command line: a formatted string
 * on the heap, and the "known: a, b, c" list every refusal ends with.
 *
 * Invariant: nothing here cuts a name; a text that cannot be built (no
 * memory) is NULL, and callers say so rather than print half of it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

char *cli_aprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

char *cli_known(unsigned n, const char *(*name_at)(const void *list, unsigned i),
		const void *list)
{
	size_t len = 1;
	for (unsigned i = 0; i < n; i++)
		len += strlen(name_at(list, i)) + 2;
	char *s = malloc(len), *p = s;
	if (s == NULL)
		return NULL;
	*p = '\0';
	for (unsigned i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? ", " : "", name_at(list, i));
	return s;
}

int cli_unknown(const char *what, const char *name, const char *where, unsigned n,
		const char *(*name_at)(const void *list, unsigned i), const void *list)
{
	char *known = cli_known(n, name_at, list);
	cli_error("unknown %s '%s'%s (known: %s)", what, name, where,
		  known ? known : "see mmlab --help");
	free(known);
	return EXIT_USAGE;
}

static const char *model_at(const void *list, unsigned i)
{
	(void)list;
	return mm_model_name((enum mm_model)i);
}

void cli_known_models(char *buf, size_t len)
{
	char *known = cli_known(MM_MODEL_COUNT, model_at, NULL);
	snprintf(buf, len, "%s", known ? known : "see mmlab list");
	free(known);
}
