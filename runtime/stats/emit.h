/* emit.h — one emitter for both the human table and the JSON dump.
 *
 * Every call names the JSON key and the table label together, so the two
 * formats cannot drift apart.  Objects nest; a table is row objects in JSON;
 * a series (a curve, a timeline) is columns and row arrays in JSON and one
 * line for people.  Bytes go to a write callback (emit_init_file adapts a
 * stdio stream), so the emitter needs no stdio of its own.
 *
 * Contract: a misuse — nesting deeper than EMIT_DEPTH_MAX, an end that does
 * not match its begin, a member where it cannot go — is a programming error:
 * the emitter panics (file:line and a sentence; by default on stderr, then
 * abort()).  A failed write is not: the first one is kept (emit_error) and
 * everything after it is skipped, so a document is whole or known broken.
 */
#ifndef MM_EMIT_H
#define MM_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum emit_format { EMIT_TABLE, EMIT_JSON };

/* How a value reads to people; JSON always gets the raw number. */
enum emit_unit {
	EMIT_COUNT,   /* 12345 */
	EMIT_BYTES,   /* 12.3 MiB */
	EMIT_SECONDS, /* 1.23 s, 4.56 ms, 7.89 us */
	EMIT_RATE,    /* 12.3 M/s */
	EMIT_HEX,     /* 0x0123456789abcdef; a string in JSON (64 bits exact) */
	EMIT_RATIO,   /* 0.123 */
	EMIT_TEXT,    /* a string */
	EMIT_INT,     /* a signed integer */
	EMIT_BYTE_RATE, /* 12.3 MiB/s */
	EMIT_NAME,    /* a name: its key in JSON, its label for people */
};

/* In JSON an unsigned count or byte figure above this is written as a hex
 * string like a checksum: JSON readers (jansson among them) hold integers
 * in a signed 64-bit type, and a double would round it. */
#define EMIT_JSON_INT_MAX ((uint64_t)INT64_MAX)

struct emit_value {
	enum emit_unit unit;
	bool known; /* false: "-" in the table, null in JSON */
	union {
		uint64_t u;
		int64_t i;
		double f;
		const char *s;
	};
	const char *label; /* EMIT_NAME: what people read */
};

#define EMIT_U64(unit_, v) ((struct emit_value){ .unit = (unit_), .known = true, .u = (v) })
#define EMIT_F64(unit_, v) ((struct emit_value){ .unit = (unit_), .known = true, .f = (v) })
#define EMIT_STR(v) ((struct emit_value){ .unit = EMIT_TEXT, .known = true, .s = (v) })
#define EMIT_I64(v) ((struct emit_value){ .unit = EMIT_INT, .known = true, .i = (v) })
#define EMIT_NONE(unit_) ((struct emit_value){ .unit = (unit_), .known = false })
#define EMIT_NAME_OF(key, label_) \
	((struct emit_value){ .unit = EMIT_NAME, .known = true, .s = (key), .label = (label_) })

struct emit_column {
	const char *key;
	const char *label;
	int width; /* table width; negative: left-aligned */
};

/* Write n bytes; 0, or an errno value. */
typedef int (*emit_write_fn)(void *st, const char *text, size_t n);
/* A misuse of the emitter: file:line of the check that caught it and a
 * sentence.  It must not return (the emitter aborts if it does). */
typedef void (*emit_panic_fn)(void *st, const char *file, int line, const char *msg);

/* Open containers, the document included; deeper nesting is a misuse. */
#define EMIT_DEPTH_MAX 16

/* The members are the emitter's own: callers use the functions below. */
struct emitter {
	enum emit_format fmt;
	emit_write_fn write;
	void *write_state;
	emit_panic_fn panic;
	void *panic_state;
	int err;   /* the first failed write's errno; 0 while all went well */
	int depth; /* open containers; 0 outside a document */
	struct emit_frame {
		unsigned char kind; /* what is open (emit.c) */
		bool first;         /* no member written in it yet */
		const char *key;    /* its key, for panic messages */
	} stack[EMIT_DEPTH_MAX];
	const struct emit_column *cols;
	size_t ncols;
	size_t rows;       /* rows of the current table or series so far */
	const char *label; /* the current series' label */
	char msg[160];     /* the last misuse, kept for the panic hook */
};

void emit_init(struct emitter *e, enum emit_format fmt, emit_write_fn write, void *st);
/* Write to a stdio stream (fwrite).  Its buffer is the caller's to flush
 * and check: a full disk often shows only at fflush or fclose. */
void emit_init_file(struct emitter *e, enum emit_format fmt, FILE *out);
/* Replace the default panic (stderr, then abort). */
void emit_on_panic(struct emitter *e, emit_panic_fn fn, void *st);
/* 0, or the errno of the first write that failed. */
int emit_error(const struct emitter *e);

/* The document: a JSON object, or nothing around a table. */
void emit_begin(struct emitter *e);
void emit_end(struct emitter *e);
/* A document's "schema" and "schema_version" keys; JSON only (a table
 * says nothing). */
void emit_schema(struct emitter *e, const char *schema, unsigned version);
/* A blank line between sections of a table; nothing in JSON. */
void emit_break(struct emitter *e);

/* An object: a member of an object (with its key) or of a list (key NULL). */
void emit_object_begin(struct emitter *e, const char *key, const char *label);
void emit_object_end(struct emitter *e);
void emit_kv(struct emitter *e, const char *key, const char *label, struct emit_value v);

/* A list of objects: a JSON array whose members are emit_object_begin
 * with a NULL key; in a table, the objects follow one another. */
void emit_list_begin(struct emitter *e, const char *key, const char *label);
void emit_list_end(struct emitter *e);

/* An array of plain values (JSON) or one line of values (table). */
void emit_array_begin(struct emitter *e, const char *key, const char *label);
void emit_array_value(struct emitter *e, struct emit_value v);
void emit_array_end(struct emitter *e);

/* A table's header line is written with its first row: a table without
 * rows is nothing for people and [] in JSON. */
void emit_table_begin(struct emitter *e, const char *key, const struct emit_column *cols,
		      size_t ncols);
void emit_table_row(struct emitter *e, const struct emit_value *cells);
void emit_table_end(struct emitter *e);

/* A series: {"columns": [keys], "rows": [[v, ...], ...]} in JSON; for
 * people one line, "label  N points". */
void emit_series_begin(struct emitter *e, const char *key, const char *label,
		       const struct emit_column *cols, size_t ncols);
void emit_series_row(struct emitter *e, const struct emit_value *cells);
void emit_series_end(struct emitter *e);

/* A value as people read it, into buf. */
void emit_human(char *buf, size_t len, struct emit_value v);

#endif
