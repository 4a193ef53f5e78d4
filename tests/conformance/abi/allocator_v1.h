/* allocator_v1.h — the allocator ABI as version 1 shipped, frozen.
 *
 * A plug-in compiled against this header is what a student's .so built
 * at version 1 holds: tests/conformance/fixtures/plugin_abi_v1.c uses it,
 * and test_plugin_abi checks that every later mmlab still loads it.
 * Never edit the layouts below; a new version gets a header of its own.
 */
#ifndef ALLOC_V1_ALLOCATOR_H
#define ALLOC_V1_ALLOCATOR_H

#include <stddef.h>
#include <stdint.h>

struct v1_alloc_abi {
	uint32_t magic;      /* 0x616c6d6d, "mmla" */
	uint16_t version;    /* 1 */
	uint16_t ops_size;   /* 88 */
	uint32_t stats_size; /* 1064 */
	uint32_t spare;
};

struct v1_alloc_raw {
	char key[32];
	uint64_t value;
};

struct v1_alloc_stats {
	unsigned known; /* bit 0 requested, 1 allocated, 2 footprint, 3 resident, 4 free,
			 * 5 largest free, 6 peak allocated, 7 peak footprint */
	char backend[32];
	unsigned nraw;
	struct v1_alloc_raw raw[24];
	uint64_t requested, allocated, footprint, resident, free_bytes, largest_free;
	uint64_t peak_allocated, peak_footprint;
};

struct v1_alloc_ops {
	struct v1_alloc_abi abi;
	const char *name;
	const char *summary;
	int (*init)(void **state, const char *options, char *err, size_t errlen);
	void *(*alloc)(void *state, size_t size);
	void (*free)(void *state, void *ptr, size_t size);
	void *(*realloc)(void *state, void *ptr, size_t old_size, size_t new_size);
	void (*reset)(void *state);
	void (*stats)(void *state, struct v1_alloc_stats *out);
	void (*fini)(void *state);
};

_Static_assert(sizeof(struct v1_alloc_ops) == 88, "the version 1 ops layout");
_Static_assert(sizeof(struct v1_alloc_stats) == 1064, "the version 1 stats layout");

#endif
