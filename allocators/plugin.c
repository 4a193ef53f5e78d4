/* plugin.c — an allocator loaded from a shared object at run time.
 *
 * `-a plugin:PATH.so[:OPTIONS]` dlopens PATH, reads the ops table it
 * exports as `mmlab_allocator` and gives OPTIONS to its init; every call is
 * then forwarded.  Invariant: a loaded table has alloc and free; what else
 * it lacks is supplied here (docs/plugins.md).
 */
#include "builtin.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLUGIN_SYMBOL "mmlab_allocator"

struct plug {
	const struct alloc_ops *ops; /* &table */
	struct alloc_ops table;      /* the plug-in's, widened to this ABI */
	uint32_t stats_size;         /* its struct alloc_stats's size */
	void *state;
	void *dl;
	char name[32]; /* the table's name: the stats' backend when it gives none */
};

/* The plug-in's message as one line: newlines and tabs become spaces. */
static void plug_one_line(char *err)
{
	for (char *p = err; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
}

static int plug_refuse(struct plug *p, char *err, size_t errlen, const char *path,
		       const char *what)
{
	snprintf(err, errlen, "plugin: %s: %s", path, what);
	plug_one_line(err);
	if (p->dl != NULL)
		dlclose(p->dl);
	free(p);
	return -1;
}

static int plug_init(void **state, const char *options, char *err, size_t errlen)
{
	const char *colon = strchr(options, ':');
	size_t n = colon ? (size_t)(colon - options) : strlen(options);
	char path[4096];
	if (n == 0) {
		snprintf(err, errlen, "plugin: expects a shared object: -a plugin:PATH.so[:OPTIONS]");
		return -1;
	}
	/* A bare name is a file in the current directory, not a library to
	 * look for on the search path. */
	bool bare = memchr(options, '/', n) == NULL;
	if (n + 3 > sizeof path) {
		snprintf(err, errlen, "plugin: the path is longer than %zu bytes", sizeof path - 3);
		return -1;
	}
	snprintf(path, sizeof path, "%s%.*s", bare ? "./" : "", (int)n, options);
	const char *inner_options = colon ? colon + 1 : "";

	struct plug *p = calloc(1, sizeof *p);
	if (p == NULL) {
		snprintf(err, errlen, "plugin: no memory to load %s", path);
		return -1;
	}
	p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (p->dl == NULL) {
		const char *why = dlerror();
		/* dlerror names the file and the reason */
		snprintf(err, errlen, "plugin: %s", why ? why : "dlopen failed");
		plug_one_line(err);
		free(p);
		return -1;
	}
	dlerror();
	const struct alloc_ops *theirs = dlsym(p->dl, PLUGIN_SYMBOL);
	if (theirs == NULL)
		return plug_refuse(p, err, errlen, path,
				   "exports no 'const struct alloc_ops " PLUGIN_SYMBOL "'");
	char why[256];
	if (alloc_abi_check(&theirs->abi, why, sizeof why) != 0)
		return plug_refuse(p, err, errlen, path, why);
	/* An older table is shorter: the fields it lacks stay NULL, as absent. */
	memcpy(&p->table, theirs, theirs->abi.ops_size);
	p->stats_size = theirs->abi.stats_size;
	p->ops = &p->table;
	if (p->ops->alloc == NULL || p->ops->free == NULL)
		return plug_refuse(p, err, errlen, path,
				   PLUGIN_SYMBOL " has a NULL alloc or free (both are required)");
	snprintf(p->name, sizeof p->name, "%s", p->ops->name ? p->ops->name : "plugin");
	if (p->ops->init != NULL) {
		char inner[256] = "";
		if (p->ops->init(&p->state, inner_options, inner, sizeof inner) != 0) {
			inner[sizeof inner - 1] = '\0';
			snprintf(err, errlen, "plugin: %s",
				 inner[0] ? inner : "init failed (and gave no reason)");
			plug_one_line(err);
			dlclose(p->dl);
			free(p);
			return -1;
		}
	} else if (*inner_options) {
		return plug_refuse(p, err, errlen, path, "takes no options (it has no init)");
	}
	*state = p;
	return 0;
}

static void *plug_alloc(void *state, size_t size)
{
	struct plug *p = state;
	return p->ops->alloc(p->state, size);
}

static void plug_free(void *state, void *ptr, size_t size)
{
	struct plug *p = state;
	p->ops->free(p->state, ptr, size);
}

/* A plug-in without realloc gets the obvious one: the sizes are known. */
static void *plug_realloc(void *state, void *ptr, size_t old_size, size_t new_size)
{
	struct plug *p = state;
	if (p->ops->realloc != NULL)
		return p->ops->realloc(p->state, ptr, old_size, new_size);
	void *q = p->ops->alloc(p->state, new_size);
	if (q == NULL)
		return NULL;
	if (ptr != NULL) {
		memcpy(q, ptr, old_size < new_size ? old_size : new_size);
		p->ops->free(p->state, ptr, old_size);
	}
	return q;
}

static void plug_reset(void *state)
{
	struct plug *p = state;
	if (p->ops->reset != NULL)
		p->ops->reset(p->state);
}

/* The plug-in fills a record of its own version's size; an older one
 * leaves the figures appended since then zero and unknown. */
static void plug_stats(void *state, struct alloc_stats *out)
{
	struct plug *p = state;
	*out = (struct alloc_stats){ 0 };
	if (p->ops->stats != NULL) {
		if (p->stats_size == sizeof *out) {
			p->ops->stats(p->state, out);
		} else {
			struct alloc_stats *theirs = calloc(1, p->stats_size);
			if (theirs == NULL)
				return;
			p->ops->stats(p->state, theirs);
			memcpy(out, theirs, p->stats_size < sizeof *out ? p->stats_size : sizeof *out);
			free(theirs);
			out->known &= (1u << ALLOC_FIGURE_COUNT) - 1;
		}
	}
	out->backend[sizeof out->backend - 1] = '\0';
	if (out->backend[0] == '\0')
		snprintf(out->backend, sizeof out->backend, "%s", p->name);
	if (out->nraw > ALLOC_RAW_MAX)
		out->nraw = ALLOC_RAW_MAX;
}

static void plug_fini(void *state)
{
	struct plug *p = state;
	if (p->ops->fini != NULL)
		p->ops->fini(p->state);
	dlclose(p->dl);
	free(p);
}

bool alloc_plugin_resets(void *state)
{
	const struct plug *p = state;
	return p->ops->reset != NULL;
}

uintptr_t alloc_plugin_code(void *state)
{
	const struct plug *p = state;
	return (uintptr_t)p->ops->alloc;
}

const struct alloc_ops alloc_plugin = {
	.abi = ALLOC_ABI_CURRENT,
	.name = "plugin",
	.summary = PLUGIN_SUMMARY,
	.init = plug_init,
	.alloc = plug_alloc,
	.free = plug_free,
	.realloc = plug_realloc,
	.reset = plug_reset,
	.stats = plug_stats,
	.fini = plug_fini,
};
