/* native_jemalloc.c — jemalloc's own stats dump, as
 * MALLOC_CONF=stats_print:true,stats_print_opts:J writes it at exit.
 *
 * Only the "jemalloc.stats" totals are read; they map as sys_jemalloc.c
 * maps the same mallctl figures, so a dump and a live run agree:
 * allocated, resident, footprint = max(mapped, resident), free =
 * footprint - allocated.  The six totals are kept under raw.
 */
#include "dump_native.h"
#include "dump_read.h"

static const char *const keys[] = { "allocated", "active",   "metadata",
				    "resident",  "mapped",   "retained" };
enum { K_ALLOCATED, K_ACTIVE, K_METADATA, K_RESIDENT, K_MAPPED, K_RETAINED, K_COUNT };

int dump_native_jemalloc(const json_t *root, struct stats *s, char *err, size_t errlen)
{
	dump_native_begin(s, "jemalloc");
	const json_t *st = json_object_get(json_object_get(root, "jemalloc"), "stats");
	if (!json_is_object(st))
		return dump_native_fail(err, errlen,
					"no jemalloc.stats object (jemalloc built without "
					"statistics, or stats_print_opts left them out)");
	uint64_t v[K_COUNT];
	bool known[K_COUNT];
	for (unsigned i = 0; i < K_COUNT; i++) {
		const json_t *m = json_object_get(st, keys[i]);
		known[i] = m != NULL;
		if (!known[i])
			continue;
		if (!json_is_integer(m) || json_integer_value(m) < 0)
			return dump_native_fail(err, errlen,
						"jemalloc.stats.%s is not an unsigned integer",
						keys[i]);
		v[i] = (uint64_t)json_integer_value(m);
		char raw[32];
		snprintf(raw, sizeof raw, "stats.%s", keys[i]);
		alloc_stats_raw(&s->alloc, raw, v[i]);
	}
	if (!known[K_ALLOCATED])
		return dump_native_fail(err, errlen, "jemalloc.stats has no \"allocated\"");
	alloc_figure_set(&s->alloc, ALLOC_FIG_ALLOCATED, v[K_ALLOCATED]);
	if (known[K_RESIDENT])
		alloc_figure_set(&s->alloc, ALLOC_FIG_RESIDENT, v[K_RESIDENT]);
	if (known[K_MAPPED] && known[K_RESIDENT]) {
		uint64_t fp = v[K_MAPPED] > v[K_RESIDENT] ? v[K_MAPPED] : v[K_RESIDENT];
		alloc_figure_set(&s->alloc, ALLOC_FIG_FOOTPRINT, fp);
		if (fp >= v[K_ALLOCATED])
			alloc_figure_set(&s->alloc, ALLOC_FIG_FREE, fp - v[K_ALLOCATED]);
	}
	return 0;
}
