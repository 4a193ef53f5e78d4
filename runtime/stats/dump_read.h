/* dump_read.h — every stats dump, mmlab's own and the allocators', read
 * into a list of stats records: the one reader compare, show, plot and
 * report use (docs/compare.md).
 *
 * Formats: mmlab-stats (run --json, the shims' MMLAB_STATS), mmlab-matrix,
 * mmlab-repeat, mmlab-replay, mmlab-sweep, and four native dumps: jemalloc's
 * stats_print JSON, glibc's malloc_info XML, mimalloc's
 * MIMALLOC_SHOW_STATS text and gperftools' MALLOCSTATS text.  The format
 * is recognised from the text itself, never from the file name.
 * Invariant: a dump read is whole — every record fully read and each
 * native figure mapped or listed in `unmapped`; otherwise dump_load
 * returns -1 with one line in err that begins with the file's name and
 * nothing is kept.  Library code: nothing printed, nothing exits.
 */
#ifndef MM_DUMP_READ_H
#define MM_DUMP_READ_H

#include <stddef.h>

#include <jansson.h>

#include "stats.h"

/* Every format, in the order they are tried; DUMP_ANY: recognise it. */
#define DUMP_FORMATS(X)                                                          \
	X(STATS, "mmlab-stats", "one run (mmlab run --json, MMLAB_STATS)")       \
	X(MATRIX, "mmlab-matrix", "every model (mmlab matrix --json)")           \
	X(REPEAT, "mmlab-repeat", "repeated runs (mmlab run --repeat K --json)") \
	X(REPLAY, "mmlab-replay", "trace replays (mmlab replay --json)")         \
	X(SWEEP, "mmlab-sweep", "a time-space curve (mmlab sweep --json)")       \
	X(JEMALLOC, "jemalloc", "jemalloc's stats_print JSON (stats_print_opts:J)") \
	X(GLIBC, "glibc", "glibc's malloc_info XML")                             \
	X(MIMALLOC, "mimalloc", "mimalloc's MIMALLOC_SHOW_STATS text")           \
	X(GPERFTOOLS, "gperftools", "gperftools' MALLOCSTATS text")

enum dump_format {
#define DUMP_FORMAT_ENUM(id, name, what) DUMP_##id,
	DUMP_FORMATS(DUMP_FORMAT_ENUM)
#undef DUMP_FORMAT_ENUM
	DUMP_FORMAT_COUNT,
	DUMP_ANY = DUMP_FORMAT_COUNT
};

/* The largest dump read (bytes); a larger file is refused. */
#define DUMP_SIZE_MAX ((size_t)256 << 20)

/* One multiple of an mmlab-sweep: the ratios are gc's over the
 * reference's (NAN when unknown); run indexes the dump's runs, -1 when
 * the gc run did not finish (status says why). */
struct dump_sweep_row {
	double multiple;
	uint64_t heap_limit_bytes;
	double relative_time, relative_rss, relative_footprint;
	bool ok; /* status "ok" */
	int run;
	char status[128];
};

struct dump {
	enum dump_format format;
	unsigned version;   /* the schema_version read (mmlab formats); 0 for native dumps */
	unsigned nruns;
	struct stats *runs; /* nruns records, on the heap */
	/* mmlab formats: the document as parsed (to show what compare does
	 * not read, e.g. a matrix's table); NULL for native dumps. */
	json_t *doc;
	/* Native dumps: the normalized figures (ALLOC_FIGURES keys) the
	 * format could not give, "requested, resident, ..."; "" otherwise. */
	char unmapped[512];
	/* mmlab-sweep: runs[0] is the reference, then the gc runs that
	 * finished; sweep holds nsweep rows, one per multiple (NULL otherwise). */
	unsigned nsweep;
	struct dump_sweep_row *sweep;
};

/* The format's name ("mmlab-matrix", "glibc") and a line on what it is. */
const char *dump_format_name(enum dump_format f);
const char *dump_format_what(enum dump_format f);

/* Read len bytes of text (NAME in messages) as format f, or DUMP_ANY to
 * recognise it.  0, or -1 with "NAME: reason" in err (d is then empty).
 * A sweep's records: the reference, then one per gc run that finished;
 * its rows in d->sweep.  Records of a replay are one per trace: config.workload is the trace,
 * config.model "replay".  Native dumps give one record whose allocator
 * section holds the mapped figures and the format's own under "raw";
 * config.workload and config.model are "native". */
int dump_read(const char *name, const char *text, size_t len, enum dump_format f, struct dump *d,
	      char *err, size_t errlen);
/* The same from a file: "cannot read PATH: reason" when it cannot be read. */
int dump_load(const char *path, enum dump_format f, struct dump *d, char *err, size_t errlen);
/* Release what dump_read filled (a zeroed dump too). */
void dump_free(struct dump *d);

/* Native readers, each into one record (dump_read calls them; so do the
 * fuzz harnesses): 0, or -1 with the reason (without the name) in err.
 * Each fills s->config (workload and model "native", allocator the
 * format's name), s->alloc with the figures it maps and the format's own
 * under raw, and s->has_alloc. */
int dump_native_jemalloc(const json_t *root, struct stats *s, char *err, size_t errlen);
int dump_native_glibc(const char *text, size_t len, struct stats *s, char *err, size_t errlen);
int dump_native_mimalloc(const char *text, size_t len, struct stats *s, char *err,
			 size_t errlen);
int dump_native_gperftools(const char *text, size_t len, struct stats *s, char *err,
			   size_t errlen);

/* The normalized figures a's backend did not give, as "requested,
 * resident, ..." ("" when every one is known). */
void dump_unmapped(const struct alloc_stats *a, char *buf, size_t len);

#endif
