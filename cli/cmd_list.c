/* cmd_list.c — `mmlab list`: what exists, one line each. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: mmlab list [workloads|models|allocators]\n"
	"\n"
	"List the workloads (with their parameters), memory models and allocators,\n"
	"or only the kind named.\n";

static const char *const kinds[] = { "workloads", "models", "allocators" };

static const char *kind_at(const void *list, unsigned i)
{
	return ((const char *const *)list)[i];
}

int cmd_list(int argc, char **argv)
{
	const char *only = NULL;
	if (argc > 2) {
		cli_error("list: too many arguments (see mmlab list --help)");
		return EXIT_USAGE;
	}
	if (argc == 2) {
		if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		only = argv[1];
		if (strcmp(only, "workloads") && strcmp(only, "models") && strcmp(only, "allocators")) {
			return cli_unknown("kind", only, " for list", 3, kind_at, kinds);
		}
	}
	if (!only || strcmp(only, "workloads") == 0) {
		unsigned n;
		const struct wl_desc *all = wl_all(&n);
		printf("workloads\n");
		for (unsigned i = 0; i < n; i++) {
			const struct wl_impl *w = all[i].impl[0];
			printf("  %-14s %s\n", w->name, w->summary);
			for (unsigned p = 0; p < w->nparams; p++)
				printf("  %-14s   -p %s=N  %s (%" PRId64 "..%" PRId64 ", default %" PRId64 ")\n",
				       "", w->params[p].name, w->params[p].help, w->params[p].min,
				       w->params[p].max, w->params[p].def);
		}
	}
	if (!only || strcmp(only, "models") == 0) {
		printf("%smodels\n", only ? "" : "\n");
		for (unsigned m = 0; m < MM_MODEL_COUNT; m++) {
			/* one row per model (tests read the names); options on it */
			const char *opts = mm_model_get((enum mm_model)m)->options_help;
			printf("  %-14s %s%s%s%s\n", mm_model_name((enum mm_model)m),
			       mm_model_get((enum mm_model)m)->summary, opts ? " (-m NAME:" : "",
			       opts ? opts : "", opts ? ")" : "");
		}
	}
	if (!only || strcmp(only, "allocators") == 0) {
		size_t n;
		const struct alloc_entry *all = alloc_entries(&n);
		printf("%sallocators\n", only ? "" : "\n");
		for (size_t i = 0; i < n; i++)
			printf("  %-14s %s\n", all[i].name, all[i].summary);
	}
	return EXIT_OK;
}
