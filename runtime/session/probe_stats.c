/* probe_stats.c — the recorder's histograms, log and timeline as stats. */
#include "probe_stats.h"

#include "runtime/probes/mmu.h"

static double seconds(uint64_t ns)
{
	return (double)ns / 1e9;
}

static void dist_of(const struct hist *h, struct stats_dist *d)
{
	*d = (struct stats_dist){
		.count = h->count,
		.total_s = seconds(h->total),
		.p50_s = seconds(hist_quantile(h, 500000)),
		.p90_s = seconds(hist_quantile(h, 900000)),
		.p99_s = seconds(hist_quantile(h, 990000)),
		.p999_s = seconds(hist_quantile(h, 999000)),
		.max_s = seconds(h->max),
	};
}

/* A distribution into the results: percentiles and max only when there
 * is something to take them of. */
static void put(struct stats_results *r, enum stats_field first, const struct hist *h)
{
	struct stats_dist d;
	dist_of(h, &d);
	if (h->count > 0) {
		stats_put_dist(r, first, &d);
	} else {
		stats_set_u64(r, first, 0);
		stats_set_f64(r, (enum stats_field)(first + 1), 0);
	}
}

static void fill_mmu(const struct probe_record *r, const struct hist *all, struct stats *s)
{
	static const struct {
		uint64_t w;
		enum stats_field f;
	} standard[] = {
		{ 1000000u, STATS_F_mmu_1ms },
		{ 10000000u, STATS_F_mmu_10ms },
		{ 100000000u, STATS_F_mmu_100ms },
		{ 1000000000u, STATS_F_mmu_1s },
	};
	if (r->log.lost || r->t_end < r->t0)
		return;
	struct mmu_run run = { .log = &r->log, .length_ns = r->t_end - r->t0,
			       .max_pause_ns = all->max };
	uint64_t w[STATS_MMU_MAX];
	double u[STATS_MMU_MAX];
	unsigned n = mmu_curve(&run, w, u, STATS_MMU_MAX);
	s->mmu.n = n;
	for (unsigned i = 0; i < n; i++) {
		s->mmu.window_s[i] = seconds(w[i]);
		s->mmu.mmu[i] = u[i];
	}
	for (unsigned j = 0; j < sizeof standard / sizeof standard[0]; j++) {
		double v = MMU_UNDEFINED;
		bool found = false;
		for (unsigned i = 0; i < n && !found; i++)
			if (w[i] == standard[j].w)
				v = u[i], found = true;
		if (!found)
			v = mmu_at(&run, standard[j].w);
		if (v >= 0)
			stats_set_f64(&s->results, standard[j].f, v);
	}
}

static void fill_timeline(const struct timeline *tl, struct stats_timeline *out)
{
	out->interval_s = seconds(tl->interval);
	out->samples = tl->samples;
	out->n = 0;
	for (uint32_t i = 0; i < tl->n && out->n < STATS_TIMELINE_MAX; i++) {
		if (tl->pt[i].known == 0)
			continue;
		struct stats_point *p = &out->pt[out->n++];
		p->t_s = seconds((uint64_t)i * tl->interval);
		p->known = tl->pt[i].known;
		for (unsigned f = 0; f < PROBE_HEAP_NFIELDS; f++)
			p->v[f] = tl->pt[i].v[f];
	}
}

/* One pass over the pause log: every pause in its log2 bucket, and the
 * STATS_MARKS_MAX longest kept, longest first (insertion: a pause goes in
 * only when it beats the shortest kept). */
static void fill_pause_hist(const struct probe_record *r, struct stats *s)
{
	memset(s->pause_hist, 0, sizeof s->pause_hist);
	s->nmarks = 0;
	if (r->log.lost) /* a partial log: no histogram rather than a wrong one */
		return;
	struct plog_reader rd;
	struct plog_entry p;
	plog_reader_init(&rd, &r->log);
	while (plog_next(&rd, &p)) {
		uint64_t d = p.end > p.start ? p.end - p.start : 0;
		unsigned k = d < 2 ? 0 : 63u - (unsigned)__builtin_clzll(d);
		s->pause_hist[k < STATS_HIST_BUCKETS ? k : STATS_HIST_BUCKETS - 1]++;
		double dur = (double)d / 1e9;
		if (s->nmarks == STATS_MARKS_MAX && dur <= s->marks[STATS_MARKS_MAX - 1].dur_s)
			continue;
		unsigned i = s->nmarks < STATS_MARKS_MAX ? s->nmarks++ : STATS_MARKS_MAX - 1;
		while (i > 0 && s->marks[i - 1].dur_s < dur) {
			s->marks[i] = s->marks[i - 1];
			i--;
		}
		s->marks[i] = (struct stats_mark){ (double)p.start / 1e9, dur, p.kind };
	}
}

void probe_stats_fill(const struct probe_record *r, struct stats *s)
{
	struct hist all; /* 32 KiB, for the length of this call */
	probe_record_pauses(r, &all);
	put(&s->results, STATS_F_pause_count, &all);
	put(&s->results, STATS_F_step_count, &r->step);
	for (unsigned k = 0; k < PROBE_PAUSE_KINDS; k++)
		dist_of(&r->pause[k], &s->kinds[k]);
	fill_mmu(r, &all, s);
	fill_pause_hist(r, s);
	fill_timeline(&r->tl, &s->timeline);
	const struct probe_heap *h = &r->fullest;
	const unsigned both = 1u << PROBE_HEAP_ALLOCATED | 1u << PROBE_HEAP_FOOTPRINT;
	/* sampled only where the allocator gave no exact figures at the peak */
	if ((h->known & both) == both && !stats_known(&s->results, STATS_F_frag_external))
		stats_fragmentation(&s->results, true, h->known & (1u << PROBE_HEAP_LIVE),
				    h->v[PROBE_HEAP_LIVE], h->v[PROBE_HEAP_ALLOCATED],
				    h->v[PROBE_HEAP_FOOTPRINT]);
	stats_set_u64(&s->results, STATS_F_probe_bytes, probe_record_bytes(r));
}
