/* mm_type.h — type descriptors and the object header shared by the models.
 *
 * Every object is a header (except under gc), then `nslots` one-word
 * reference slots, then `payload` bytes.  A workload declares its types in
 * one const array and gives each its position as `id`; the header records
 * that id so manual, rc and own can walk and free any object generically.
 * Invariant: types[i].id == i for the array a workload binds.
 */
#ifndef MM_TYPE_H
#define MM_TYPE_H

#include <stddef.h>
#include <stdint.h>

#define MM_MAX_SLOTS 64

struct mm_type {
	const char *name;
	uint32_t id;      /* position in the workload's type array */
	uint16_t nslots;  /* reference slots, one word each */
	uint16_t payload; /* bytes of plain data after the slots */
	uint64_t weak;    /* bit i set: slot i is weak (non-owning) */
};

/* The word before the slots.  `aux` belongs to the model: the count under
 * rc, the slot-kind masks under own, unused under manual. */
struct mm_hdr {
	uint32_t type;
	uint32_t aux;
};

/* Bit mask of the strong (owning) slots of a type. */
static inline uint64_t mm_type_strong(const struct mm_type *t)
{
	uint64_t all = t->nslots >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << t->nslots) - 1;
	return all & ~t->weak;
}

/* Bytes of an object of type t carrying a header of `hdr` bytes. */
static inline size_t mm_type_size(const struct mm_type *t, size_t hdr)
{
	return hdr + (size_t)t->nslots * sizeof(void *) + t->payload;
}

#endif
