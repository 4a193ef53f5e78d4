/* model.c — names and summaries of the memory models, from MM_MODELS. */
#include "model.h"

#include <string.h>

static const char *const names[] = {
#define MM_MODEL_NAME(id, name, summary) #name,
	MM_MODELS(MM_MODEL_NAME)
#undef MM_MODEL_NAME
};

static const char *const summaries[] = {
#define MM_MODEL_SUMMARY(id, name, summary) summary,
	MM_MODELS(MM_MODEL_SUMMARY)
#undef MM_MODEL_SUMMARY
};

const char *mm_model_name(enum mm_model m)
{
	return (unsigned)m < MM_MODEL_COUNT ? names[m] : NULL;
}

const char *mm_model_summary(enum mm_model m)
{
	return (unsigned)m < MM_MODEL_COUNT ? summaries[m] : NULL;
}

enum mm_model mm_model_find(const char *name)
{
	for (unsigned m = 0; m < MM_MODEL_COUNT; m++)
		if (strcmp(names[m], name) == 0)
			return (enum mm_model)m;
	return MM_MODEL_COUNT;
}
