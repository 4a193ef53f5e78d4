/* test_model_own.c — the shared object-graph suite under the own model. */
#define MM_MODEL own
#define MM_MODEL_HEADER "runtime/models/own.h"
#define SUITE_MODEL MM_MODEL_own
#include "models_suite.h"
