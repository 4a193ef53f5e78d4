/* alloc_opt.h — reading an allocator's options, the text after "NAME:".
 *
 * Options are "key=value" pairs separated by commas.  Every refusal is one
 * sentence in err naming the allocator, the option and what is accepted,
 * which the CLI prints as one line.
 */
#ifndef ALLOC_OPT_H
#define ALLOC_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct alloc_opt {
	char key[32];
	char value[64];
};

/* Read the next pair from *text, advancing it.  Returns 1 with *o filled,
 * 0 at the end of the text, -1 (message in err) on a malformed pair. */
int alloc_opt_next(const char **text, struct alloc_opt *o, const char *who, char *err,
		   size_t errlen);

/* A size: decimal digits, then optionally K, M, G or T (powers of 1024,
 * either case), optionally followed by "B" or "iB".  Nothing else: no
 * sign, no space, no other suffix, no value above UINT64_MAX.  The one
 * size reader of mmlab (the CLI's --mem-limit uses it too).  0, or -1. */
int alloc_parse_size(const char *text, uint64_t *out);

/* The value as a size (alloc_parse_size: "64K", "4M", "1G" or bytes)
 * within [min, max].
 * Returns 0, or -1 with a message in err. */
int alloc_opt_size(const struct alloc_opt *o, size_t min, size_t max, size_t *out,
		   const char *who, char *err, size_t errlen);

/* The value as one of `n` words; *out receives its index.  Returns 0, or
 * -1 with a message listing the words. */
int alloc_opt_word(const struct alloc_opt *o, const char *const *words, unsigned n,
		   unsigned *out, const char *who, char *err, size_t errlen);

/* The refusal of an unknown key; always returns -1. */
int alloc_opt_unknown(const struct alloc_opt *o, const char *known, const char *who,
		      char *err, size_t errlen);

#endif
