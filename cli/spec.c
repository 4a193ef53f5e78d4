/* spec.c — turning the shared command-line options into a run spec.
 *
 * Every refusal is one line naming what was wrong and what would be
 * accepted; parameters are resolved only after all options are read, so
 * -p may come before or after -w.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

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
	s->meta = s->wl->impl[MM_MANUAL];
	s->model = MM_MANUAL;
	s->alloc = alloc_find("glibc");
	s->alloc_options = "";
	s->seed = 1;
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	s->mem_limit = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
	for (unsigned i = 0; i < s->meta->nparams; i++)
		s->params[i] = s->meta->params[i].def;
}

static void known_workloads(char *buf, size_t len)
{
	unsigned n;
	const struct wl_desc *all = wl_all(&n);
	size_t used = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 all[i].impl[MM_MANUAL]->name);
}

static void known_allocators(char *buf, size_t len)
{
	size_t n, used = 0;
	const struct alloc_entry *all = alloc_entries(&n);
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 all[i].name);
}

static int set_workload(struct run_spec *s, const char *name)
{
	const struct wl_desc *w = wl_find(name);
	if (w == NULL) {
		char known[256];
		known_workloads(known, sizeof known);
		cli_error("unknown workload '%s' (known: %s)", name, known);
		return EXIT_USAGE;
	}
	s->wl = w;
	s->meta = w->impl[MM_MANUAL];
	for (unsigned i = 0; i < s->meta->nparams; i++)
		s->params[i] = s->meta->params[i].def;
	return 1;
}

static int set_model(struct run_spec *s, const char *name)
{
	enum mm_model m = mm_model_find(name);
	if (m == MM_MODEL_COUNT) {
		cli_error("unknown model '%s' (known: manual, rc, gc, own)", name);
		return EXIT_USAGE;
	}
	s->model = m;
	return 1;
}

static int set_allocator(struct run_spec *s, const char *text)
{
	char name[64];
	const char *colon = strchr(text, ':');
	size_t n = colon ? (size_t)(colon - text) : strlen(text);
	if (n >= sizeof name)
		n = sizeof name - 1;
	memcpy(name, text, n);
	name[n] = '\0';
	const struct alloc_entry *a = alloc_find(name);
	if (a == NULL) {
		char known[256];
		known_allocators(known, sizeof known);
		cli_error("unknown allocator '%s' (known: %s)", name, known);
		return EXIT_USAGE;
	}
	s->alloc = a;
	s->alloc_given = true;
	s->alloc_options = colon ? colon + 1 : "";
	return 1;
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
	case OPT_MEM_LIMIT:
		if (parse_size(arg, &s->mem_limit) != 0 || (s->mem_limit != 0 && s->mem_limit < (16u << 20))) {
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
	char key[64];
	snprintf(key, sizeof key, "%.*s", (int)(eq - text), text);
	const struct wl_param *p = wl_param_find(s->meta, key);
	if (p == NULL) {
		char known[256] = "";
		size_t used = 0;
		for (unsigned i = 0; i < s->meta->nparams && used < sizeof known; i++)
			used += (size_t)snprintf(known + used, sizeof known - used, "%s%s",
						 i ? ", " : "", s->meta->params[i].name);
		cli_error("unknown parameter '%s' for workload %s (known: %s)", key, s->meta->name,
			  known);
		return EXIT_USAGE;
	}
	int64_t v;
	if (parse_i64(eq + 1, &v) != 0) {
		cli_error("parameter %s: '%s' is not an integer", key, eq + 1);
		return EXIT_USAGE;
	}
	if (v < p->min || v > p->max) {
		cli_error("parameter %s: %lld is out of range (%lld..%lld)", key, (long long)v,
			  (long long)p->min, (long long)p->max);
		return EXIT_USAGE;
	}
	s->params[p - s->meta->params] = v;
	return EXIT_OK;
}

int spec_finish(struct run_spec *s)
{
	for (unsigned i = 0; i < s->nparam_args; i++)
		if (set_param(s, s->param_args[i]) != EXIT_OK)
			return EXIT_USAGE;
	return EXIT_OK;
}

int spec_check(const struct run_spec *s, enum mm_model model)
{
	if (model == MM_GC && s->alloc_given && s->alloc->ops != NULL) {
		cli_error("-m gc cannot run on allocator %s: Boehm owns its heap, so gc always "
			  "allocates from bdwgc",
			  s->alloc->name);
		return EXIT_USAGE;
	}
	if (model != MM_GC && s->alloc->ops == NULL) {
		cli_error("allocator %s serves only the gc model; pick another for -m %s",
			  s->alloc->name, mm_model_name(model));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

const char *spec_alloc_name(const struct run_spec *s, enum mm_model model)
{
	return model == MM_GC ? "bdwgc" : s->alloc->name;
}

void spec_config(const struct run_spec *s, enum mm_model model, struct stats_config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->workload, sizeof c->workload, "%s", s->meta->name);
	snprintf(c->ops_unit, sizeof c->ops_unit, "%s", s->meta->ops_unit);
	snprintf(c->model, sizeof c->model, "%s", mm_model_name(model));
	if (model != MM_GC && *s->alloc_options)
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

int cli_apply_mem_limit(uint64_t bytes)
{
	if (bytes == 0)
		return 0;
	struct rlimit rl;
	if (getrlimit(RLIMIT_AS, &rl) != 0)
		return -1;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < bytes ? rl.rlim_max : bytes;
	return setrlimit(RLIMIT_AS, &rl);
}
