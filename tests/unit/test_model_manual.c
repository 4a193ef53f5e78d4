/* test_model_manual.c — the shared object-graph suite under the manual model. */
#define MM_MODEL manual
#define MM_MODEL_HEADER "runtime/models/manual.h"
#define SUITE_MODEL MM_MODEL_manual
#include "models_suite.h"
