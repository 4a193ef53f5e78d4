/* dump_native.h — what the native dump readers (native_*.c) share: the
 * record they start from, strict numbers and a walk over lines.
 * Internal to runtime/stats; the readers' entry points are in dump_read.h.
 */
#ifndef MM_DUMP_NATIVE_H
#define MM_DUMP_NATIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats.h"

/* Clear s and name its configuration: workload and model "native",
 * allocator and backend the format's name. */
void dump_native_begin(struct stats *s, const char *allocator);

/* A message into err; returns -1. */
int dump_native_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The n bytes at p are a decimal integer that fits 64 bits. */
bool dump_native_u64(const char *p, size_t n, uint64_t *out);

/* Lines of a text: dump_native_line sets *line and *n to the next line
 * (without its '\n' or '\r') and advances *at; false at the end. */
bool dump_native_line(const char **at, const char *end, const char **line, size_t *n);

#endif
