/* native_mimalloc.c — mimalloc's MIMALLOC_SHOW_STATS text, printed at exit.
 *
 * Rows are "label: peak total freed current ..." with amounts as mimalloc
 * prints them: "0", "512 B", "64.2 KiB", "1.2 K" — three digits, the last
 * truncated, so a figure read is a lower bound within 0.1 of its unit.
 * committed maps to footprint as in sys_mimalloc.c (and its peak to
 * peak_footprint), reserved to reserved; the sum of the normal, large
 * and huge rows, when mimalloc was built to print them, to allocated.
 */
#include <stdio.h>
#include <string.h>

#include "dump_native.h"
#include "dump_read.h"

/* An amount at *p: a number with an optional unit; bytes (a lower bound). */
static bool amount(const char **p, const char *end, int64_t *out)
{
	const char *q = *p;
	while (q < end && *q == ' ')
		q++;
	bool neg = q < end && *q == '-';
	q += neg;
	const char *digits = q;
	while (q < end && *q >= '0' && *q <= '9')
		q++;
	if (q == digits || q - digits > 10)
		return false;
	uint64_t whole;
	if (!dump_native_u64(digits, (size_t)(q - digits), &whole))
		return false;
	unsigned tenth = 0;
	bool frac = false;
	if (q < end && *q == '.') {
		if (q + 1 >= end || q[1] < '0' || q[1] > '9')
			return false;
		tenth = (unsigned)(q[1] - '0');
		frac = true;
		q += 2;
	}
	if (q < end && *q != ' ')
		return false;
	/* the unit, if the next word is one */
	const char *u = q;
	while (u < end && *u == ' ')
		u++;
	static const struct {
		const char *word;
		uint64_t scale;
	} units[] = {
		{ "B", 1 },	     { "KiB", 1ull << 10 }, { "MiB", 1ull << 20 },
		{ "GiB", 1ull << 30 }, { "TiB", 1ull << 40 }, { "K", 1000 },
		{ "M", 1000000 },    { "G", 1000000000 },
	};
	uint64_t scale = 1;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		size_t n = strlen(units[i].word);
		if ((size_t)(end - u) >= n && memcmp(u, units[i].word, n) == 0 &&
		    (u + n == end || u[n] == ' ')) {
			scale = units[i].scale;
			q = u + n;
			break;
		}
	}
	if (whole > (UINT64_MAX >> 2) / scale)
		return false;
	if (frac && scale == 1)
		return false; /* "1.5" alone is not an amount mimalloc prints */
	uint64_t v = whole * scale + (uint64_t)tenth * (scale / 10);
	*out = neg ? -(int64_t)v : (int64_t)v;
	*p = q;
	return true;
}

static const char *const rows[] = { "reserved", "committed", "normal", "large", "huge",
				    "segments", "pages",     "threads" };
enum { R_RESERVED, R_COMMITTED, R_NORMAL, R_LARGE, R_HUGE, R_SEGMENTS, R_PAGES, R_THREADS,
       R_COUNT };
enum { A_PEAK, A_TOTAL, A_FREED, A_CURRENT, A_COUNT };

int dump_native_mimalloc(const char *text, size_t len, struct stats *s, char *err, size_t errlen)
{
	dump_native_begin(s, "mimalloc");
	int64_t v[R_COUNT][A_COUNT];
	bool seen[R_COUNT] = { false };
	bool header = false;
	int64_t rss = -1;
	const char *at = text, *end = text + len, *line;
	size_t n;
	unsigned lineno = 0;
	while (dump_native_line(&at, end, &line, &n)) {
		lineno++;
		const char *le = line + n, *p = line;
		while (p < le && *p == ' ')
			p++;
		if ((size_t)(le - p) >= 11 && memcmp(p, "heap stats:", 11) == 0) {
			header = true;
			continue;
		}
		const char *colon = memchr(p, ':', (size_t)(le - p));
		if (colon == NULL)
			continue;
		size_t ln = (size_t)(colon - p);
		if (ln == 7 && memcmp(p, "process", 7) == 0) {
			const char *r = NULL;
			for (const char *q = colon; q + 5 <= le && r == NULL; q++)
				if (memcmp(q, "rss: ", 5) == 0)
					r = q + 4;
			int64_t a;
			if (r != NULL && amount(&r, le, &a) && a >= 0)
				rss = a;
			continue;
		}
		for (unsigned i = 0; i < R_COUNT; i++) {
			if (ln != strlen(rows[i]) || memcmp(p, rows[i], ln) != 0)
				continue;
			if (seen[i])
				return dump_native_fail(err, errlen, "line %u: a second '%s:' row",
							lineno, rows[i]);
			const char *q = colon + 1;
			for (unsigned k = 0; k < A_COUNT; k++)
				if (!amount(&q, le, &v[i][k]))
					return dump_native_fail(
						err, errlen,
						"line %u: '%s:' without peak, total, freed and current",
						lineno, rows[i]);
			seen[i] = true;
		}
	}
	if (!header)
		return dump_native_fail(err, errlen, "no 'heap stats:' line");
	if (!seen[R_RESERVED] || !seen[R_COMMITTED])
		return dump_native_fail(err, errlen, "no '%s:' row (not MIMALLOC_SHOW_STATS output?)",
					seen[R_RESERVED] ? "committed" : "reserved");
	static const char *const akey[A_COUNT] = { "peak", "total", "freed", "current" };
	for (unsigned i = 0; i < R_COUNT; i++) {
		if (!seen[i])
			continue;
		for (unsigned k = 0; k < A_COUNT; k++) {
			if (v[i][k] < 0)
				continue; /* mimalloc's own counts can go negative */
			char key[32];
			snprintf(key, sizeof key, "%s_%s", rows[i], akey[k]);
			alloc_stats_raw(&s->alloc, key, (uint64_t)v[i][k]);
		}
	}
	if (rss >= 0)
		alloc_stats_raw(&s->alloc, "process_peak_rss", (uint64_t)rss);
	struct alloc_stats *a = &s->alloc;
	if (v[R_RESERVED][A_CURRENT] >= 0)
		alloc_figure_set(a, ALLOC_FIG_RESERVED, (uint64_t)v[R_RESERVED][A_CURRENT]);
	if (v[R_RESERVED][A_PEAK] >= 0)
		alloc_figure_set(a, ALLOC_FIG_PEAK_RESERVED, (uint64_t)v[R_RESERVED][A_PEAK]);
	if (v[R_COMMITTED][A_CURRENT] >= 0) {
		alloc_figure_set(a, ALLOC_FIG_COMMITTED, (uint64_t)v[R_COMMITTED][A_CURRENT]);
		alloc_figure_set(a, ALLOC_FIG_FOOTPRINT, (uint64_t)v[R_COMMITTED][A_CURRENT]);
	}
	if (v[R_COMMITTED][A_PEAK] >= 0)
		alloc_figure_set(a, ALLOC_FIG_PEAK_FOOTPRINT, (uint64_t)v[R_COMMITTED][A_PEAK]);
	if (seen[R_NORMAL] || seen[R_LARGE] || seen[R_HUGE]) {
		int64_t sum = 0;
		bool ok = true;
		for (unsigned i = R_NORMAL; i <= R_HUGE; i++)
			if (seen[i]) {
				ok &= v[i][A_CURRENT] >= 0;
				sum += v[i][A_CURRENT];
			}
		if (ok)
			alloc_figure_set(a, ALLOC_FIG_ALLOCATED, (uint64_t)sum);
	}
	return 0;
}
