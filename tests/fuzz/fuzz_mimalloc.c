/* fuzz_mimalloc.c — libFuzzer harness: any bytes read as mimalloc's own stats dump
 * (dump_read with DUMP_MIMALLOC).  A dump read holds one record with the
 * backend named; a refusal is one line naming the input. */
#include "runtime/stats/dump_read.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dump d;
	char err[512];
	if (dump_read("in", (const char *)data, size, DUMP_MIMALLOC, &d, err, sizeof err) == 0) {
		if (d.nruns != 1 || strcmp(d.runs[0].alloc.backend, "mimalloc") != 0)
			abort();
		dump_free(&d);
	} else {
		fuzz_check_message(err, "in: ");
	}
	return 0;
}
