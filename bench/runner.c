/* runner.c — time commands interleaved and print medians and ratios.
 *
 *   runner [-n RUNS] [-c] NAME=COMMAND ... [-r NUM/DEN<=TARGET ...]
 *
 * Round r runs every command once, in order, before round r+1 starts, so
 * slow drift of a shared machine hits every command alike.  Wall time is
 * measured around fork/exec/wait with CLOCK_MONOTONIC; stdout goes to
 * /dev/null.  With -c the figure is CPU time instead, user + system, of
 * the whole process tree (wait4's rusage counts the children each process
 * waited for): what a busy machine's other work cannot stretch.  A ratio is median(NUM) / median(DEN), checked against its
 * target; beside it, for judging noise, the median over rounds of
 * NUM's time / DEN's time in the same round (a paired ratio, which slow
 * drift of the machine cancels out of).  Exit status 0 even when a target is missed: the table says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_CMDS = 32, MAX_RATIOS = 32, MAX_RUNS = 101 };

struct cmd {
	char name[64];
	const char *line;
	double t[MAX_RUNS];
	int failed;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cpu_mode; /* -c: CPU time, not wall time */

static double cpu_of(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
	       (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}

static double run_once(const char *line, int *status)
{
	double t0 = now();
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execl("/bin/sh", "sh", "-c", line, (char *)NULL);
		_exit(127);
	}
	if (pid < 0) {
		*status = -1;
		return 0;
	}
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	while (wait4(pid, status, 0, &ru) < 0 && errno == EINTR)
		;
	return cpu_mode ? cpu_of(&ru) : now() - t0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(const double *v, int n, double *lo, double *hi)
{
	double s[MAX_RUNS];
	memcpy(s, v, sizeof(double) * (size_t)n);
	qsort(s, (size_t)n, sizeof s[0], cmp);
	*lo = s[0];
	*hi = s[n - 1];
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static struct cmd *find(struct cmd *cmds, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

int main(int argc, char **argv)
{
	struct cmd cmds[MAX_CMDS];
	const char *ratios[MAX_RATIOS];
	int ncmd = 0, nratio = 0, runs = 5;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			runs = atoi(argv[++i]);
		} else if (strcmp(argv[i], "-c") == 0) {
			cpu_mode = 1;
		} else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc && nratio < MAX_RATIOS) {
			ratios[nratio++] = argv[++i];
		} else if (strchr(argv[i], '=') && ncmd < MAX_CMDS) {
			const char *eq = strchr(argv[i], '=');
			snprintf(cmds[ncmd].name, sizeof cmds[ncmd].name, "%.*s", (int)(eq - argv[i]),
				 argv[i]);
			cmds[ncmd].line = eq + 1;
			cmds[ncmd].failed = 0;
			ncmd++;
		} else {
			fprintf(stderr, "runner: bad argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (runs < 1 || runs > MAX_RUNS || ncmd == 0) {
		fprintf(stderr, "usage: runner [-n RUNS] [-c] NAME=COMMAND ... [-r NUM/DEN<=TARGET]\n");
		return 2;
	}

	for (int r = 0; r < runs; r++) {
		for (int c = 0; c < ncmd; c++) {
			int status = 0;
			cmds[c].t[r] = run_once(cmds[c].line, &status);
			if (status != 0)
				cmds[c].failed = 1;
		}
		fprintf(stderr, "\rrunner: round %d of %d", r + 1, runs);
	}
	fprintf(stderr, "\n");

	printf("%-22s %10s %10s %10s   (%s, %d interleaved runs each)\n", "command", "median",
	       "min", "max", cpu_mode ? "CPU time" : "wall time", runs);
	double med[MAX_CMDS];
	for (int c = 0; c < ncmd; c++) {
		double lo, hi;
		med[c] = median(cmds[c].t, runs, &lo, &hi);
		printf("%-22s %9.3fs %9.3fs %9.3fs%s\n", cmds[c].name, med[c], lo, hi,
		       cmds[c].failed ? "  FAILED (non-zero exit)" : "");
	}
	if (nratio)
		printf("\n%-34s %8s %8s        %s\n", "ratio of medians", "measured", "target",
		       "paired");
	for (int i = 0; i < nratio; i++) {
		char num[64], den[64];
		double target = 0;
		if (sscanf(ratios[i], "%63[^/]/%63[^<]<=%lf", num, den, &target) != 3) {
			fprintf(stderr, "runner: bad ratio '%s'\n", ratios[i]);
			return 2;
		}
		struct cmd *a = find(cmds, ncmd, num), *b = find(cmds, ncmd, den);
		if (!a || !b) {
			fprintf(stderr, "runner: ratio '%s' names an unknown command\n", ratios[i]);
			return 2;
		}
		double ra = med[a - cmds] / med[b - cmds];
		double paired[MAX_RUNS], plo, phi;
		for (int r = 0; r < runs; r++)
			paired[r] = a->t[r] / b->t[r];
		double pm = median(paired, runs, &plo, &phi);
		char label[140];
		snprintf(label, sizeof label, "%s / %s", num, den);
		printf("%-34s %8.3f %8s %-6s %8.3f\n", label, ra,
		       (snprintf(num, sizeof num, "<= %.2f", target), num),
		       ra <= target ? "met" : "MISSED", pm);
	}
	return 0;
}
