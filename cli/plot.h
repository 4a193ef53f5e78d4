/* plot.h — SVG charts of stats records, for `mmlab plot` and `mmlab report`.
 *
 * The charts are hand-written SVG (plot.c), so mmlab needs no plotting
 * tool: docs/plot.md says why.  Invariant: the same records give the same
 * bytes (coordinates and labels are printed with fixed formats, nothing
 * depends on the time, the locale or the host), so charts are golden-tested.
 */
#ifndef CLI_PLOT_H
#define CLI_PLOT_H

#include <stdio.h>

#include "runtime/stats/dump_read.h"
#include "runtime/stats/stats.h"

enum { PLOT_RECORDS_MAX = 64, PLOT_SWEEPS_MAX = 8, PLOT_SWEEP_ROWS = 32 };

/* A sweep's curve (mmlab sweep --json): its rows, and its legend label. */
struct plot_sweep {
	char label[160];
	unsigned n;
	struct dump_sweep_row row[PLOT_SWEEP_ROWS];
};

/* The records read from the dumps given, each with its legend label, and
 * the sweeps (whose records are not charted one by one: a sweep is its
 * curve). */
struct plot_set {
	unsigned n;
	struct stats *rec; /* PLOT_RECORDS_MAX of them */
	char label[PLOT_RECORDS_MAX][160];
	unsigned nsweep;
	struct plot_sweep sweep[PLOT_SWEEPS_MAX];
};

/* Read every record of the dump at path into set: an mmlab-stats record,
 * or a document holding records in "runs" (matrix, repeat, exec); an
 * mmlab-sweep adds a sweep.  0, or -1 with one line in err naming the
 * file and what is wrong. */
int plot_load(struct plot_set *set, const char *path, char *err, size_t errlen);
/* Give every record its label ("workload model/allocator", numbered when
 * two are alike). */
void plot_label(struct plot_set *set);

/* The charts: each writes one whole <svg> element to f. */
struct plot_chart {
	const char *file;  /* "pauses.svg" */
	const char *title; /* what it shows */
	void (*draw)(FILE *f, const struct plot_set *set);
};
extern const struct plot_chart plot_charts[];
extern const unsigned plot_nchart;

/* The CLI side (cmd_plot.c), shared with report: -o and -h, then the
 * dumps (EXIT_OK; -1 after --help; EXIT_USAGE after one line); reading
 * every dump into set (set->rec on the heap: free it), EXIT_OK or
 * EXIT_USAGE after the line naming the file. */
int plot_options(const char *cmd, const char *use, int argc, char **argv, const char **output);
int plot_read_all(struct plot_set *set, int n, char **paths);

/* text with &, <, > and " escaped for XML. */
void plot_xml_text(FILE *f, const char *text);

#endif
