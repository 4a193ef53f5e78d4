/* fuzz_trace.c — libFuzzer harness: any bytes as an allocation trace
 * (replay/trace.c, both formats), through trace_load on a memfd.  A trace
 * loaded must keep trace.h's invariant (ids below nids, sizes bounded);
 * a refusal is one line. */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "replay/trace.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("trace", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct trace t;
	char err[512];
	if (trace_load(path, &t, err, sizeof err) == 0) {
		for (uint64_t i = 0; i < t.nops; i++)
			if (t.ops[i].id >= t.nids || t.ops[i].size > TRACE_SIZE_MAX)
				abort();
		trace_free(&t);
	} else if (err[0] == '\0' || strchr(err, '\n') != NULL) {
		abort();
	}
	close(fd);
	return 0;
}
