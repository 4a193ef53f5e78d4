/* trace.h — allocation traces, the malloc lab's `.rep` and mmlab's own,
 * read into one array of operations (docs/replay.md).
 *
 * Invariant of a loaded trace: every id is below nids, a free names a live
 * id, an allocation one not live, every size is at most TRACE_SIZE_MAX.
 * Error contract: trace_load returns -1 with "FILE:LINE: sentence" in err. */
#ifndef REPLAY_TRACE_H
#define REPLAY_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TRACE_MAGIC "mmlab-trace"
#define TRACE_VERSION 1
#define TRACE_IDS_MAX ((uint32_t)1 << 26)
#define TRACE_OPS_MAX ((uint64_t)1 << 30)
#define TRACE_SIZE_MAX ((uint64_t)1 << 40)

enum trace_kind { TRACE_ALLOC = 'a', TRACE_REALLOC = 'r', TRACE_FREE = 'f' };
enum trace_format { TRACE_REP, TRACE_MMLAB };

struct trace_op {
	uint64_t size;  /* 0 for a free */
	uint32_t id;
	uint32_t line;  /* where it was read, for messages */
	char kind;      /* enum trace_kind */
};

/* The ops live in their own mapping, as does everything the reader
 * needs while it reads: a replay on the system malloc then starts from a
 * heap that loading the trace left as it found it. */
struct trace {
	enum trace_format format;
	uint32_t nids;    /* the largest id used, + 1 (not what a header declares) */
	uint64_t nops;
	struct trace_op *ops;
	size_t ops_bytes; /* the mapping's length */
};

/* Read a whole trace.  0, or -1 with the message in err. */
int trace_load(const char *path, struct trace *t, char *err, size_t errlen);
void trace_free(struct trace *t);

/* Writing mmlab's own format: the first line and comment lines, then one
 * line per operation, then the end line with the counts a reader checks.
 * The text may not hold a newline; it becomes a "# " comment line. */
void trace_write_begin(FILE *f);
void trace_write_comment(FILE *f, const char *text);
void trace_write_op(FILE *f, enum trace_kind kind, uint32_t id, uint64_t size);
void trace_write_end(FILE *f, uint64_t nops, uint32_t nids);

#endif
