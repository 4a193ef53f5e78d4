/* fuzz.h — what every libFuzzer harness in tests/fuzz/ shares: the entry
 * point's prototype (so -Wmissing-prototypes stays quiet) and the one
 * rule a harness checks besides the sanitizers': a refusal is one line
 * that begins with the name the reader was given. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort() (a finding) unless err is one non-empty line starting with name. */
static inline void fuzz_check_message(const char *err, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(err, name, n) != 0 || err[n] == '\0' || strchr(err, '\n') != NULL)
		abort();
}

#endif
