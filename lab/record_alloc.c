/* record_alloc.c — a plug-in that records a real program's allocations as
 * an mmlab trace, for the lab's trace set (docs/labs/traces.md).
 *
 * Loaded under the plug-in shim with the output path as its option
 * (MMLAB_SHIM_OPTIONS=/abs/mmlab-record.so:/tmp/prog-%p.trace; %p: the
 * pid, so every exec'd child writes its own).  It serves the blocks
 * itself (16-byte size classes, a mapping per big block) behind a 16-byte
 * head holding the block's trace id.  Invariant: a recorded id is live
 * from its "a" to its "f"; ids are reused lowest-freed-first, so nids
 * stays near the peak live count.  A child forked without exec records
 * nothing (its pid differs from the one the file names). */
#define _DEFAULT_SOURCE 1
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "allocators/allocator.h"

#define RC_STEP 16u
#define RC_SMALL 4096u
#define RC_LISTS (RC_SMALL / RC_STEP + 1)
#define RC_CHUNK ((size_t)1 << 20)
#define RC_IDS ((size_t)1 << 24)
#define RC_NONE UINT32_MAX
/* stop recording past this many operations: a compact trace */
#define RC_OPS_MAX ((uint64_t)2000000)

struct rc_head {
	uint32_t id;      /* RC_NONE: not recorded */
	uint32_t spare;
	uint64_t mapped;  /* bytes of its own mapping, 0 for a small block */
};

struct rc {
	void *lists[RC_LISTS];
	char *cur, *end;
	uint32_t *free_ids; /* a stack of freed ids */
	uint32_t nfree, nids;
	uint64_t nops;
	pid_t pid;
	int fd;
	bool closed;
	size_t used;
	char buf[1 << 16];
};

static struct rc *rec;

static void rc_flush(struct rc *r)
{
	size_t off = 0;
	while (off < r->used) {
		ssize_t n = write(r->fd, r->buf + off, r->used - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	r->used = 0;
}

static bool rc_on(struct rc *r)
{
	return r->fd >= 0 && !r->closed && r->nops < RC_OPS_MAX && getpid() == r->pid;
}

static void rc_line(struct rc *r, char kind, uint32_t id, uint64_t size)
{
	if (r->used + 64 > sizeof r->buf)
		rc_flush(r);
	int n = kind == 'f' ? snprintf(r->buf + r->used, 64, "f %u\n", id)
			    : snprintf(r->buf + r->used, 64, "%c %u %llu\n", kind, id,
				       (unsigned long long)size);
	r->used += n > 0 ? (size_t)n : 0;
	r->nops++;
}

static void *rc_map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static int rc_init(void **state, const char *options, char *err, size_t errlen)
{
	struct rc *r = rc_map(sizeof *r);
	if (r == NULL) {
		snprintf(err, errlen, "record: no memory");
		return -1;
	}
	r->free_ids = mmap(NULL, RC_IDS * sizeof *r->free_ids, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	r->pid = getpid();
	r->fd = -1;
	if (*options) {
		char path[4096];
		size_t o = 0;
		for (const char *s = options; *s && o + 24 < sizeof path; s++) {
			if (s[0] == '%' && s[1] == 'p') {
				o += (size_t)snprintf(path + o, sizeof path - o, "%d", (int)r->pid);
				s++;
			} else {
				path[o++] = *s;
			}
		}
		path[o] = '\0';
		r->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (r->fd < 0) {
			snprintf(err, errlen, "record: cannot write %s", path);
			return -1;
		}
		static const char first[] = "mmlab-trace 1\n# recorded by lab/record_alloc.c\n";
		memcpy(r->buf, first, sizeof first - 1);
		r->used = sizeof first - 1;
	}
	rec = r;
	*state = r;
	return 0;
}

static void *rc_take(struct rc *r, size_t size)
{
	size_t need = size + sizeof(struct rc_head);
	struct rc_head *h;
	if (need <= RC_SMALL) {
		size_t c = (need + RC_STEP - 1) / RC_STEP;
		h = r->lists[c];
		if (h != NULL) {
			r->lists[c] = *(void **)h;
		} else {
			size_t bytes = c * RC_STEP;
			if (r->cur == NULL || (size_t)(r->end - r->cur) < bytes) {
				r->cur = rc_map(RC_CHUNK);
				if (r->cur == NULL)
					return NULL;
				r->end = r->cur + RC_CHUNK;
			}
			h = (struct rc_head *)r->cur;
			r->cur += bytes;
		}
		h->mapped = 0;
	} else {
		if (need > ((size_t)1 << 46))
			return NULL;
		size_t bytes = (need + 4095) & ~(size_t)4095;
		h = rc_map(bytes);
		if (h == NULL)
			return NULL;
		h->mapped = bytes;
	}
	h->id = RC_NONE;
	return h + 1;
}

static void rc_give(struct rc *r, void *ptr, size_t size)
{
	struct rc_head *h = (struct rc_head *)ptr - 1;
	if (h->mapped) {
		munmap(h, h->mapped);
		return;
	}
	size_t c = (size + sizeof *h + RC_STEP - 1) / RC_STEP;
	*(void **)h = r->lists[c];
	r->lists[c] = h;
}

static void *rc_alloc(void *state, size_t size)
{
	struct rc *r = state;
	void *p = rc_take(r, size);
	if (p != NULL && rc_on(r) && (r->nfree > 0 || r->nids < RC_IDS)) {
		uint32_t id = r->nfree > 0 ? r->free_ids[--r->nfree] : r->nids++;
		((struct rc_head *)p - 1)->id = id;
		rc_line(r, 'a', id, size);
	}
	return p;
}

static void rc_free(void *state, void *ptr, size_t size)
{
	struct rc *r = state;
	uint32_t id = ((struct rc_head *)ptr - 1)->id;
	if (id != RC_NONE && rc_on(r)) {
		rc_line(r, 'f', id, 0);
		r->free_ids[r->nfree++] = id;
	}
	rc_give(r, ptr, size);
}

static void *rc_realloc(void *state, void *ptr, size_t old_size, size_t new_size)
{
	struct rc *r = state;
	void *q = rc_take(r, new_size);
	if (q == NULL)
		return NULL;
	memcpy(q, ptr, old_size < new_size ? old_size : new_size);
	uint32_t id = ((struct rc_head *)ptr - 1)->id;
	((struct rc_head *)q - 1)->id = id;
	if (id != RC_NONE && rc_on(r))
		rc_line(r, 'r', id, new_size);
	rc_give(r, ptr, old_size);
	return q;
}

/* at exit: the end line, with the counts the reader checks */
__attribute__((destructor)) static void rc_at_exit(void)
{
	struct rc *r = rec;
	if (r == NULL || r->fd < 0 || r->closed || getpid() != r->pid)
		return;
	r->closed = true;
	char line[64];
	int n = snprintf(line, sizeof line, "end %llu %u\n", (unsigned long long)r->nops, r->nids);
	if (r->used + (size_t)n > sizeof r->buf)
		rc_flush(r);
	memcpy(r->buf + r->used, line, (size_t)n);
	r->used += (size_t)n;
	rc_flush(r);
	close(r->fd);
}

const struct alloc_ops mmlab_allocator = {
	.abi = ALLOC_ABI_CURRENT,
	.name = "record",
	.summary = "records a real program's allocations as an mmlab trace",
	.init = rc_init,
	.alloc = rc_alloc,
	.free = rc_free,
	.realloc = rc_realloc,
};
