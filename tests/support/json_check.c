/* json_check.c — reading a JSON dump in a test: parse it or fail, and
 * look a member up or fail, so a missing key names itself. */
#include "runtime/stats/json.h"
#include "test.h"

struct json *need_json(const char *text, size_t n)
{
	char err[128];
	struct json *j = json_parse(text, n, err, sizeof err);
	if (j == NULL)
		fail_msg("the JSON does not parse: %s", err);
	return j;
}

const struct json *need(const struct json *obj, const char *key)
{
	const struct json *m = json_get(obj, key);
	if (m == NULL)
		fail_msg("the JSON has no \"%s\"", key);
	return m;
}
