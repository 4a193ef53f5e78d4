/* spec.c — turning the shared command-line options into a run spec.
 *
 * Every refusal is one line naming what was wrong and what would be
 * accepted; parameters are resolved only after all options are read, so
 * -p may come before or after -w.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allocators/alloc_opt.h"
#include "cli.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("mmlab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_bad_option(const char *cmd, int opt, const char *arg)
{
	if (opt != 0 && opt < OPT_SEED && arg == NULL)
		cli_error("%s: unknown option '-%c' (see mmlab %s --help)", cmd, opt, cmd);
	else if (arg != NULL)
		cli_error("%s: unknown option or missing value: '%s' (see mmlab %s --help)", cmd,
			  arg, cmd);
	else
		cli_error("%s: bad option (see mmlab %s --help)", cmd, cmd);
	return EXIT_USAGE;
}

void spec_init(struct run_spec *s)
{
	memset(s, 0, sizeof *s);
	s->wl = wl_find("binary-trees");
	s->meta = s->wl->impl[0];
	s->model = (enum mm_model)0; /* the first model listed */
	s->alloc = alloc_find("glibc");
	s->alloc_options = "";
	s->model_options = "";
	s->seed = 1;
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	s->mem_limit = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
	for (unsigned i = 0; i < s->meta->nparams; i++)
		s->params[i] = s->meta->params[i].def;
}

static const char *workload_at(const void *list, unsigned i)
{
	return ((const struct wl_desc *)list)[i].impl[0]->name;
}

static const char *allocator_at(const void *list, unsigned i)
{
	return ((const struct alloc_entry *)list)[i].name;
}

static const char *param_at(const void *list, unsigned i)
{
	return ((const struct wl_param *)list)[i].name;
}

static int set_workload(struct run_spec *s, const char *name)
{
	const struct wl_desc *w = wl_find(name);
	if (w == NULL) {
		unsigned n;
		const struct wl_desc *all = wl_all(&n);
		return cli_unknown("workload", name, "", n, workload_at, all);
	}
	s->wl = w;
	s->meta = w->impl[0];
	for (unsigned i = 0; i < s->meta->nparams; i++)
		s->params[i] = s->meta->params[i].def;
	return 1;
}

/* -m NAME or -m NAME:OPTIONS; the options are the model's to parse (its
 * init refuses what it does not know, before anything runs). */
static int set_model(struct run_spec *s, const char *text)
{
	const char *colon = strchr(text, ':');
	char name[64];
	snprintf(name, sizeof name, "%.*s", (int)(colon ? (size_t)(colon - text) : strlen(text)),
		 text);
	enum mm_model m = mm_model_find(name);
	if (m == MM_MODEL_COUNT) {
		char known[256];
		cli_known_models(known, sizeof known);
		cli_error("unknown model '%s' (known: %s)", name, known);
		return EXIT_USAGE;
	}
	if (colon != NULL && !mm_model_get(m)->takes_options) {
		cli_error("-m %s takes no options (got '%s')", name, colon + 1);
		return EXIT_USAGE;
	}
	if (colon != NULL && strlen(colon + 1) >= STATS_TEXT) {
		cli_error("-m %s: the options are %zu bytes, longer than the %d a record holds",
			  name, strlen(colon + 1), STATS_TEXT - 1);
		return EXIT_USAGE;
	}
	s->model = m;
	s->model_options = colon ? colon + 1 : "";
	return 1;
}

static int set_allocator(struct run_spec *s, const char *text)
{
	if (strlen(text) >= STATS_SPEC_TEXT) {
		cli_error("-a: the allocator's spec is %zu bytes, longer than the %d a record "
			  "holds",
			  strlen(text), STATS_SPEC_TEXT - 1);
		return EXIT_USAGE;
	}
	const char *colon = strchr(text, ':');
	char *name = strndup(text, colon ? (size_t)(colon - text) : strlen(text));
	if (name == NULL) {
		cli_error("out of memory");
		return EXIT_USAGE;
	}
	const struct alloc_entry *a = alloc_find(name);
	if (a == NULL) {
		size_t n;
		const struct alloc_entry *all = alloc_entries(&n);
		cli_unknown("allocator", name, "", (unsigned)n, allocator_at, all);
		free(name);
		return EXIT_USAGE;
	}
	free(name);
	s->alloc = a;
	s->alloc_given = true;
	s->alloc_options = colon ? colon + 1 : "";
	return 1;
}

int cli_once(struct cli_seen *seen, const struct option *longopts, int opt)
{
	for (unsigned i = 0; i < seen->n; i++) {
		if (seen->opt[i] != opt)
			continue;
		const char *name = NULL;
		for (const struct option *o = longopts; o->name != NULL; o++)
			if (o->val == opt)
				name = o->name;
		if (name != NULL)
			cli_error("--%s given twice; give it once", name);
		else
			cli_error("-%c given twice; give it once", opt);
		return EXIT_USAGE;
	}
	if (seen->n < sizeof seen->opt / sizeof seen->opt[0])
		seen->opt[seen->n++] = opt;
	return EXIT_OK;
}

bool cli_same_file(const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return true;
	struct stat x, y;
	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev &&
	       x.st_ino == y.st_ino && !S_ISCHR(x.st_mode);
}

int spec_option(struct run_spec *s, int opt, const char *arg)
{
	switch (opt) {
	case 'w':
		return set_workload(s, arg);
	case 'm':
		return set_model(s, arg);
	case 'a':
		return set_allocator(s, arg);
	case 'p':
		if (s->nparam_args == sizeof s->param_args / sizeof s->param_args[0]) {
			cli_error("too many -p options");
			return EXIT_USAGE;
		}
		s->param_args[s->nparam_args++] = arg;
		return 1;
	case OPT_SEED:
		if (parse_u64(arg, &s->seed) != 0) {
			cli_error("--seed: '%s' is not a non-negative integer", arg);
			return EXIT_USAGE;
		}
		return 1;
	case OPT_JSON:
		s->json_path = arg;
		return 1;
	case OPT_TIMEOUT:
		if (parse_count("--timeout", arg, TIMEOUT_MAX, "seconds", &s->timeout) != EXIT_OK)
			return EXIT_USAGE;
		return 1;
	case OPT_HEAP_LIMIT:
		if (alloc_parse_size(arg, &s->heap_limit) != 0 || s->heap_limit == 0) {
			cli_error("--heap-limit: '%s' is not a size above 0 (e.g. 64M, 1G)", arg);
			return EXIT_USAGE;
		}
		return 1;
	case OPT_MEM_LIMIT:
		if (alloc_parse_size(arg, &s->mem_limit) != 0 || (s->mem_limit != 0 && s->mem_limit < (16u << 20))) {
			cli_error("--mem-limit: '%s' is not a size of at least 16M (e.g. 512M, 4G; 0 for none)",
				  arg);
			return EXIT_USAGE;
		}
		return 1;
	default:
		return 0;
	}
}

static int set_param(struct run_spec *s, const char *text)
{
	const char *eq = strchr(text, '=');
	if (eq == NULL || eq == text) {
		cli_error("-p expects KEY=VALUE, got '%s'", text);
		return EXIT_USAGE;
	}
	char *key = strndup(text, (size_t)(eq - text));
	if (key == NULL) {
		cli_error("out of memory");
		return EXIT_USAGE;
	}
	const struct wl_param *p = wl_param_find(s->meta, key);
	if (p == NULL) {
		char *where = cli_aprintf(" for workload %s", s->meta->name);
		cli_unknown("parameter", key, where ? where : "", s->meta->nparams, param_at,
			s->meta->params);
		free(where);
		free(key);
		return EXIT_USAGE;
	}
	free(key);
	key = NULL;
	int64_t v;
	if (parse_i64(eq + 1, &v) != 0) {
		cli_error("parameter %s: '%s' is not an integer", p->name, eq + 1);
		return EXIT_USAGE;
	}
	if (v < p->min || v > p->max) {
		cli_error("parameter %s: %lld is out of range (%lld..%lld)", p->name, (long long)v,
			  (long long)p->min, (long long)p->max);
		return EXIT_USAGE;
	}
	/* record what runs: a value the workload raises is written raised */
	if (p->floor != 0 && v < p->floor)
		v = p->floor;
	s->params[p - s->meta->params] = v;
	return EXIT_OK;
}

/* MMLAB_SPLIT: unset, "on" or "off"; 1 for off, 0 for on, -1 when it is
 * something else. */
static int split_env(void)
{
	const char *v = getenv("MMLAB_SPLIT");
	if (v == NULL || strcmp(v, "on") == 0)
		return 0;
	return strcmp(v, "off") == 0 ? 1 : -1;
}

bool spec_split_off(void)
{
	return split_env() == 1;
}

int spec_finish(struct run_spec *s)
{
	for (unsigned i = 0; i < s->nparam_args; i++)
		if (set_param(s, s->param_args[i]) != EXIT_OK)
			return EXIT_USAGE;
	if (split_env() < 0) { /* checked here, before matrix or sweep start a child */
		cli_error("MMLAB_SPLIT: '%s' is not on or off", getenv("MMLAB_SPLIT"));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int spec_check(const struct run_spec *s, enum mm_model model)
{
	const struct mm_model_ops *m = mm_model_get(model);
	if (!m->takes_allocator && s->alloc_given && s->alloc->ops != NULL) {
		cli_error("-m %s cannot run on allocator %s: it brings its own heap, so it "
			  "always allocates from %s",
			  m->name, s->alloc->name, m->heap_name);
		return EXIT_USAGE;
	}
	if (m->takes_allocator && s->alloc->ops == NULL) {
		cli_error("allocator %s serves only the gc model; pick another for -m %s",
			  s->alloc->name, mm_model_name(model));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

const char *spec_alloc_name(const struct run_spec *s, enum mm_model model)
{
	const struct mm_model_ops *m = mm_model_get(model);
	return m->takes_allocator ? s->alloc->name : m->heap_name;
}

void spec_config(const struct run_spec *s, enum mm_model model, struct stats_config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->workload, sizeof c->workload, "%s", s->meta->name);
	snprintf(c->ops_unit, sizeof c->ops_unit, "%s", s->meta->ops_unit);
	snprintf(c->model, sizeof c->model, "%s", mm_model_name(model));
	if (model == s->model)
		snprintf(c->model_options, sizeof c->model_options, "%s", s->model_options);
	c->heap_limit = s->heap_limit;
	if (mm_model_get(model)->takes_allocator && *s->alloc_options)
		snprintf(c->allocator, sizeof c->allocator, "%s:%s", s->alloc->name,
			 s->alloc_options);
	else
		snprintf(c->allocator, sizeof c->allocator, "%s", spec_alloc_name(s, model));
	c->seed = s->seed;
	c->nparams = s->meta->nparams;
	for (unsigned i = 0; i < s->meta->nparams && i < STATS_PARAMS_MAX; i++) {
		snprintf(c->params[i].name, sizeof c->params[i].name, "%s",
			 s->meta->params[i].name);
		c->params[i].value = s->params[i];
	}
	stats_config_host(c);
}

/* ASan and friends reserve terabytes of address space up front, so an
 * address-space limit would only break them. */
#if defined(__SANITIZE_ADDRESS__)
static const bool sanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
static const bool sanitized = true;
#else
static const bool sanitized = false;
#endif
#else
static const bool sanitized = false;
#endif

int cli_apply_mem_limit(uint64_t bytes)
{
	if (bytes == 0 || sanitized)
		return 0;
	struct rlimit rl;
	if (getrlimit(RLIMIT_AS, &rl) != 0)
		return -1;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < bytes ? rl.rlim_max : bytes;
	return setrlimit(RLIMIT_AS, &rl);
}
