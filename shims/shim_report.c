/* shim_report.c — a shim's figures as an mmlab stats record.
 *
 * config.workload is the program's name and config.model "native" (the
 * program's own discipline); results hold what the shim counted, the
 * process's times and RSS, and the allocator's exact peaks; the allocator
 * section its figures at exit.  One emitter call writes it all.
 */
#include "shim_report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/stats/stats.h"

/* 34 KiB: too much for the stack of a thread that happens to exit last. */
static struct stats record;

static double since(const struct timespec *t0, clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void fill(const char *allocator, const struct shim_counts *c, const struct alloc_stats *a)
{
	struct stats *s = &record;
	memset(s, 0, sizeof *s);
	snprintf(s->config.workload, sizeof s->config.workload, "%s", program_invocation_short_name);
	snprintf(s->config.ops_unit, sizeof s->config.ops_unit, "allocations");
	snprintf(s->config.model, sizeof s->config.model, "native");
	snprintf(s->config.allocator, sizeof s->config.allocator, "%s", allocator);
	snprintf(s->config.probes, sizeof s->config.probes, "off");
	stats_config_host(&s->config);

	struct stats_results *r = &s->results;
	struct timespec zero = { 0, 0 };
	STATS_SET(r, ops, c->allocs);
	STATS_SET(r, allocs, c->allocs);
	STATS_SET(r, alloc_bytes, c->alloc_bytes);
	STATS_SET(r, wall_s, since(&c->start, CLOCK_MONOTONIC));
	STATS_SET(r, cpu_s, since(&zero, CLOCK_PROCESS_CPUTIME_ID));
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		STATS_SET(r, peak_rss_bytes, (uint64_t)ru.ru_maxrss * 1024u);
	STATS_SET(r, peak_live_bytes, c->peak_live_bytes);
	STATS_SET(r, leaked_bytes, c->live_bytes);
	STATS_SET(r, leaked_objects, c->live_blocks);
	if (a->known & ALLOC_KNOW_PEAK_ALLOCATED)
		STATS_SET(r, peak_allocated_bytes, a->peak_allocated);
	if (a->known & ALLOC_KNOW_PEAK_FOOTPRINT)
		STATS_SET(r, peak_footprint_bytes, a->peak_footprint);
	stats_derive(r);

	s->alloc = *a;
	s->alloc.requested = c->live_bytes; /* the program's bytes, our heads excluded */
	s->alloc.known |= ALLOC_KNOW_REQUESTED;
	s->has_alloc = true;
}

/* where, with "%p" as the process id; NULL when out of memory. */
static char *expand(const char *where)
{
	char pid[24];
	int plen = snprintf(pid, sizeof pid, "%ld", (long)getpid());
	size_t n = 1;
	for (const char *p = where; *p; p++)
		n += (p[0] == '%' && p[1] == 'p') ? (p++, (size_t)plen) : 1;
	char *path = malloc(n), *q = path;
	if (path == NULL)
		return NULL;
	for (const char *p = where; *p; p++) {
		if (p[0] == '%' && p[1] == 'p') {
			memcpy(q, pid, (size_t)plen);
			q += plen;
			p++;
		} else {
			*q++ = *p;
		}
	}
	*q = '\0';
	return path;
}

/* The record on f; 0, or an errno value (f is closed either way). */
static int write_record(FILE *f)
{
	struct emitter e;
	emit_init_file(&e, EMIT_JSON, f);
	stats_emit(&e, &record);
	int err = emit_error(&e);
	if (fflush(f) != 0 && err == 0)
		err = errno ? errno : EIO;
	if (fclose(f) != 0 && err == 0)
		err = errno ? errno : EIO;
	return err;
}

/* Where the chain of symlinks at path ends (it may not exist yet: a link
 * to the file to make); *out NULL when path is no link.  0 or an errno. */
static int follow(const char *path, char **out)
{
	*out = NULL;
	struct stat st;
	for (int hops = 0; lstat(*out ? *out : path, &st) == 0 && S_ISLNK(st.st_mode); hops++) {
		const char *at = *out ? *out : path;
		char *link = malloc((size_t)st.st_size + 1);
		ssize_t n = link ? readlink(at, link, (size_t)st.st_size + 1) : -1;
		if (hops == 40 || n < 0 || n > st.st_size) {
			int err = hops == 40 ? ELOOP : link ? errno : ENOMEM;
			free(link);
			free(*out);
			*out = NULL;
			return err ? err : EIO;
		}
		link[n] = '\0';
		const char *slash = strrchr(at, '/');
		char *next = link;
		if (link[0] != '/' && slash != NULL) { /* relative to the link's folder */
			size_t dir = (size_t)(slash - at) + 1;
			next = malloc(dir + (size_t)n + 1);
			if (next != NULL) {
				memcpy(next, at, dir);
				memcpy(next + dir, link, (size_t)n + 1);
			}
			free(link);
			if (next == NULL) {
				free(*out);
				*out = NULL;
				return ENOMEM;
			}
		}
		free(*out);
		*out = next;
	}
	return 0;
}

/* An existing device, pipe or socket (or a link to one) is written in
 * place: replacing it would put a regular file where /dev/null was.  A
 * regular file (or a link to one: the link stays) or a new one is written
 * aside and renamed, so it appears whole.  0, or an errno value. */
static int write_to(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return EISDIR;
		int fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return errno;
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		FILE *f = fdopen(fd, "w");
		if (f == NULL) {
			int err = errno;
			close(fd);
			return err;
		}
		return write_record(f);
	}
	char *target = NULL;
	int err = follow(path, &target);
	if (err != 0)
		return err;
	const char *into = target ? target : path;
	char *aside = malloc(strlen(into) + 32);
	if (aside == NULL) {
		free(target);
		return ENOMEM;
	}
	sprintf(aside, "%s.%ld.part", into, (long)getpid());
	FILE *f = fopen(aside, "wx");
	if (f == NULL)
		err = errno;
	else if ((err = write_record(f)) != 0 || rename(aside, into) != 0) {
		err = err ? err : errno;
		unlink(aside);
	}
	free(aside);
	free(target);
	return err;
}

void shim_report(const char *where, const char *allocator, const struct shim_counts *c,
		 const struct alloc_stats *a)
{
	fill(allocator, c, a);
	int saved = errno;
	if (strcmp(where, "-") == 0) {
		struct emitter e;
		emit_init_file(&e, EMIT_JSON, stderr);
		stats_emit(&e, &record);
		fflush(stderr);
		errno = saved;
		return;
	}
	char *path = expand(where);
	int err = path ? write_to(path) : ENOMEM;
	if (err != 0)
		fprintf(stderr, "mmlab shim %s: cannot write the stats record to %s: %s\n", allocator,
			path ? path : where, strerror(err));
	free(path);
	errno = saved;
}
