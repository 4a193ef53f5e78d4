/* plot.c — reading dumps for charts, and the charts as hand-written SVG.
 *
 * A chart is a frame (plot area, axes with labels and units, a legend)
 * and marks in it: bars, polylines.  Words: a "scale" maps a value to a
 * pixel, linear or log10.  Invariant: every number written goes through
 * num() ("%.1f" pixels) or a fixed label format, so output is byte-stable.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runtime/stats/dump_read.h"
#include "runtime/stats/stats_read.h"
#include "cli.h"
#include "plot.h"

/* ---- reading ---- */

/* Append n records to set; -1 with a message when they do not fit. */
static int keep(struct plot_set *set, const char *path, const struct stats *runs, unsigned n,
		char *err, size_t errlen)
{
	if (set->n + n > PLOT_RECORDS_MAX) {
		snprintf(err, errlen, "%s: more than %d records in all", path, PLOT_RECORDS_MAX);
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		set->rec[set->n++] = runs[i];
	return 0;
}

/* A sweep: its rows, labelled "WORKLOAD k=v... gc[:OPTS] vs manual/ALLOC". */
static int keep_sweep(struct plot_set *set, const char *path, const struct dump *d, char *err,
		      size_t errlen)
{
	if (set->nsweep == PLOT_SWEEPS_MAX || d->nsweep > PLOT_SWEEP_ROWS) {
		snprintf(err, errlen, "%s: more than %d sweeps in all, or more than %d rows in one",
			 path, PLOT_SWEEPS_MAX, PLOT_SWEEP_ROWS);
		return -1;
	}
	struct plot_sweep *w = &set->sweep[set->nsweep++];
	const struct stats_config *c = &d->runs[0].config;
	const json_t *config = json_object_get(d->doc, "config");
	const char *model = json_string_value(json_object_get(config, "model"));
	const char *opts = json_string_value(json_object_get(config, "model_options"));
	size_t at = (size_t)snprintf(w->label, sizeof w->label, "%.40s", c->workload);
	for (unsigned p = 0; p < c->nparams && at < sizeof w->label; p++)
		at += (size_t)snprintf(w->label + at, sizeof w->label - at, " %.24s=%lld",
				       c->params[p].name, (long long)c->params[p].value);
	if (at < sizeof w->label)
		snprintf(w->label + at, sizeof w->label - at, ", %.20s%s%.30s vs manual/%.30s",
			 model ? model : "gc", opts && *opts ? ":" : "", opts ? opts : "",
			 c->allocator);
	w->n = d->nsweep;
	memcpy(w->row, d->sweep, d->nsweep * sizeof *d->sweep);
	return 0;
}

/* An mmlab-exec dump (cmd_exec.c): each run's allocator record. */
static int load_exec(struct plot_set *set, const char *path, json_t *root, char *err,
		     size_t errlen)
{
	json_t *runs = json_object_get(root, "runs");
	if (!json_is_array(runs)) {
		snprintf(err, errlen, "%s: an mmlab-exec dump without \"runs\"", path);
		return -1;
	}
	size_t i;
	json_t *run;
	json_array_foreach(runs, i, run) {
		json_t *rec = json_object_get(run, "record");
		if (!json_is_object(rec))
			continue; /* the program left no record */
		if (set->n == PLOT_RECORDS_MAX) {
			snprintf(err, errlen, "%s: more than %d records in all", path,
				 PLOT_RECORDS_MAX);
			return -1;
		}
		char why[256];
		if (stats_from_json(rec, &set->rec[set->n], why, sizeof why) != 0) {
			snprintf(err, errlen, "%s: runs[%zu].record: %s", path, i, why);
			return -1;
		}
		set->n++;
	}
	return 0;
}

int plot_load(struct plot_set *set, const char *path, char *err, size_t errlen)
{
	/* mmlab exec's dumps are read here; every other kind by the one
	 * reader of dumps (runtime/stats/dump_read.h) */
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
	const char *schema = json_string_value(json_object_get(root, "schema"));
	if (schema != NULL && strcmp(schema, "mmlab-exec") == 0) {
		int rc = load_exec(set, path, root, err, errlen);
		json_decref(root);
		return rc;
	}
	json_decref(root);
	struct dump d = { 0 };
	if (dump_load(path, DUMP_ANY, &d, err, errlen) != 0)
		return -1;
	int rc = d.format == DUMP_SWEEP ? keep_sweep(set, path, &d, err, errlen)
					: keep(set, path, d.runs, d.nruns, err, errlen);
	dump_free(&d);
	return rc;
}

void plot_label(struct plot_set *set)
{
	for (unsigned i = 0; i < set->n; i++) {
		const struct stats_config *c = &set->rec[i].config;
		snprintf(set->label[i], sizeof set->label[i], "%.60s %.40s/%.40s", c->workload,
			 c->model, c->allocator);
	}
	for (unsigned i = 0; i < set->n; i++) {
		unsigned same = 0;
		for (unsigned j = 0; j < set->n; j++)
			same += strcmp(set->label[i], set->label[j]) == 0;
		if (same < 2)
			continue;
		char base[160];
		snprintf(base, sizeof base, "%s", set->label[i]);
		for (unsigned j = i, k = 1; j < set->n; j++)
			if (strcmp(set->label[j], base) == 0)
				snprintf(set->label[j], sizeof set->label[j], "%.150s #%u", base, k++);
	}
}

/* ---- the SVG writer ---- */

enum { W = 720, H = 420, ML = 90, MR = 24, MT = 48, MB = 110 };

static const char *const palette[] = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
				       "#9467bd", "#8c564b", "#e377c2", "#17becf" };
#define COLOR(i) palette[(i) % (sizeof palette / sizeof palette[0])]

void plot_xml_text(FILE *f, const char *text)
{
	for (const char *p = text; *p; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			/* control characters are not XML */
			fputc((unsigned char)*p < 0x20 ? '?' : *p, f);
		}
	}
}

/* A pixel position, rounded the same way everywhere. */
static const char *num(char buf[32], double v)
{
	if (!isfinite(v))
		v = 0;
	snprintf(buf, 32, "%.1f", v);
	if (strcmp(buf, "-0.0") == 0)
		strcpy(buf, "0.0");
	return buf;
}

static void svg_begin(FILE *f, int w, int h, const char *title)
{
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Arial, sans-serif\" "
		"font-size=\"12\">\n<title>",
		w, h, w, h);
	plot_xml_text(f, title);
	fprintf(f, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", w, h);
	fprintf(f, "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" "
		   "font-weight=\"bold\">", w / 2);
	plot_xml_text(f, title);
	fputs("</text>\n", f);
}

static void svg_end(FILE *f)
{
	fputs("</svg>\n", f);
}

static void text_at(FILE *f, double x, double y, const char *anchor, const char *extra,
		    const char *text)
{
	char a[32], b[32];
	fprintf(f, "<text x=\"%s\" y=\"%s\" text-anchor=\"%s\"%s>", num(a, x), num(b, y), anchor,
		extra);
	plot_xml_text(f, text);
	fputs("</text>\n", f);
}

static void line(FILE *f, double x1, double y1, double x2, double y2, const char *style)
{
	char a[32], b[32], c[32], d[32];
	fprintf(f, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" %s/>\n", num(a, x1), num(b, y1),
		num(c, x2), num(d, y2), style);
}

static void rect(FILE *f, double x, double y, double w, double h, const char *fill)
{
	char a[32], b[32], c[32], d[32];
	fprintf(f, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"/>\n",
		num(a, x), num(b, y), num(c, w), num(d, h), fill);
}

/* A scale: value v to a pixel between p0 (at lo) and p1 (at hi). */
struct scale {
	double lo, hi, p0, p1;
	bool log;
};

static double at(const struct scale *s, double v)
{
	double a = s->log ? log10(s->lo) : s->lo, b = s->log ? log10(s->hi) : s->hi;
	double x = s->log ? log10(v > 0 ? v : s->lo) : v;
	if (b == a)
		return s->p0;
	double t = (x - a) / (b - a);
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	return s->p0 + t * (s->p1 - s->p0);
}

/* Linear axis from 0 to a "nice" top above max: 1, 2 or 5 times a power
 * of ten per step, four to eight steps. */
static void nice_linear(double max, double *top, double *step)
{
	if (!(max > 0))
		max = 1;
	double raw = max / 5, mag = pow(10, floor(log10(raw)));
	double r = raw / mag;
	*step = (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
	*top = ceil(max / *step - 1e-9) * *step;
}

/* A tick label: %g of v in the axis' unit. */
static void tick_label(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.4g", fabs(v) < 1e-12 ? 0.0 : v);
}

/* A seconds tick on a log axis: 1 ns ... 100 s. */
static void seconds_label(char *buf, size_t len, double v)
{
	static const struct {
		double s;
		const char *unit;
	} units[] = { { 1, "s" }, { 1e-3, "ms" }, { 1e-6, "us" }, { 1e-9, "ns" } };
	for (unsigned i = 0; i < 4; i++)
		if (v >= units[i].s * 0.999 || i == 3) {
			snprintf(buf, len, "%.4g %s", v / units[i].s, units[i].unit);
			return;
		}
}

/* Bytes: the binary unit that makes max read between 1 and 1024. */
static double byte_unit(double max, const char **name)
{
	static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double u = 1;
	unsigned i = 0;
	while (max >= 1024 * u && i < 4)
		u *= 1024, i++;
	*name = names[i];
	return u;
}

/* The frame: plot area border, the y axis (linear from 0, or log over
 * decades) with its ticks and label, and the x label. */
static void y_axis_linear(FILE *f, const struct scale *y, double step, double unit,
			  const char *label, double x0, double x1)
{
	char buf[48];
	for (double v = 0; v <= y->hi + step * 1e-6; v += step) {
		double py = at(y, v);
		line(f, x0, py, x1, py, "stroke=\"#e0e0e0\"");
		tick_label(buf, sizeof buf, v / unit);
		text_at(f, x0 - 6, py + 4, "end", "", buf);
	}
	char a[32], b[32];
	fprintf(f, "<text transform=\"translate(%s,%s) rotate(-90)\" text-anchor=\"middle\">",
		num(a, x0 - 62), num(b, (y->p0 + y->p1) / 2));
	plot_xml_text(f, label);
	fputs("</text>\n", f);
}

static void y_axis_log_seconds(FILE *f, const struct scale *y, const char *label, double x0,
			       double x1)
{
	char buf[48];
	for (double v = y->lo; v <= y->hi * 1.0001; v *= 10) {
		double py = at(y, v);
		line(f, x0, py, x1, py, "stroke=\"#e0e0e0\"");
		seconds_label(buf, sizeof buf, v);
		text_at(f, x0 - 6, py + 4, "end", "", buf);
	}
	char a[32], b[32];
	fprintf(f, "<text transform=\"translate(%s,%s) rotate(-90)\" text-anchor=\"middle\">",
		num(a, x0 - 62), num(b, (y->p0 + y->p1) / 2));
	plot_xml_text(f, label);
	fputs("</text>\n", f);
}

static void frame(FILE *f, double x0, double y0, double x1, double y1)
{
	char a[32], b[32], c[32], d[32];
	fprintf(f,
		"<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"none\" "
		"stroke=\"#404040\"/>\n",
		num(a, x0), num(b, y0), num(c, x1 - x0), num(d, y1 - y0));
}

/* The legend, one row per record, under the plot area. */
static void legend(FILE *f, const struct plot_set *set, const bool *shown, double y)
{
	double x = ML;
	for (unsigned i = 0; i < set->n; i++) {
		if (shown != NULL && !shown[i])
			continue;
		if (x > W - 220) {
			x = ML;
			y += 16;
		}
		rect(f, x, y - 9, 10, 10, COLOR(i));
		text_at(f, x + 14, y, "start", "", set->label[i]);
		x += 220;
	}
}

static void nothing(FILE *f, const char *why)
{
	text_at(f, W / 2.0, H / 2.0, "middle", " fill=\"#606060\"", why);
}

/* ---- the charts ---- */

static const enum stats_field pause_fields[] = { STATS_F_pause_p50_s, STATS_F_pause_p90_s,
						 STATS_F_pause_p99_s, STATS_F_pause_p999_s,
						 STATS_F_pause_max_s };
static const char *const pause_names[] = { "p50", "p90", "p99", "p99.9", "max" };

static double field(const struct stats *s, enum stats_field f)
{
	struct emit_value v = stats_value(&s->results, f);
	if (!v.known)
		return NAN;
	return stats_is_real(f) ? v.f : (double)v.u;
}

static bool has_hist(const struct stats *s)
{
	for (unsigned k = 0; k < STATS_HIST_BUCKETS; k++)
		if (s->pause_hist[k] != 0)
			return true;
	return false;
}

/* The pause histogram: for each log2 bucket of duration (log scale), the
 * share of each record's pauses in it, as grouped bars. */
static void draw_pause_hist(FILE *f, const struct plot_set *set)
{
	svg_begin(f, W, H, "Pause-time histogram (log2 buckets of duration)");
	bool shown[PLOT_RECORDS_MAX] = { false };
	unsigned lo = STATS_HIST_BUCKETS, hi = 0, nshown = 0;
	double total[PLOT_RECORDS_MAX] = { 0 }, top = 0;
	for (unsigned i = 0; i < set->n; i++) {
		if (!has_hist(&set->rec[i]))
			continue;
		shown[i] = true;
		nshown++;
		for (unsigned k = 0; k < STATS_HIST_BUCKETS; k++)
			total[i] += (double)set->rec[i].pause_hist[k];
		for (unsigned k = 0; k < STATS_HIST_BUCKETS; k++) {
			if (set->rec[i].pause_hist[k] == 0)
				continue;
			lo = k < lo ? k : lo;
			hi = k > hi ? k : hi;
			double share = (double)set->rec[i].pause_hist[k] / total[i];
			top = share > top ? share : top;
		}
	}
	double ytop, ystep;
	nice_linear(top * 100, &ytop, &ystep);
	struct scale y = { 0, ytop, H - MB, MT, false };
	y_axis_linear(f, &y, ystep, 1, "share of the pauses (%)", ML, W - MR);
	unsigned nb = hi - lo + 1;
	double gw = (double)(W - ML - MR) / nb, bw = (gw - 4) / nshown;
	char buf[48];
	for (unsigned k = lo; k <= hi; k++) {
		double gx = ML + (k - lo) * gw + 2;
		unsigned j = 0;
		for (unsigned i = 0; i < set->n; i++) {
			if (!shown[i])
				continue;
			double v = 100.0 * (double)set->rec[i].pause_hist[k] / total[i];
			if (v > 0) {
				double t = at(&y, v);
				rect(f, gx + j * bw, t, bw - 0.5, (H - MB) - t, COLOR(i));
			}
			j++;
		}
		/* a label every few buckets: the bucket's lower edge */
		if ((k - lo) % (nb > 12 ? 3 : 1) == 0) {
			seconds_label(buf, sizeof buf, (double)((uint64_t)1 << k) / 1e9);
			text_at(f, ML + (k - lo) * gw, H - MB + 16, "middle", "", buf);
		}
	}
	frame(f, ML, MT, W - MR, H - MB);
	text_at(f, ML + (W - ML - MR) / 2.0, H - MB + 36, "middle", "",
		"pause duration (seconds, log scale: each bar doubles)");
	legend(f, set, shown, H - MB + 60);
	svg_end(f);
}

/* The pause distribution: a histogram when the records carry one, else
 * (older dumps) their quantiles as grouped bars, log seconds. */
static void draw_pauses(FILE *f, const struct plot_set *set)
{
	for (unsigned i = 0; i < set->n; i++)
		if (has_hist(&set->rec[i])) {
			draw_pause_hist(f, set);
			return;
		}
	svg_begin(f, W, H, "Pause-time distribution (quantiles, log scale)");
	bool shown[PLOT_RECORDS_MAX] = { false };
	double lo = INFINITY, hi = 0;
	unsigned nshown = 0;
	for (unsigned i = 0; i < set->n; i++) {
		double c = field(&set->rec[i], STATS_F_pause_count);
		if (!(c > 0))
			continue;
		shown[i] = true;
		nshown++;
		for (unsigned q = 0; q < 5; q++) {
			double v = field(&set->rec[i], pause_fields[q]);
			if (v > 0 && v < lo)
				lo = v;
			if (v > hi)
				hi = v;
		}
	}
	if (nshown == 0 || !(hi > 0)) {
		nothing(f, "no pauses recorded");
		svg_end(f);
		return;
	}
	struct scale y = { pow(10, floor(log10(lo))), pow(10, ceil(log10(hi))), H - MB, MT, true };
	if (y.hi <= y.lo)
		y.hi = y.lo * 10;
	y_axis_log_seconds(f, &y, "pause duration (seconds, log scale)", ML, W - MR);
	double gw = (double)(W - ML - MR) / 5, bw = (gw - 16) / nshown;
	for (unsigned q = 0; q < 5; q++) {
		double gx = ML + q * gw + 8;
		unsigned k = 0;
		for (unsigned i = 0; i < set->n; i++) {
			if (!shown[i])
				continue;
			double v = field(&set->rec[i], pause_fields[q]);
			if (v > 0) {
				double top = at(&y, v);
				rect(f, gx + k * bw, top, bw - 1, (H - MB) - top, COLOR(i));
			}
			k++;
		}
		text_at(f, ML + q * gw + gw / 2, H - MB + 16, "middle", "", pause_names[q]);
	}
	frame(f, ML, MT, W - MR, H - MB);
	text_at(f, ML + (W - ML - MR) / 2.0, H - MB + 36, "middle", "",
		"quantile of the pause times");
	legend(f, set, shown, H - MB + 60);
	svg_end(f);
}

/* The MMU curves: window (log seconds) against utilization, overlaid. */
static void draw_mmu(FILE *f, const struct plot_set *set)
{
	svg_begin(f, W, H, "Minimum mutator utilization");
	bool shown[PLOT_RECORDS_MAX] = { false };
	double lo = INFINITY, hi = 0;
	for (unsigned i = 0; i < set->n; i++)
		for (unsigned k = 0; k < set->rec[i].mmu.n; k++) {
			double w = set->rec[i].mmu.window_s[k];
			if (w > 0 && set->rec[i].mmu.mmu[k] >= 0) {
				shown[i] = true;
				lo = w < lo ? w : lo;
				hi = w > hi ? w : hi;
			}
		}
	if (!(hi > 0)) {
		nothing(f, "no MMU curve recorded");
		svg_end(f);
		return;
	}
	struct scale x = { pow(10, floor(log10(lo))), pow(10, ceil(log10(hi))), ML, W - MR, true };
	if (x.hi <= x.lo)
		x.hi = x.lo * 10;
	struct scale y = { 0, 1, H - MB, MT, false };
	y_axis_linear(f, &y, 0.2, 1, "MMU (fraction of the window, 0 to 1)", ML, W - MR);
	char buf[48];
	for (double v = x.lo; v <= x.hi * 1.0001; v *= 10) {
		double px = at(&x, v);
		line(f, px, MT, px, H - MB, "stroke=\"#e0e0e0\"");
		seconds_label(buf, sizeof buf, v);
		text_at(f, px, H - MB + 16, "middle", "", buf);
	}
	for (unsigned i = 0; i < set->n; i++) {
		if (!shown[i])
			continue;
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
			COLOR(i));
		const char *sep = "";
		for (unsigned k = 0; k < set->rec[i].mmu.n; k++) {
			double w = set->rec[i].mmu.window_s[k], m = set->rec[i].mmu.mmu[k];
			if (!(w > 0) || m < 0)
				continue;
			char a[32], b[32];
			fprintf(f, "%s%s,%s", sep, num(a, at(&x, w)), num(b, at(&y, m)));
			sep = " ";
		}
		fputs("\"/>\n", f);
	}
	frame(f, ML, MT, W - MR, H - MB);
	text_at(f, ML + (W - ML - MR) / 2.0, H - MB + 36, "middle", "",
		"window (seconds, log scale)");
	legend(f, set, shown, H - MB + 60);
	svg_end(f);
}

/* The heap timeline: one panel per record, live, footprint and RSS. */
static const struct {
	unsigned field; /* index into the timeline point */
	const char *name;
	const char *color;
} tl_series[] = {
	{ PROBE_HEAP_LIVE, "live", "#1f77b4" },
	{ PROBE_HEAP_FOOTPRINT, "footprint", "#ff7f0e" },
	{ PROBE_HEAP_RSS, "RSS", "#2ca02c" },
};

static void draw_timeline(FILE *f, const struct plot_set *set)
{
	enum { PH = 240 };
	unsigned panels = 0;
	for (unsigned i = 0; i < set->n; i++)
		panels += set->rec[i].timeline.n > 0;
	int h = panels ? (int)(MT + panels * PH + 40) : H;
	svg_begin(f, W, h, "Heap timeline (live, footprint, RSS)");
	if (panels == 0) {
		nothing(f, "no timeline recorded");
		svg_end(f);
		return;
	}
	unsigned p = 0;
	for (unsigned i = 0; i < set->n; i++) {
		const struct stats_timeline *tl = &set->rec[i].timeline;
		if (tl->n == 0)
			continue;
		double top = MT + p * PH + 18, bottom = top + PH - 80;
		double tmax = 0, vmax = 0;
		for (unsigned k = 0; k < tl->n; k++) {
			double t = tl->pt[k].t_s + tl->interval_s;
			tmax = t > tmax ? t : tmax;
			for (unsigned s = 0; s < 3; s++)
				if (tl->pt[k].known & (1u << tl_series[s].field))
					vmax = (double)tl->pt[k].v[tl_series[s].field] > vmax
						       ? (double)tl->pt[k].v[tl_series[s].field]
						       : vmax;
		}
		const char *uname;
		double unit = byte_unit(vmax, &uname);
		double ytop, ystep, xtop, xstep;
		nice_linear(vmax / unit, &ytop, &ystep);
		nice_linear(tmax, &xtop, &xstep);
		struct scale x = { 0, xtop, ML, W - MR, false };
		struct scale y = { 0, ytop, bottom, top, false };
		text_at(f, ML, top - 6, "start", " font-weight=\"bold\"", set->label[i]);
		char ylabel[64], buf[48];
		snprintf(ylabel, sizeof ylabel, "memory (%s)", uname);
		y_axis_linear(f, &y, ystep, 1, ylabel, ML, W - MR);
		for (double v = 0; v <= xtop + xstep * 1e-6; v += xstep) {
			double px = at(&x, v);
			line(f, px, top, px, bottom, "stroke=\"#e0e0e0\"");
			tick_label(buf, sizeof buf, v);
			text_at(f, px, bottom + 16, "middle", "", buf);
		}
		for (unsigned s = 0; s < 3; s++) {
			unsigned fi = tl_series[s].field;
			fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
				tl_series[s].color);
			const char *sep = "";
			for (unsigned k = 0; k < tl->n; k++) {
				if (!(tl->pt[k].known & (1u << fi)))
					continue;
				char a[32], b[32];
				fprintf(f, "%s%s,%s", sep, num(a, at(&x, tl->pt[k].t_s)),
					num(b, at(&y, (double)tl->pt[k].v[fi] / unit)));
				sep = " ";
			}
			fputs("\"/>\n", f);
			rect(f, ML + s * 110, bottom + 42, 10, 10, tl_series[s].color);
			text_at(f, ML + s * 110 + 14, bottom + 51, "start", "", tl_series[s].name);
		}
		/* the run's longest pauses, where they fell */
		const struct stats *rs = &set->rec[i];
		for (unsigned m = 0; m < rs->nmarks; m++) {
			if (rs->marks[m].t_s > xtop)
				continue;
			double px = at(&x, rs->marks[m].t_s);
			line(f, px, top, px, bottom, "stroke=\"#d62728\" stroke-opacity=\"0.6\"");
		}
		if (rs->nmarks > 0) {
			rect(f, ML + 3 * 110, bottom + 42, 10, 10, "#d62728");
			text_at(f, ML + 3 * 110 + 14, bottom + 51, "start", "", "longest pauses");
		}
		frame(f, ML, top, W - MR, bottom);
		text_at(f, ML + (W - ML - MR) / 2.0, bottom + 32, "middle", "",
			"time since the run began (s)");
		p++;
	}
	svg_end(f);
}

/* Bars per record: throughput, p99 pause, peak footprint. */
static const struct {
	enum stats_field field, fallback;
	const char *title, *unit; /* unit: "s", "bytes" or "/s" */
} bar_panels[] = {
	{ STATS_F_ops_per_s, STATS_F_ops_per_s, "throughput", "ops/s" },
	{ STATS_F_pause_p99_s, STATS_F_pause_p99_s, "p99 pause", "ms" },
	{ STATS_F_peak_footprint_bytes, STATS_F_sampled_peak_footprint_bytes, "peak footprint",
	  "bytes" },
};

static void draw_bars(FILE *f, const struct plot_set *set)
{
	svg_begin(f, W, H, "Per model and allocator: throughput, p99 pause, peak footprint");
	double pw = (double)(W - 40) / 3;
	for (unsigned p = 0; p < 3; p++) {
		double x0 = 20 + p * pw + 78, x1 = 20 + (p + 1) * pw - 4;
		double vmax = 0, vals[PLOT_RECORDS_MAX];
		for (unsigned i = 0; i < set->n; i++) {
			double v = field(&set->rec[i], bar_panels[p].field);
			if (isnan(v))
				v = field(&set->rec[i], bar_panels[p].fallback);
			vals[i] = v;
			if (v > vmax)
				vmax = v;
		}
		const char *uname = bar_panels[p].unit;
		double unit = 1;
		char label[64];
		if (strcmp(uname, "bytes") == 0) {
			unit = byte_unit(vmax, &uname);
		} else if (strcmp(uname, "ms") == 0) {
			unit = 1e-3;
		} else if (vmax >= 1e6) {
			unit = 1e6;
			uname = "M ops/s";
		}
		snprintf(label, sizeof label, "%s (%s)", bar_panels[p].title, uname);
		double top, step;
		nice_linear(vmax / unit, &top, &step);
		struct scale y = { 0, top, H - MB, MT, false };
		y_axis_linear(f, &y, step, 1, label, x0, x1);
		double bw = (x1 - x0) / (set->n ? set->n : 1);
		for (unsigned i = 0; i < set->n; i++) {
			double cx = x0 + (i + 0.5) * bw;
			if (!isnan(vals[i])) {
				double ty = at(&y, vals[i] / unit);
				rect(f, x0 + i * bw + bw * 0.15, ty, bw * 0.7, (H - MB) - ty, COLOR(i));
			} else {
				text_at(f, cx, H - MB - 4, "middle", " fill=\"#606060\"", "n/a");
			}
		}
		frame(f, x0, MT, x1, H - MB);
	}
	legend(f, set, NULL, H - MB + 30);
	svg_end(f);
}

/* The time-space curve of each sweep: two panels over the heap multiple,
 * gc's wall time over manual's, and gc's peak RSS (solid) and peak
 * footprint (dashed, when measured) over manual's.  A multiple whose row
 * is not ok (it did not run, or its checksum differed) is a cross on the
 * x axis, not a point; y = 1 is manual. */
static void sweep_marks(FILE *f, const struct plot_sweep *w, unsigned fig, const char *color,
			const char *dash, const struct scale *x, const struct scale *y)
{
	char a[32], b[32];
	bool any = false;
	for (unsigned k = 0; k < w->n; k++) {
		const struct dump_sweep_row *r = &w->row[k];
		double v = !r->ok     ? NAN
			   : fig == 0 ? r->relative_time
			   : fig == 1 ? r->relative_rss
				      : r->relative_footprint;
		if (!isnan(v) && !any) {
			fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"",
				color, dash);
			any = true;
		} else if (!isnan(v)) {
			fputc(' ', f);
		}
		if (!isnan(v))
			fprintf(f, "%s,%s", num(a, at(x, r->multiple)), num(b, at(y, v)));
	}
	if (any)
		fputs("\"/>\n", f);
	for (unsigned k = 0; k < w->n; k++) {
		const struct dump_sweep_row *r = &w->row[k];
		double v = !r->ok     ? NAN
			   : fig == 0 ? r->relative_time
			   : fig == 1 ? r->relative_rss
				      : r->relative_footprint;
		if (!isnan(v) && fig < 2)
			fprintf(f, "<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"/>\n",
				num(a, at(x, r->multiple)), num(b, at(y, v)), color);
		if (!r->ok && fig < 2) {
			double px = at(x, r->multiple), py = y->p0;
			char style[64];
			snprintf(style, sizeof style, "stroke=\"%s\" stroke-width=\"2\"", color);
			line(f, px - 5, py - 5, px + 5, py + 5, style);
			line(f, px - 5, py + 5, px + 5, py - 5, style);
		}
	}
}

static void draw_timespace(FILE *f, const struct plot_set *set)
{
	svg_begin(f, W, H, "Time-space curve: gc at heap multiples, relative to manual");
	double xmax = 0, ymax[2] = { 1, 1 };
	for (unsigned s = 0; s < set->nsweep; s++)
		for (unsigned k = 0; k < set->sweep[s].n; k++) {
			const struct dump_sweep_row *r = &set->sweep[s].row[k];
			double v[3] = { r->relative_time, r->relative_rss, r->relative_footprint };
			xmax = r->multiple > xmax ? r->multiple : xmax;
			for (unsigned j = 0; j < 3; j++)
				if (!isnan(v[j]) && v[j] > ymax[j ? 1 : 0])
					ymax[j ? 1 : 0] = v[j];
		}
	if (set->nsweep == 0) {
		nothing(f, "no sweep given (mmlab sweep --json)");
		svg_end(f);
		return;
	}
	static const char *const ylabels[2] = { "wall time / manual's (ratio)",
						"peak memory / manual's (ratio)" };
	static const char *const titles[2] = { "time", "space: RSS (solid), footprint (dashed)" };
	double pw = (double)(W - 40) / 2, xtop, xstep;
	nice_linear(xmax, &xtop, &xstep);
	char buf[48];
	for (unsigned p = 0; p < 2; p++) {
		double x0 = 20 + p * pw + 78, x1 = 20 + (p + 1) * pw - 4;
		double ytop, ystep;
		nice_linear(ymax[p], &ytop, &ystep);
		struct scale x = { 0, xtop, x0, x1, false };
		struct scale y = { 0, ytop, H - MB, MT, false };
		y_axis_linear(f, &y, ystep, 1, ylabels[p], x0, x1);
		for (double v = 0; v <= xtop + xstep * 1e-6; v += xstep) {
			double px = at(&x, v);
			line(f, px, MT, px, H - MB, "stroke=\"#e0e0e0\"");
			tick_label(buf, sizeof buf, v);
			text_at(f, px, H - MB + 16, "middle", "", buf);
		}
		line(f, x0, at(&y, 1), x1, at(&y, 1), "stroke=\"#404040\" stroke-dasharray=\"2,3\"");
		text_at(f, x1 - 4, at(&y, 1) - 4, "end", " fill=\"#404040\"", "manual = 1");
		for (unsigned s = 0; s < set->nsweep; s++) {
			sweep_marks(f, &set->sweep[s], p, COLOR(s), "", &x, &y);
			if (p == 1)
				sweep_marks(f, &set->sweep[s], 2, COLOR(s),
					    " stroke-dasharray=\"6,4\"", &x, &y);
		}
		frame(f, x0, MT, x1, H - MB);
		text_at(f, (x0 + x1) / 2, MT - 6, "middle", "", titles[p]);
		text_at(f, (x0 + x1) / 2, H - MB + 34, "middle", "",
			"heap limit (multiple of manual's peak live size)");
	}
	double ly = H - MB + 60;
	for (unsigned s = 0; s < set->nsweep; s++, ly += 16) {
		rect(f, ML, ly - 9, 10, 10, COLOR(s));
		text_at(f, ML + 14, ly, "start", "", set->sweep[s].label);
	}
	text_at(f, ML, ly, "start", " fill=\"#606060\"",
		"a cross on the x axis: that multiple did not finish (heap limit reached, or failed)");
	svg_end(f);
}

const struct plot_chart plot_charts[] = {
	{ "pauses.svg", "pause-time distribution", draw_pauses },
	{ "timeline.svg", "heap timeline", draw_timeline },
	{ "mmu.svg", "MMU curves", draw_mmu },
	{ "bars.svg", "throughput, p99 pause and peak footprint", draw_bars },
	{ "timespace.svg", "time-space curve of a sweep", draw_timespace },
};
const unsigned plot_nchart = sizeof plot_charts / sizeof plot_charts[0];
