/* cmd_report.c — `mmlab report DUMP... -o report.html`: one page to hand in.
 *
 * The page stands alone: its style is inline, its charts are the SVG of
 * plot.c inlined, it has no script and names no URL, so it opens from a
 * USB stick, offline, and renders the same everywhere.  Invariant: the
 * page depends on the dumps alone (like the charts), so it can be diffed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plot.h"

static const char usage[] =
	"usage: mmlab report [options] DUMP... -o report.html\n"
	"\n"
	"Write one self-contained HTML page from stats dumps: what ran, a table of\n"
	"the main figures, each sweep's rows, and the charts of mmlab plot inlined\n"
	"as SVG.  Nothing is fetched from a network; the page has no script.  See\n"
	"docs/plot.md.\n"
	"\n"
	"  -o, --output FILE  the page to write ('-': stdout)\n"
	"  -h, --help         show this help\n"
	"\n"
	"Exit status: 0 written, 2 bad input (a dump that cannot be read, a FILE that\n"
	"cannot be written), 3 the page could not be written (a full disk).\n";

static const char style[] =
	"body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em auto;max-width:60em;"
	"color:#202020}\n"
	"h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em}\n"
	"table{border-collapse:collapse;margin:1em 0;font-size:.92em}\n"
	"th,td{border:1px solid #c8c8c8;padding:.3em .6em;text-align:right}\n"
	"th{background:#f0f0f0}td.l,th.l{text-align:left}\n"
	"figure{margin:1.5em 0}figcaption{color:#505050;font-size:.9em}\n"
	"svg{max-width:100%;height:auto}\n";

/* The table's columns. */
static const enum stats_field columns[] = {
	STATS_F_wall_s,		STATS_F_ops_per_s,	STATS_F_pause_count,
	STATS_F_pause_p99_s,	STATS_F_pause_max_s,	STATS_F_mmu_10ms,
	STATS_F_peak_rss_bytes, STATS_F_peak_live_bytes, STATS_F_leaked_bytes,
};

static void cell(FILE *f, const char *cls, const char *text)
{
	fprintf(f, "<td%s>", cls);
	plot_xml_text(f, text);
	fputs("</td>", f);
}

static void write_runs(FILE *f, const struct plot_set *set);
static void write_sweeps(FILE *f, const struct plot_set *set);

static void write_page(FILE *f, const struct plot_set *set)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<title>mmlab report</title>\n<style>\n", f);
	fputs(style, f);
	fputs("</style>\n</head>\n<body>\n<h1>mmlab report</h1>\n", f);
	fprintf(f, "<p>%u run%s", set->n, set->n == 1 ? "" : "s");
	if (set->nsweep > 0)
		fprintf(f, " and %u sweep%s", set->nsweep, set->nsweep == 1 ? "" : "s");
	fputs(", read from the dumps given.</p>\n", f);
	if (set->n > 0)
		write_runs(f, set);
	if (set->nsweep > 0)
		write_sweeps(f, set);
	fputs("<h2>Charts</h2>\n", f);
	for (unsigned c = 0; c < plot_nchart; c++) {
		fputs("<figure>\n", f);
		plot_charts[c].draw(f, set);
		fputs("<figcaption>", f);
		plot_xml_text(f, plot_charts[c].title);
		fputs("</figcaption>\n</figure>\n", f);
	}
	fputs("</body>\n</html>\n", f);
}

/* What ran, and the main figures of each run. */
static void write_runs(FILE *f, const struct plot_set *set)
{

	fputs("<h2>What ran</h2>\n<table>\n<tr><th class=\"l\">run</th><th class=\"l\">"
	      "parameters</th><th class=\"l\">seed</th><th class=\"l\">probes</th>"
	      "<th class=\"l\">mmlab</th><th class=\"l\">compiler</th><th class=\"l\">host</th>"
	      "</tr>\n", f);
	for (unsigned i = 0; i < set->n; i++) {
		const struct stats_config *c = &set->rec[i].config;
		char params[512] = "", seed[32];
		size_t at = 0;
		for (unsigned p = 0; p < c->nparams && at < sizeof params; p++)
			at += (size_t)snprintf(params + at, sizeof params - at, "%s%s=%lld",
					       p ? " " : "", c->params[p].name,
					       (long long)c->params[p].value);
		snprintf(seed, sizeof seed, "%llu", (unsigned long long)c->seed);
		fputs("<tr>", f);
		cell(f, " class=\"l\"", set->label[i]);
		cell(f, " class=\"l\"", params);
		cell(f, " class=\"l\"", seed);
		cell(f, " class=\"l\"", c->probes);
		cell(f, " class=\"l\"", c->mmlab_version);
		cell(f, " class=\"l\"", c->compiler);
		cell(f, " class=\"l\"", c->host);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);

	fputs("<h2>Results</h2>\n<table>\n<tr><th class=\"l\">run</th>", f);
	for (size_t k = 0; k < sizeof columns / sizeof columns[0]; k++) {
		char buf[128];
		fputs("<th>", f);
		plot_xml_text(f, stats_label(columns[k], "ops", buf, sizeof buf));
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (unsigned i = 0; i < set->n; i++) {
		fputs("<tr>", f);
		cell(f, " class=\"l\"", set->label[i]);
		for (size_t k = 0; k < sizeof columns / sizeof columns[0]; k++) {
			char buf[64];
			emit_human(buf, sizeof buf, stats_value(&set->rec[i].results, columns[k]));
			cell(f, "", buf);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n<p>Every figure is defined in docs/metrics.md; '-' is a figure the "
	      "run did not measure.</p>\n", f);
}

/* Each sweep's rows: gc at each heap multiple, relative to manual. */
static void write_sweeps(FILE *f, const struct plot_set *set)
{
	fputs("<h2>Sweeps</h2>\n", f);
	for (unsigned s = 0; s < set->nsweep; s++) {
		const struct plot_sweep *w = &set->sweep[s];
		fputs("<p>", f);
		plot_xml_text(f, w->label);
		fputs("</p>\n<table>\n<tr><th>multiple of peak live</th><th>heap limit</th>"
		      "<th>time/ref</th><th>peak RSS/ref</th><th>peak footprint/ref</th>"
		      "<th class=\"l\">result</th></tr>\n", f);
		for (unsigned k = 0; k < w->n; k++) {
			const struct dump_sweep_row *r = &w->row[k];
			double rel[3] = { r->relative_time, r->relative_rss, r->relative_footprint };
			char buf[64];
			fputs("<tr>", f);
			snprintf(buf, sizeof buf, "%.2f", r->multiple);
			cell(f, "", buf);
			emit_human(buf, sizeof buf, EMIT_U64(EMIT_BYTES, r->heap_limit_bytes));
			cell(f, "", buf);
			for (unsigned j = 0; j < 3; j++) {
				if (isnan(rel[j]))
					snprintf(buf, sizeof buf, "-");
				else
					snprintf(buf, sizeof buf, "%.2f", rel[j]);
				cell(f, "", buf);
			}
			cell(f, " class=\"l\"", r->status);
			fputs("</tr>\n", f);
		}
		fputs("</table>\n", f);
	}
	fputs("<p>time/ref, peak RSS/ref: gc's over manual's (the reference run); one run "
	      "each, so read the trend, not a digit.</p>\n", f);
}

int cmd_report(int argc, char **argv)
{
	const char *path;
	int rc = plot_options("report", usage, argc, argv, &path);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	struct cli_out out;
	if (cli_out_open(&out, path) != EXIT_OK)
		return EXIT_USAGE;
	struct plot_set set;
	rc = plot_read_all(&set, argc - optind, argv + optind);
	if (rc != EXIT_OK) {
		cli_out_discard(&out);
		return rc;
	}
	write_page(out.f, &set);
	free(set.rec);
	return cli_out_commit(&out);
}
