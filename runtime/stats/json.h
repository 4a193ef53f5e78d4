/* json.h — a small JSON reader, for stats dumps read back by mmlab.
 *
 * Parses a whole document into a tree of nodes (malloc'd, freed with
 * json_free).  Integers that fit in 64 bits are kept exactly alongside
 * their double value.  Errors give line:column and never crash; nesting
 * deeper than JSON_DEPTH_MAX is refused.
 */
#ifndef MM_JSON_H
#define MM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_DEPTH_MAX 64

enum json_kind { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_kind kind;
	bool boolean;
	bool is_u64;    /* a non-negative integer held exactly in u64 */
	bool is_i64;    /* an integer held exactly in i64 */
	double number;
	uint64_t u64;
	int64_t i64;
	char *string;   /* JSON_STRING: the decoded text */
	char *key;      /* the member name, inside an object */
	struct json *child; /* first member or element */
	struct json *next;  /* next sibling */
	size_t count;       /* members or elements */
};

struct json *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(struct json *j);

/* The member called key of an object, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);
/* A member's text / number, or the fallback when absent or of another kind. */
const char *json_str(const struct json *obj, const char *key, const char *fallback);

#endif
