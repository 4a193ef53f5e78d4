/* model_opts.h — parsing a model's options, the "key=value,..." after
 * `-m NAME:`.  Every value is a non-negative integer in a declared range;
 * an unknown key, a repeated one or a bad value is refused with one
 * sentence naming the model, the key and what is allowed.
 */
#ifndef MM_MODELS_MODEL_OPTS_H
#define MM_MODELS_MODEL_OPTS_H

#include <stddef.h>
#include <stdint.h>

struct model_opt {
	const char *key;
	int64_t min, max;
	int64_t *out; /* keeps its value when the key is absent */
};

/* 0, or -1 with a message in err. */
int model_opts_parse(const char *model, const char *text, const struct model_opt *opts,
		     unsigned n, char *err, size_t errlen);

#endif
