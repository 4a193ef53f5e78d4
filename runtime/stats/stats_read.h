/* stats_read.h — reading back the JSON documents mmlab writes.
 *
 * A document is parsed whole with jansson (duplicate keys, trailing text,
 * invalid UTF-8 and numbers out of range are refused), then its "schema"
 * and "schema_version" are checked against the one the caller reads;
 * only then are its keys read.  Every refusal is one line in err:
 * "NAME: line L, column C: reason" for text that is not JSON, "NAME:
 * reason" for JSON that is not the document asked for.  Keys this mmlab
 * does not know are ignored (docs/stats-schema.md: keys may be added).
 * Only the CLI and the tests link this file; the preload shims do not.
 */
#ifndef MM_STATS_READ_H
#define MM_STATS_READ_H

#include <stddef.h>

#include <jansson.h>

#include "stats.h"

/* The kind of document a reader takes: its "schema" and the one
 * "schema_version" it understands. */
struct stats_doc_kind {
	const char *schema;
	unsigned version;
};

extern const struct stats_doc_kind stats_doc_record; /* mmlab-stats: one run */

/* Parse len bytes of text (NAME in messages) as a document of kind k.
 * The root object (json_decref it), or NULL with a message in err. */
json_t *stats_doc_parse(const char *name, const char *text, size_t len,
			const struct stats_doc_kind *k, char *err, size_t errlen);
/* Check an already parsed root (NAME in messages) against kind k: root,
 * or NULL with a message in err after json_decref(root). */
json_t *stats_doc_check(const char *name, json_t *root, const struct stats_doc_kind *k,
			char *err, size_t errlen);
/* The same, from a file (named by its path). */
json_t *stats_doc_load(const char *path, const struct stats_doc_kind *k, char *err,
		       size_t errlen);

/* One record from an object: a dump's root, or one run of a list (whose
 * "schema" keys, if any, are not checked).  0, or -1 with a message naming
 * the key (results.ops has the wrong type). */
int stats_from_json(const json_t *obj, struct stats *s, char *err, size_t errlen);

/* A whole mmlab-stats dump, from text or a file: 0, or -1 with a message
 * that begins with NAME (or the path). */
int stats_read(const char *name, const char *text, size_t len, struct stats *s, char *err,
	       size_t errlen);
int stats_read_file(const char *path, struct stats *s, char *err, size_t errlen);

#endif
