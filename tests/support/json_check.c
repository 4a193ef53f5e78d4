/* json_check.c — reading a JSON document in a test, with jansson: parse it
 * or fail, look a member up or fail, so a missing key names itself.  The
 * parse is as strict as mmlab's own reader (duplicate keys, trailing text). */
#include <stdlib.h>

#include "test.h"

json_t *need_json(const char *text, size_t n)
{
	json_error_t je;
	json_t *j = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je);
	if (j == NULL)
		fail_msg("the JSON does not parse: line %d, column %d: %s", je.line, je.column,
			 je.text);
	return j;
}

json_t *need(const json_t *obj, const char *key)
{
	json_t *m = json_object_get(obj, key);
	if (m == NULL)
		fail_msg("the JSON has no \"%s\"", key);
	return m;
}

const char *need_str(const json_t *obj, const char *key)
{
	const json_t *m = need(obj, key);
	if (!json_is_string(m))
		fail_msg("\"%s\" is not a string", key);
	return json_string_value(m);
}

uint64_t need_u64(const json_t *obj, const char *key)
{
	const json_t *m = need(obj, key);
	if (json_is_integer(m) && json_integer_value(m) >= 0)
		return (uint64_t)json_integer_value(m);
	if (json_is_string(m) && strncmp(json_string_value(m), "0x", 2) == 0)
		return strtoull(json_string_value(m) + 2, NULL, 16);
	fail_msg("\"%s\" is not an unsigned integer", key);
	return 0;
}

double need_num(const json_t *obj, const char *key)
{
	const json_t *m = need(obj, key);
	if (!json_is_number(m))
		fail_msg("\"%s\" is not a number", key);
	return json_number_value(m);
}
