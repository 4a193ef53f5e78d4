/* cmd_compare.c — `mmlab compare A B [C ...]`: dumps side by side.
 *
 * Every file is read by the one dump reader (runtime/stats/dump_read.h);
 * runs are aligned by configuration — the parts of (workload, params,
 * model, allocator) that tell runs of one file apart — and runs of the
 * same configuration in one file are samples.  Each figure gets one row:
 * the median (min, max, n with repeats) per file, and against the first
 * file the absolute and relative change and a Mann-Whitney verdict
 * (runtime/stats/signif.h).  One grid of emitter values is built; the
 * emitter writes it as a table or JSON, a small writer here as CSV or
 * markdown.  Invariant: every input is read before anything is printed.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/stats/dump_read.h"
#include "runtime/stats/emit.h"
#include "runtime/stats/signif.h"
#include "cli.h"

static const char usage[] =
	"usage: mmlab compare [options] FILE...\n"
	"\n"
	"Compare stats dumps side by side, like benchstat: runs are aligned by\n"
	"configuration (workload, parameters, model, allocator: the parts that tell\n"
	"the runs of one file apart), and each figure shows its median per file (with\n"
	"min, max and the number of runs when a file holds repeats) and, against the\n"
	"first file, the absolute and relative change.  With at least 4 runs on each\n"
	"side a Mann-Whitney U test (alpha 0.05) decides: a change inside the noise\n"
	"reads \"~\".  A FILE is any dump mmlab writes (run, matrix, repeat, replay,\n"
	"the shims' MMLAB_STATS) or an allocator's own: jemalloc's stats_print JSON,\n"
	"glibc's malloc_info XML, mimalloc's MIMALLOC_SHOW_STATS and gperftools'\n"
	"MALLOCSTATS text (docs/compare.md).\n"
	"\n"
	"  -m, --metric LIST    the figures to show, by JSON key, comma-separated, may\n"
	"                       be repeated: wall_s, pause_p99_s, allocator.footprint,\n"
	"                       ...; 'all' for every one (default: the main figures)\n"
	"  -t, --threshold PCT  exit 1 when a figure gets worse than the first file's by\n"
	"                       more than PCT percent (a decimal number, e.g. 5 or 2.5)\n"
	"                       and the change is not inside the noise\n"
	"  -f, --format FMT     table (default), csv, json or markdown\n"
	"  -h, --help           show this help\n"
	"\n"
	"Options may be given once each, but --metric.\n"
	"\n"
	"Exit status: 0 no regression, 1 a figure regressed beyond --threshold (each\n"
	"named on stderr), 2 bad input (a file that cannot be read or is not a dump:\n"
	"one line naming it), 3 the output could not be written.\n";

enum { FMT_TABLE, FMT_CSV, FMT_JSON, FMT_MARKDOWN };
static const char *const format_names[] = { "table", "csv", "json", "markdown" };

/* ---- figures ---- */

/* A figure compare can show: a results field or an allocator figure. */
struct metric {
	bool alloc;
	unsigned idx; /* enum stats_field or enum alloc_figure */
};

enum { METRICS_MAX = STATS_FIELDS + ALLOC_FIGURE_COUNT };

static const char *const default_metrics[] = {
	"wall_s",	  "cpu_s",	   "ops_per_s",		 "mm_s",
	"pause_p99_s",	  "pause_max_s",   "mmu_10ms",		 "peak_rss_bytes",
	"peak_live_bytes", "peak_footprint_bytes", "utilization", "leaked_bytes",
};

static void metric_name(const struct metric *m, char *buf, size_t len)
{
	if (m->alloc)
		snprintf(buf, len, "allocator.%s", alloc_figure_key((enum alloc_figure)m->idx));
	else
		snprintf(buf, len, "%s", stats_key((enum stats_field)m->idx));
}

static const char *metric_label(const struct metric *m, const char *unit, char *buf, size_t len)
{
	if (!m->alloc)
		return stats_label((enum stats_field)m->idx, unit, buf, len);
	snprintf(buf, len, "allocator %s", alloc_figure_label((enum alloc_figure)m->idx));
	return buf;
}

static enum emit_unit metric_unit(const struct metric *m)
{
	if (m->alloc)
		return EMIT_BYTES;
	struct stats_results none;
	memset(&none, 0, sizeof none);
	return stats_value(&none, (enum stats_field)m->idx).unit;
}

static bool metric_real(const struct metric *m)
{
	return !m->alloc && stats_is_real((enum stats_field)m->idx);
}

/* Which way is better: -1 lower, +1 higher, 0 neither (how much work). */
static int metric_better(const struct metric *m)
{
	static const char *const neither[] = { "ops",	      "allocs",	    "alloc_bytes",
					       "pause_count", "step_count", "collections",
					       "allocator.requested", "allocator.largest_free" };
	char name[64];
	metric_name(m, name, sizeof name);
	for (size_t i = 0; i < sizeof neither / sizeof neither[0]; i++)
		if (strcmp(name, neither[i]) == 0)
			return 0;
	if (strncmp(name, "mmu_", 4) == 0 || strcmp(name, "utilization") == 0)
		return 1;
	enum emit_unit u = metric_unit(m);
	return u == EMIT_RATE || u == EMIT_BYTE_RATE ? 1 : -1;
}

static bool metric_get(const struct stats *s, const struct metric *m, double *v)
{
	if (m->alloc) {
		if (!s->has_alloc || !(s->alloc.known & (1u << m->idx)))
			return false;
		*v = (double)alloc_figure(&s->alloc, (enum alloc_figure)m->idx);
		return true;
	}
	struct emit_value ev = stats_value(&s->results, (enum stats_field)m->idx);
	if (!ev.known)
		return false;
	*v = stats_is_real((enum stats_field)m->idx) ? ev.f : (double)ev.u;
	return isfinite(*v);
}

static bool metric_find(const char *name, struct metric *m)
{
	if (strncmp(name, "allocator.", 10) == 0) {
		for (unsigned f = 0; f < ALLOC_FIGURE_COUNT; f++)
			if (strcmp(name + 10, alloc_figure_key((enum alloc_figure)f)) == 0) {
				*m = (struct metric){ true, f };
				return true;
			}
		return false;
	}
	enum stats_field f = stats_find(name);
	if (f == STATS_FIELDS || f == STATS_F_checksum)
		return false;
	*m = (struct metric){ false, (unsigned)f };
	return true;
}

static const char *metric_at(const void *list, unsigned i)
{
	static char buf[64];
	(void)list;
	struct metric m = i < STATS_FIELDS - 1 ? (struct metric){ false, i + 1 }
						: (struct metric){ true, i - (STATS_FIELDS - 1) };
	metric_name(&m, buf, sizeof buf);
	return buf;
}

/* --metric LIST into want (in order, no repeats). */
static int parse_metrics(const char *list, struct metric *want, unsigned *n)
{
	char *copy = cli_aprintf("%s", list);
	if (copy == NULL) {
		cli_error("out of memory");
		return EXIT_USAGE;
	}
	int rc = EXIT_OK;
	unsigned tokens = 0;
	char *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t && rc == EXIT_OK;
	     t = strtok_r(NULL, ",", &save)) {
		tokens++;
		if (strcmp(t, "all") == 0) {
			for (unsigned i = 0; i < METRICS_MAX - 1; i++) {
				struct metric m;
				metric_find(metric_at(NULL, i), &m);
				bool dup = false;
				for (unsigned j = 0; j < *n; j++)
					dup |= want[j].alloc == m.alloc && want[j].idx == m.idx;
				if (!dup)
					want[(*n)++] = m;
			}
			continue;
		}
		struct metric m;
		if (!metric_find(t, &m)) {
			rc = cli_unknown("figure", t, " in --metric", METRICS_MAX - 1, metric_at, NULL);
			break;
		}
		bool dup = false;
		for (unsigned j = 0; j < *n; j++)
			dup |= want[j].alloc == m.alloc && want[j].idx == m.idx;
		if (!dup)
			want[(*n)++] = m;
	}
	if (rc == EXIT_OK && tokens == 0) {
		cli_error("compare: --metric needs at least one figure");
		rc = EXIT_USAGE;
	}
	free(copy);
	return rc;
}

/* PCT: a decimal number above 0, at most 1e6, an optional '%' after it. */
static int parse_pct(const char *text, double *out)
{
	size_t whole = strspn(text, "0123456789"), frac = 0;
	const char *p = text + whole;
	if (*p == '.')
		frac = strspn(p + 1, "0123456789"), p += 1 + frac;
	if (*p == '%')
		p++;
	if (whole == 0 || *p != '\0' || (text[whole] == '.' && frac == 0) || whole > 7)
		return -1;
	*out = strtod(text, NULL);
	return *out > 0 && *out <= 1e6 ? 0 : -1;
}

/* ---- configurations ---- */

enum { C_WORKLOAD, C_PARAMS, C_MODEL, C_ALLOCATOR, C_COUNT };
static const char *const comp_names[C_COUNT] = { "workload", "params", "model", "allocator" };
enum { COMP_LEN = STATS_SPEC_TEXT };

struct input {
	const char *path;
	char label[16];
	struct dump d;
};

/* One run, located, with its configuration's parts. */
struct run {
	unsigned file, idx;
	char comp[C_COUNT][COMP_LEN];
	unsigned row;
};

static void run_comps(struct run *r, const struct stats *s)
{
	const struct stats_config *c = &s->config;
	snprintf(r->comp[C_WORKLOAD], COMP_LEN, "%s", c->workload);
	snprintf(r->comp[C_MODEL], COMP_LEN, "%s", c->model);
	snprintf(r->comp[C_ALLOCATOR], COMP_LEN, "%s", c->allocator);
	size_t at = 0;
	r->comp[C_PARAMS][0] = '\0';
	for (unsigned i = 0; i < c->nparams && at < COMP_LEN; i++) {
		int n = snprintf(r->comp[C_PARAMS] + at, COMP_LEN - at, "%s%s=%" PRId64,
				 i ? "," : "", c->params[i].name, c->params[i].value);
		if (n < 0)
			break;
		at += (size_t)n;
	}
}

static bool agree(const struct run *a, const struct run *b, const bool *use, int except)
{
	for (int c = 0; c < C_COUNT; c++)
		if (use[c] && c != except && strcmp(a->comp[c], b->comp[c]) != 0)
			return false;
	return true;
}

/* The parts that tell runs of one file apart, less those the others
 * decide (a matrix's allocator follows its model). */
static void choose_key(const struct run *runs, unsigned n, bool *use)
{
	for (int c = 0; c < C_COUNT; c++) {
		use[c] = false;
		for (unsigned i = 0; i < n && !use[c]; i++)
			for (unsigned j = i + 1; j < n && !use[c]; j++)
				use[c] = runs[i].file == runs[j].file &&
					 strcmp(runs[i].comp[c], runs[j].comp[c]) != 0;
	}
	static const int drop_order[C_COUNT] = { C_ALLOCATOR, C_PARAMS, C_WORKLOAD, C_MODEL };
	for (int k = 0; k < C_COUNT; k++) {
		int c = drop_order[k];
		if (!use[c])
			continue;
		bool decided = true;
		for (unsigned i = 0; i < n && decided; i++)
			for (unsigned j = i + 1; j < n && decided; j++)
				if (runs[i].file == runs[j].file && agree(&runs[i], &runs[j], use, c) &&
				    strcmp(runs[i].comp[c], runs[j].comp[c]) != 0)
					decided = false;
		bool others = false;
		for (int o = 0; o < C_COUNT; o++)
			others |= use[o] && o != c;
		if (decided && others)
			use[c] = false;
	}
}

/* ---- the grid ---- */

/* A column; human: in the table and markdown, machine: in JSON and CSV. */
struct gcol {
	struct emit_column col;
	bool human, machine;
};

struct grid {
	struct gcol *cols;
	unsigned ncols, cap_cols;
	struct emit_value *cells; /* nrows x ncols */
	unsigned nrows, cap_rows;
	char **texts; /* every string a cell points to */
	unsigned ntexts, cap_texts;
	bool oom;
};

static void *grow(void *p, unsigned *cap, unsigned need, size_t size, bool *oom)
{
	if (need <= *cap)
		return p;
	unsigned c = *cap ? *cap * 2 : 16;
	while (c < need)
		c *= 2;
	void *q = realloc(p, (size_t)c * size);
	if (q == NULL) {
		*oom = true;
		return p;
	}
	*cap = c;
	return q;
}

/* A string the grid keeps (NULL when out of memory). */
static const char *gtext(struct grid *g, const char *text)
{
	g->texts = grow(g->texts, &g->cap_texts, g->ntexts + 1, sizeof *g->texts, &g->oom);
	char *t = g->oom ? NULL : cli_aprintf("%s", text);
	if (t == NULL) {
		g->oom = true;
		return "";
	}
	g->texts[g->ntexts++] = t;
	return t;
}

static void gcol_add(struct grid *g, const char *key, const char *label, bool human,
		     bool machine)
{
	g->cols = grow(g->cols, &g->cap_cols, g->ncols + 1, sizeof *g->cols, &g->oom);
	if (g->oom)
		return;
	g->cols[g->ncols++] = (struct gcol){ { gtext(g, key), gtext(g, label), 0 }, human, machine };
}

static struct emit_value *grow_row(struct grid *g)
{
	g->cells = grow(g->cells, &g->cap_rows, g->nrows + 1, sizeof *g->cells * g->ncols, &g->oom);
	if (g->oom)
		return NULL;
	struct emit_value *row = g->cells + (size_t)g->nrows++ * g->ncols;
	for (unsigned i = 0; i < g->ncols; i++)
		row[i] = EMIT_NONE(EMIT_TEXT);
	return row;
}

static void grid_free(struct grid *g)
{
	for (unsigned i = 0; i < g->ntexts; i++)
		free(g->texts[i]);
	free(g->texts);
	free(g->cols);
	free(g->cells);
}

/* ---- one comparison ---- */

struct cell {
	unsigned n;
	double med, min, max;
	double *v; /* the samples */
};

struct compare {
	struct input *in;
	unsigned nin;
	struct run *runs;
	unsigned nruns;
	bool use[C_COUNT];
	unsigned nrows; /* configurations */
	unsigned *row_first; /* a run of each configuration */
	struct metric metrics[METRICS_MAX];
	unsigned nmetrics;
	bool chose; /* --metric given */
	double threshold; /* 0: none */
	unsigned regressions;
	bool repeats; /* some cell has more than one sample */
};

static void row_label(const struct compare *c, unsigned row, char *buf, size_t len)
{
	const struct run *r = &c->runs[c->row_first[row]];
	size_t at = 0;
	buf[0] = '\0';
	for (int k = 0; k < C_COUNT; k++) {
		if (!c->use[k])
			continue;
		int n = snprintf(buf + at, len - at, "%s%s", at ? " " : "",
				 r->comp[k][0] ? r->comp[k] : "-");
		if (n < 0 || (size_t)n >= len - at)
			break;
		at += (size_t)n;
	}
}

static void fill_cell(const struct compare *c, unsigned row, unsigned file,
		      const struct metric *m, struct cell *out, double *buf)
{
	out->n = 0;
	out->v = buf;
	for (unsigned i = 0; i < c->nruns; i++) {
		const struct run *r = &c->runs[i];
		double v;
		if (r->row == row && r->file == file &&
		    metric_get(&c->in[file].d.runs[r->idx], m, &v))
			buf[out->n++] = v;
	}
	if (out->n == 0)
		return;
	double *tmp = buf + c->nruns; /* the median sorts: keep the samples */
	memcpy(tmp, buf, out->n * sizeof *tmp);
	out->med = signif_median(tmp, out->n);
	out->min = tmp[0];
	out->max = tmp[out->n - 1];
}

static struct emit_value value_of(const struct metric *m, double v)
{
	enum emit_unit u = metric_unit(m);
	if (metric_real(m))
		return EMIT_F64(u, v);
	return EMIT_U64(u, v <= 0 ? 0 : (uint64_t)llround(v));
}

/* "+23.4 ms" for people: the sign, then the magnitude in the figure's unit. */
static void human_delta(const struct metric *m, double d, char *buf, size_t len)
{
	char mag[48];
	emit_human(mag, sizeof mag, value_of(m, fabs(d)));
	snprintf(buf, len, "%s%s", d < 0 ? "-" : "+", mag);
}

/* The base and one other file's cell: the comparison cells of the row. */
static void compare_cells(struct compare *c, struct grid *g, const struct metric *m,
			  const struct cell *base, const struct cell *other, const char *rowname,
			  unsigned file, struct emit_value *cells)
{
	if (base->n == 0 || other->n == 0)
		return; /* every cell stays unknown */
	double d = other->med - base->med;
	double pct = base->med != 0 ? d / fabs(base->med) * 100 : d == 0 ? 0 : NAN;
	struct signif sg = { .enough = false, .p = 1 };
	if (base->n >= SIGNIF_MIN_N && other->n >= SIGNIF_MIN_N &&
	    signif_mann_whitney(base->v, base->n, other->v, other->n, &sg) != 0)
		g->oom = true;
	bool noise = sg.enough && !signif_differs(&sg);
	char human[160], dh[64], ph[32];
	human_delta(m, d, dh, sizeof dh);
	if (isfinite(pct))
		snprintf(ph, sizeof ph, " %+.2f%%", pct);
	else
		ph[0] = '\0';
	if (noise)
		snprintf(human, sizeof human, "~ (p=%.3f n=%u+%u)", sg.p, base->n, other->n);
	else if (sg.enough)
		snprintf(human, sizeof human, "%s%s (p=%.3f n=%u+%u)", dh, ph, sg.p, base->n,
			 other->n);
	else
		snprintf(human, sizeof human, "%s%s (n=%u+%u, too few to test)", dh, ph, base->n,
			 other->n);
	cells[0] = metric_real(m) ? EMIT_F64(metric_unit(m), d) : EMIT_I64((int64_t)llround(d));
	cells[1] = isfinite(pct) ? EMIT_F64(EMIT_RATIO, pct) : EMIT_NONE(EMIT_RATIO);
	cells[2] = sg.enough ? EMIT_F64(EMIT_RATIO, sg.p) : EMIT_NONE(EMIT_RATIO);
	cells[3] = EMIT_STR(noise ? "~" : sg.enough ? "changed" : "untested");
	cells[4] = EMIT_STR(gtext(g, human));
	int better = metric_better(m);
	if (c->threshold > 0 && better != 0 && !noise && isfinite(pct) &&
	    (better < 0 ? pct > c->threshold : pct < -c->threshold)) {
		char name[64];
		metric_name(m, name, sizeof name);
		cli_error("compare: %s: %s%s%s %s (%s), worse than %s by more than %g%%",
			  c->in[file].path, rowname, rowname[0] ? ": " : "", name, dh, ph + 1,
			  c->in[0].label, c->threshold);
		c->regressions++;
	}
}

enum { PER_OTHER = 5 }; /* delta, delta_pct, p, verdict, vs */

static void build_columns(struct compare *c, struct grid *g)
{
	char key[64], label[64];
	bool keyed = false;
	for (int k = 0; k < C_COUNT; k++)
		keyed |= c->use[k];
	if (keyed) {
		size_t at = 0;
		label[0] = '\0';
		for (int k = 0; k < C_COUNT; k++)
			if (c->use[k])
				at += (size_t)snprintf(label + at, sizeof label - at, "%s%s",
						       at ? " " : "", comp_names[k]);
		gcol_add(g, "config", label, true, true);
	}
	gcol_add(g, "figure", "figure", true, true);
	for (unsigned f = 0; f < c->nin; f++) {
		const char *l = c->in[f].label;
		gcol_add(g, l, l, true, true);
		if (c->repeats) {
			snprintf(key, sizeof key, "%s_min", l);
			gcol_add(g, key, "min", true, true);
			snprintf(key, sizeof key, "%s_max", l);
			gcol_add(g, key, "max", true, true);
			snprintf(key, sizeof key, "%s_n", l);
			gcol_add(g, key, "n", true, true);
		}
		if (f == 0)
			continue;
		static const char *const suffix[PER_OTHER] = { "delta", "delta_pct", "p", "verdict",
							       "vs" };
		for (unsigned i = 0; i < PER_OTHER; i++) {
			snprintf(key, sizeof key, "%s_%s", l, suffix[i]);
			snprintf(label, sizeof label, "%s vs %s", l, c->in[0].label);
			gcol_add(g, key, label, i == PER_OTHER - 1, i < PER_OTHER - 1);
		}
	}
}

static int build_rows(struct compare *c, struct grid *g)
{
	double *buf = malloc(2 * (size_t)(c->nruns ? c->nruns : 1) * c->nin * sizeof *buf);
	struct cell *cells = calloc(c->nin, sizeof *cells);
	if (buf == NULL || cells == NULL) {
		free(buf);
		free(cells);
		return -1;
	}
	for (unsigned row = 0; row < c->nrows && !g->oom; row++) {
		char rname[COMP_LEN * 2];
		row_label(c, row, rname, sizeof rname);
		const struct stats *first = &c->in[c->runs[c->row_first[row]].file]
						     .d.runs[c->runs[c->row_first[row]].idx];
		for (unsigned mi = 0; mi < c->nmetrics && !g->oom; mi++) {
			const struct metric *m = &c->metrics[mi];
			unsigned known = 0;
			for (unsigned f = 0; f < c->nin; f++) {
				fill_cell(c, row, f, m, &cells[f], buf + (size_t)f * 2 * c->nruns);
				known += cells[f].n > 0;
			}
			if (known == 0)
				continue; /* no file has it: no row */
			struct emit_value *v = grow_row(g);
			if (v == NULL)
				break;
			unsigned at = 0;
			if (g->cols[0].col.key[0] == 'c')
				v[at++] = EMIT_STR(gtext(g, rname));
			char name[64], label[STATS_TEXT + 64];
			metric_name(m, name, sizeof name);
			const char *lab = metric_label(m, first->config.ops_unit, label, sizeof label);
			v[at++] = EMIT_NAME_OF(gtext(g, name), gtext(g, lab));
			for (unsigned f = 0; f < c->nin; f++) {
				const struct cell *x = &cells[f];
				enum emit_unit u = metric_unit(m);
				v[at++] = x->n ? value_of(m, x->med) : EMIT_NONE(u);
				if (c->repeats) {
					v[at++] = x->n ? value_of(m, x->min) : EMIT_NONE(u);
					v[at++] = x->n ? value_of(m, x->max) : EMIT_NONE(u);
					v[at++] = EMIT_U64(EMIT_COUNT, x->n);
				}
				if (f == 0)
					continue;
				for (unsigned i = 0; i < PER_OTHER; i++)
					v[at + i] = EMIT_NONE(i == 0 ? u : EMIT_TEXT);
				compare_cells(c, g, m, &cells[0], x, rname, f, v + at);
				at += PER_OTHER;
			}
		}
	}
	free(buf);
	free(cells);
	return g->oom ? -1 : 0;
}

/* ---- output ---- */

struct view {
	const struct compare *c;
	const struct grid *g;
	bool human;
	/* room for every column of the grid */
	struct emit_column *cols;
	unsigned *idx;
	struct emit_value *cells;
};

/* The grid's columns for one kind of reader, widths set for people. */
static unsigned view_cols(const struct view *w, struct emit_column *out, unsigned *idx)
{
	unsigned n = 0;
	for (unsigned i = 0; i < w->g->ncols; i++) {
		const struct gcol *gc = &w->g->cols[i];
		if (!(w->human ? gc->human : gc->machine))
			continue;
		out[n] = gc->col;
		int width = (int)strlen(gc->col.label);
		for (unsigned r = 0; r < w->g->nrows; r++) {
			char buf[256];
			emit_human(buf, sizeof buf, w->g->cells[(size_t)r * w->g->ncols + i]);
			if ((int)strlen(buf) > width)
				width = (int)strlen(buf);
		}
		bool left = gc->col.key[0] == 'c' || strcmp(gc->col.key, "figure") == 0 ||
			    strstr(gc->col.key, "_vs") != NULL;
		out[n].width = left ? -(width + 2) : width + 2;
		idx[n++] = i;
	}
	return n;
}

static void emit_files(struct emitter *e, const struct compare *c)
{
	static const struct emit_column cols[] = {
		{ "label", "", -3 },   { "path", "file", -6 }, { "format", "format", -14 },
		{ "runs", "runs", 6 }, { "unmapped", "not in this format", 0 },
	};
	struct emit_column w[5];
	memcpy(w, cols, sizeof w);
	for (unsigned f = 0; f < c->nin; f++) {
		int len = (int)strlen(c->in[f].path) + 2;
		if (len < 1000 && len > -w[1].width)
			w[1].width = -len;
	}
	emit_table_begin(e, "files", w, 5);
	for (unsigned f = 0; f < c->nin; f++) {
		const struct dump *d = &c->in[f].d;
		struct emit_value cells[5] = {
			EMIT_STR(c->in[f].label),
			EMIT_STR(c->in[f].path),
			EMIT_STR(dump_format_name(d->format)),
			EMIT_U64(EMIT_COUNT, d->nruns),
			d->unmapped[0] ? EMIT_STR(d->unmapped) : EMIT_NONE(EMIT_TEXT),
		};
		emit_table_row(e, cells);
	}
	emit_table_end(e);
}

static void compare_doc(struct emitter *e, const void *arg)
{
	const struct view *w = arg;
	struct emit_column *cols = w->cols;
	unsigned *idx = w->idx;
	unsigned n = view_cols(w, cols, idx);
	emit_begin(e);
	emit_schema(e, "mmlab-compare", 1);
	emit_files(e, w->c);
	emit_break(e);
	emit_table_begin(e, "rows", cols, n);
	struct emit_value *cells = w->cells;
	for (unsigned r = 0; r < w->g->nrows; r++) {
		for (unsigned i = 0; i < n; i++)
			cells[i] = w->g->cells[(size_t)r * w->g->ncols + idx[i]];
		emit_table_row(e, cells);
	}
	emit_table_end(e);
	if (w->c->threshold > 0) {
		emit_break(e);
		emit_kv(e, "threshold_pct", "threshold (%)", EMIT_F64(EMIT_RATIO, w->c->threshold));
		emit_kv(e, "regressions", "figures beyond it",
			EMIT_U64(EMIT_COUNT, w->c->regressions));
	}
	emit_end(e);
}

static void csv_field(const char *s)
{
	if (strpbrk(s, ",\"\n\r") == NULL) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

/* A cell as a machine reads it: the raw number, or the key of a name. */
static void raw_value(struct emit_value v, char *buf, size_t len)
{
	if (!v.known) {
		buf[0] = '\0';
		return;
	}
	switch (v.unit) {
	case EMIT_TEXT:
	case EMIT_NAME:
		snprintf(buf, len, "%s", v.s ? v.s : "");
		break;
	case EMIT_INT:
		snprintf(buf, len, "%" PRId64, v.i);
		break;
	case EMIT_COUNT:
	case EMIT_BYTES:
	case EMIT_HEX:
		snprintf(buf, len, "%" PRIu64, v.u);
		break;
	default:
		snprintf(buf, len, "%.9g", v.f);
		break;
	}
}

static void write_csv(const struct view *w)
{
	struct emit_column *cols = w->cols;
	unsigned *idx = w->idx;
	unsigned n = view_cols(w, cols, idx);
	for (unsigned i = 0; i < n; i++) {
		if (i)
			putchar(',');
		csv_field(cols[i].key);
	}
	putchar('\n');
	for (unsigned r = 0; r < w->g->nrows; r++) {
		for (unsigned i = 0; i < n; i++) {
			char buf[512];
			raw_value(w->g->cells[(size_t)r * w->g->ncols + idx[i]], buf, sizeof buf);
			if (i)
				putchar(',');
			csv_field(buf);
		}
		putchar('\n');
	}
}

static void md_text(const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			putchar('\\');
		putchar(*s == '\n' ? ' ' : *s);
	}
}

static void write_markdown(const struct view *w)
{
	const struct compare *c = w->c;
	for (unsigned f = 0; f < c->nin; f++) {
		printf("- %s: `", c->in[f].label);
		md_text(c->in[f].path);
		printf("` (%s, %u run%s", dump_format_name(c->in[f].d.format), c->in[f].d.nruns,
		       c->in[f].d.nruns == 1 ? "" : "s");
		if (c->in[f].d.unmapped[0]) {
			printf("; not in this format: ");
			md_text(c->in[f].d.unmapped);
		}
		printf(")\n");
	}
	putchar('\n');
	struct emit_column *cols = w->cols;
	unsigned *idx = w->idx;
	unsigned n = view_cols(w, cols, idx);
	for (unsigned i = 0; i < n; i++) {
		printf("| ");
		md_text(cols[i].label);
		putchar(' ');
	}
	printf("|\n");
	for (unsigned i = 0; i < n; i++)
		printf("|%s", cols[i].width < 0 ? "---" : "---:");
	printf("|\n");
	for (unsigned r = 0; r < w->g->nrows; r++) {
		for (unsigned i = 0; i < n; i++) {
			char buf[512];
			emit_human(buf, sizeof buf, w->g->cells[(size_t)r * w->g->ncols + idx[i]]);
			printf("| ");
			md_text(buf);
			putchar(' ');
		}
		printf("|\n");
	}
}

/* ---- the command ---- */

static int read_inputs(struct compare *c)
{
	unsigned total = 0;
	for (unsigned f = 0; f < c->nin; f++) {
		struct input *in = &c->in[f];
		char err[512];
		if (dump_load(in->path, DUMP_ANY, &in->d, err, sizeof err) != 0) {
			cli_error("%s", err);
			return EXIT_USAGE;
		}
		if (in->d.nruns == 0) {
			cli_error("%s: a %s document with no run in it", in->path,
				  dump_format_name(in->d.format));
			return EXIT_USAGE;
		}
		total += in->d.nruns;
		if (f < 26)
			snprintf(in->label, sizeof in->label, "%c", 'A' + f);
		else
			snprintf(in->label, sizeof in->label, "F%u", f + 1);
	}
	c->runs = calloc(total, sizeof *c->runs);
	c->row_first = calloc(total, sizeof *c->row_first);
	if (c->runs == NULL || c->row_first == NULL) {
		cli_error("out of memory for %u runs", total);
		return EXIT_RUN;
	}
	for (unsigned f = 0; f < c->nin; f++)
		for (unsigned i = 0; i < c->in[f].d.nruns; i++) {
			struct run *r = &c->runs[c->nruns++];
			r->file = f;
			r->idx = i;
			run_comps(r, &c->in[f].d.runs[i]);
		}
	choose_key(c->runs, c->nruns, c->use);
	for (unsigned i = 0; i < c->nruns; i++) {
		struct run *r = &c->runs[i];
		unsigned row = 0;
		while (row < c->nrows && !agree(&c->runs[c->row_first[row]], r, c->use, -1))
			row++;
		if (row == c->nrows)
			c->row_first[c->nrows++] = i;
		r->row = row;
	}
	/* repeats: a configuration with two runs in one file */
	for (unsigned i = 0; i < c->nruns && !c->repeats; i++)
		for (unsigned j = i + 1; j < c->nruns && !c->repeats; j++)
			c->repeats = c->runs[i].row == c->runs[j].row &&
				     c->runs[i].file == c->runs[j].file;
	return EXIT_OK;
}

static void default_metric_set(struct compare *c)
{
	for (size_t i = 0; i < sizeof default_metrics / sizeof default_metrics[0]; i++)
		metric_find(default_metrics[i], &c->metrics[c->nmetrics++]);
	for (unsigned f = 0; f < ALLOC_FIGURE_COUNT; f++)
		c->metrics[c->nmetrics++] = (struct metric){ true, f };
}

int cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "metric", required_argument, 0, 'm' },
		{ "threshold", required_argument, 0, 't' },
		{ "format", required_argument, 0, 'f' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct compare c;
	memset(&c, 0, sizeof c);
	struct cli_seen seen = { .n = 0 };
	int fmt = FMT_TABLE;
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, "m:t:f:h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		if (opt == '?')
			return cli_bad_option("compare", optopt, argv[optind - 1]);
		if (opt != 'm' && cli_once(&seen, longopts, opt) != EXIT_OK)
			return EXIT_USAGE;
		if (opt == 'm') {
			c.chose = true;
			if (parse_metrics(optarg, c.metrics, &c.nmetrics) != EXIT_OK)
				return EXIT_USAGE;
		} else if (opt == 't') {
			if (parse_pct(optarg, &c.threshold) != 0) {
				cli_error("compare: --threshold takes a percentage above 0, like 5 "
					  "or 2.5, not '%s'",
					  optarg);
				return EXIT_USAGE;
			}
		} else if (opt == 'f') {
			fmt = -1;
			for (int i = 0; i < 4; i++)
				if (strcmp(optarg, format_names[i]) == 0)
					fmt = i;
			if (fmt < 0) {
				cli_error("compare: unknown format '%s' (known: table, csv, json, "
					  "markdown)",
					  optarg);
				return EXIT_USAGE;
			}
		}
	}
	if (optind >= argc) {
		cli_error("compare: no FILE to compare (see mmlab compare --help)");
		return EXIT_USAGE;
	}
	c.nin = (unsigned)(argc - optind);
	c.in = calloc(c.nin, sizeof *c.in);
	if (c.in == NULL) {
		cli_error("out of memory");
		return EXIT_RUN;
	}
	for (unsigned f = 0; f < c.nin; f++)
		c.in[f].path = argv[optind + (int)f];
	if (!c.chose)
		default_metric_set(&c);
	struct grid g;
	memset(&g, 0, sizeof g);
	int rc = read_inputs(&c);
	if (rc == EXIT_OK) {
		build_columns(&c, &g);
		if (g.oom || build_rows(&c, &g) != 0) {
			cli_error("out of memory comparing %u files", c.nin);
			rc = EXIT_RUN;
		}
	}
	if (rc == EXIT_OK) {
		struct view w = { &c, &g, fmt == FMT_TABLE || fmt == FMT_MARKDOWN,
				  calloc(g.ncols + 1, sizeof *w.cols), calloc(g.ncols + 1, sizeof *w.idx),
				  calloc(g.ncols + 1, sizeof *w.cells) };
		if (w.cols == NULL || w.idx == NULL || w.cells == NULL) {
			cli_error("out of memory comparing %u files", c.nin);
			rc = EXIT_RUN;
		} else if (fmt == FMT_TABLE || fmt == FMT_JSON) {
			struct emitter e;
			emit_init_file(&e, fmt == FMT_JSON ? EMIT_JSON : EMIT_TABLE, stdout);
			compare_doc(&e, &w);
		} else if (fmt == FMT_CSV) {
			write_csv(&w);
		} else {
			write_markdown(&w);
		}
		if (rc == EXIT_OK && c.regressions > 0)
			rc = EXIT_CHECK;
		free(w.cols);
		free(w.idx);
		free(w.cells);
	}
	grid_free(&g);
	for (unsigned f = 0; f < c.nin; f++)
		dump_free(&c.in[f].d);
	free(c.in);
	free(c.runs);
	free(c.row_first);
	return rc;
}
