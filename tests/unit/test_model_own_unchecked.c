/* test_model_own_unchecked.c — the shared object-graph suite under own
 * with its run-time checks compiled out: the same frees, the same bytes. */
#define MM_MODEL own_unchecked
#define MM_MODEL_HEADER "runtime/models/own_unchecked.h"
#define SUITE_MODEL MM_MODEL_own_unchecked
#include "models_suite.h"
