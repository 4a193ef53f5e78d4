/* rss.c — reading VmHWM, the process's resident-set high-water mark. */
#include "rss.h"

#include <stdio.h>
#include <stdbool.h>
#include <string.h>

uint64_t rss_peak_bytes(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	if (f == NULL)
		return 0;
	char line[256];
	unsigned long long kib = 0;
	bool found = false;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0) {
			found = sscanf(line + 6, "%llu", &kib) == 1;
			break;
		}
	fclose(f);
	return found ? (uint64_t)kib * 1024u : 0;
}
