/* cmd_plot.c — `mmlab plot DUMP... -o DIR`: SVG charts of stats dumps.
 *
 * Every dump is read before anything is written, so a bad one costs no
 * half-written folder; each chart is written whole (cli_out_open writes
 * aside and renames).  Invariant: the charts depend on the dumps alone
 * (plot.h), never on the time or the host.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "plot.h"

static const char usage[] =
	"usage: mmlab plot [options] DUMP... -o DIR\n"
	"\n"
	"Write SVG charts of stats dumps into DIR (made if missing): pauses.svg (the\n"
	"pause-time histogram, log2 buckets), timeline.svg (live, footprint and RSS\n"
	"over time), mmu.svg (the MMU curves overlaid), bars.svg (throughput, p99\n"
	"pause and peak footprint per model and allocator) and timespace.svg (a\n"
	"sweep's time and memory relative to manual at each heap multiple).  A DUMP\n"
	"is what run, matrix, run --repeat, exec or sweep wrote with --json.  See\n"
	"docs/plot.md.\n"
	"\n"
	"  -o, --output DIR  the folder to write the charts in\n"
	"  -h, --help        show this help\n"
	"\n"
	"Exit status: 0 charts written, 2 bad input (a dump that cannot be read, a\n"
	"DIR that cannot be made), 3 a chart could not be written (a full disk).\n";

int plot_read_all(struct plot_set *set, int n, char **paths)
{
	set->n = 0;
	set->nsweep = 0;
	set->rec = calloc(PLOT_RECORDS_MAX, sizeof *set->rec);
	if (set->rec == NULL) {
		cli_error("out of memory for the records");
		return EXIT_RUN;
	}
	for (int i = 0; i < n; i++) {
		char err[512];
		if (plot_load(set, paths[i], err, sizeof err) != 0) {
			cli_error("%s", err);
			free(set->rec);
			set->rec = NULL;
			return EXIT_USAGE;
		}
	}
	if (set->n == 0 && set->nsweep == 0) {
		cli_error("no record to show in the dumps given");
		free(set->rec);
		set->rec = NULL;
		return EXIT_USAGE;
	}
	plot_label(set);
	return EXIT_OK;
}

/* Options -o FILE and -h, then at least one dump. */
int plot_options(const char *cmd, const char *use, int argc, char **argv, const char **output)
{
	static const struct option longopts[] = {
		{ "output", required_argument, 0, 'o' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct cli_seen seen = { .n = 0 };
	*output = NULL;
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		if (opt != 'h' && opt != '?' && cli_once(&seen, longopts, opt) != EXIT_OK)
			return EXIT_USAGE;
		switch (opt) {
		case 'h':
			fputs(use, stdout);
			return -1;
		case 'o':
			*output = optarg;
			break;
		default:
			return cli_bad_option(cmd, optopt, argv[optind - 1]);
		}
	}
	if (optind == argc) {
		cli_error("%s: no dump given (see mmlab %s --help)", cmd, cmd);
		return EXIT_USAGE;
	}
	if (*output == NULL) {
		cli_error("%s: no output given: -o %s (see mmlab %s --help)", cmd,
			  strcmp(cmd, "plot") == 0 ? "DIR" : "FILE", cmd);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cmd_plot(int argc, char **argv)
{
	const char *dir;
	int rc = plot_options("plot", usage, argc, argv, &dir);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	struct plot_set set;
	rc = plot_read_all(&set, argc - optind, argv + optind);
	if (rc != EXIT_OK)
		return rc;
	struct stat st;
	if (mkdir(dir, 0777) != 0 && (errno != EEXIST || stat(dir, &st) != 0 ||
				      !S_ISDIR(st.st_mode))) {
		cli_error("cannot write %s: %s", dir, errno == EEXIST ? strerror(ENOTDIR)
								   : strerror(errno));
		free(set.rec);
		return EXIT_USAGE;
	}
	for (unsigned c = 0; c < plot_nchart && rc == EXIT_OK; c++) {
		char *path = cli_aprintf("%s/%s", dir, plot_charts[c].file);
		struct cli_out out;
		if (path == NULL) {
			cli_error("out of memory");
			rc = EXIT_RUN;
			break;
		}
		rc = cli_out_open(&out, path);
		if (rc == EXIT_OK) {
			plot_charts[c].draw(out.f, &set);
			rc = cli_out_commit(&out);
		}
		if (rc == EXIT_OK)
			printf("%s\n", path);
		free(path);
	}
	free(set.rec);
	return rc;
}
