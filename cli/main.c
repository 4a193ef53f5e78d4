/* main.c — mmlab's entry point: pick the subcommand. */
#include <stdio.h>
#include <string.h>

#include "runtime/stats/version.h"
#include "cli.h"

static const char usage[] =
	"usage: mmlab COMMAND [options]\n"
	"\n"
	"A memory-management playground: one workload, four memory models, pluggable\n"
	"allocators, and probes for pauses, memory and throughput.\n"
	"\n"
	"commands:\n"
	"  run      run one workload under one model and print its stats\n"
	"  matrix   run workloads x allocators x models, each in a fresh process: one table\n"
	"  sweep    the gc model at multiples of the live size, against manual: time and space\n"
	"  replay   replay allocation traces on an allocator: checks, utilization, throughput\n"
	"  grade    grade a plug-in allocator: correctness gate, then a malloc-lab score\n"
	"  shim     build a plug-in into an LD_PRELOAD malloc, or run a program on it\n"
	"  exec     run any program on an allocator: times, peak RSS, the allocator's stats\n"
	"  plot     SVG charts from stats dumps\n"
	"  report   one self-contained HTML page from stats dumps: tables and charts\n"
	"  compare  compare stats dumps side by side: deltas, medians, significance\n"
	"  show     print any stats dump as a table\n"
	"  list     list workloads, models and allocators\n"
	"\n"
	"  mmlab COMMAND --help   help on one command\n"
	"  mmlab --version        print the version\n";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", cmd_run },
	{ "matrix", cmd_matrix },
	{ "sweep", cmd_sweep },
	{ "replay", cmd_replay },
	{ "grade", cmd_grade },
	{ "shim", cmd_shim },
	{ "exec", cmd_exec },
	{ "plot", cmd_plot },
	{ "report", cmd_report },
	{ "compare", cmd_compare },
	{ "show", cmd_show },
	{ "list", cmd_list },
};

static const char *command_at(const void *list, unsigned i)
{
	(void)list;
	return commands[i].name;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage, stdout);
		return cli_stdout_finish(EXIT_OK);
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("mmlab %s\n", MMLAB_VERSION);
		return cli_stdout_finish(EXIT_OK);
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return cli_stdout_finish(commands[i].fn(argc - 1, argv + 1));
	return cli_unknown("command", cmd, "", sizeof commands / sizeof commands[0], command_at,
			   NULL);
}
