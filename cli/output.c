/* output.c — where mmlab's output goes, and every write to it checked.
 *
 * `--json FILE` is opened before the work, so a path that cannot be
 * written costs nothing; a regular file is written aside and renamed over
 * FILE only when the whole document is written, so a failed run or a full
 * disk leaves FILE as it was and no half-written file behind.  stdout is
 * flushed through cli_stdout_flush, which keeps the first failure's reason
 * (glibc drops the buffer after a failed flush, and errno with it).
 * Invariant: stdout is never closed; a file is replaced only by rename.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static int stdout_errno;
static bool stdout_told; /* the failure was reported: once is enough */

int cli_stdout_flush(void)
{
	errno = 0;
	if (fflush(stdout) != 0 && stdout_errno == 0)
		stdout_errno = errno ? errno : EIO;
	if (ferror(stdout) && stdout_errno == 0)
		stdout_errno = EIO;
	return stdout_errno ? -1 : 0;
}

int cli_stdout_finish(int rc)
{
	if (cli_stdout_flush() != 0) {
		if (!stdout_told)
			cli_error("cannot write stdout: %s", strerror(stdout_errno));
		stdout_told = true;
		if (rc == EXIT_OK)
			rc = EXIT_RUN;
	}
	return rc;
}

static int refuse(struct cli_out *o, int err)
{
	cli_error("cannot write %s: %s", o->path, strerror(err));
	free(o->aside);
	free(o->target);
	o->aside = o->target = NULL;
	o->f = NULL;
	return EXIT_USAGE;
}

/* Write in place (a device, a pipe, or a file whose directory we may not
 * write in). */
static int in_place(struct cli_out *o)
{
	o->f = fopen(o->path, "w");
	return o->f ? EXIT_OK : refuse(o, errno);
}

int cli_out_open(struct cli_out *o, const char *path)
{
	*o = (struct cli_out){ .path = path };
	if (strcmp(path, "-") == 0) {
		o->f = stdout;
		return EXIT_OK;
	}
	struct stat st;
	bool exists = stat(path, &st) == 0;
	if (!exists && errno != ENOENT)
		return refuse(o, errno);
	if (exists && S_ISDIR(st.st_mode))
		return refuse(o, EISDIR);
	if (exists && !S_ISREG(st.st_mode))
		return in_place(o);
	/* a symlink to a file: the file is replaced, not the link */
	o->target = exists ? realpath(path, NULL) : strdup(path);
	if (o->target == NULL)
		return refuse(o, errno ? errno : ENOMEM);
	o->aside = cli_aprintf("%s.part-XXXXXX", o->target);
	if (o->aside == NULL)
		return refuse(o, ENOMEM);
	int fd = mkstemp(o->aside);
	int err = errno;
	if (fd < 0) {
		/* a file we may write in a directory we may not: write it in place */
		if (exists && (err == EACCES || err == EPERM) && access(path, W_OK) == 0) {
			free(o->aside);
			free(o->target);
			o->aside = o->target = NULL;
			return in_place(o);
		}
		return refuse(o, err);
	}
	/* the mode a new file would get, or the one the old file had */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, exists ? st.st_mode & 07777 : 0666 & ~mask);
	o->f = fdopen(fd, "w");
	if (o->f == NULL) {
		err = errno;
		close(fd);
		unlink(o->aside);
		return refuse(o, err);
	}
	return EXIT_OK;
}

static int failed(struct cli_out *o, int err)
{
	cli_error("cannot write %s: %s", o->path, strerror(err));
	cli_out_discard(o);
	return EXIT_RUN;
}

int cli_out_commit(struct cli_out *o)
{
	if (o->f == NULL)
		return EXIT_RUN;
	if (o->f == stdout) {
		if (o->err != 0)
			stdout_errno = stdout_errno ? stdout_errno : o->err;
		o->f = NULL;
		return cli_stdout_finish(EXIT_OK);
	}
	errno = 0;
	int err = o->err;
	if (fflush(o->f) != 0 && err == 0)
		err = errno ? errno : EIO;
	if (ferror(o->f) && err == 0)
		err = EIO;
	if (err != 0)
		return failed(o, err);
	FILE *f = o->f;
	o->f = NULL;
	if (fclose(f) != 0)
		return failed(o, errno);
	if (o->aside != NULL && rename(o->aside, o->target) != 0)
		return failed(o, errno);
	free(o->aside);
	free(o->target);
	o->aside = o->target = NULL;
	return EXIT_OK;
}

void cli_out_discard(struct cli_out *o)
{
	if (o->f != NULL && o->f != stdout)
		fclose(o->f);
	o->f = NULL;
	if (o->aside != NULL)
		unlink(o->aside);
	free(o->aside);
	free(o->target);
	o->aside = o->target = NULL;
}

int cli_out_json(struct cli_out *o, cli_doc_fn doc, const void *arg)
{
	struct emitter e;
	emit_init_file(&e, EMIT_JSON, o->f);
	doc(&e, arg);
	if (emit_error(&e) != 0 && o->err == 0)
		o->err = emit_error(&e);
	return cli_out_commit(o);
}

void cli_emit_runs(struct emitter *e, const struct stats *runs, const bool *ok, unsigned n)
{
	emit_list_begin(e, "runs", NULL);
	for (unsigned i = 0; i < n; i++) {
		if (!ok[i])
			continue;
		emit_object_begin(e, NULL, NULL);
		stats_emit_members(e, &runs[i]);
		emit_object_end(e);
	}
	emit_list_end(e);
}
