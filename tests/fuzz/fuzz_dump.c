/* fuzz_dump.c — libFuzzer harness: any bytes through dump_read as a file
 * of unknown format (mmlab's JSON documents above all).  A dump read must
 * hold its records; a refusal must be one line naming the input. */
#include "runtime/stats/dump_read.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dump d;
	char err[512];
	if (dump_read("in", (const char *)data, size, DUMP_ANY, &d, err, sizeof err) == 0) {
		if (d.nruns > 0 && d.runs == NULL)
			abort();
		dump_free(&d);
	} else {
		fuzz_check_message(err, "in: ");
	}
	return 0;
}
