/* test_model_own.c — the shared object-graph suite under the own model. */
#define MM_MODEL_OWN
#define SUITE_MODEL MM_OWN
#include "models_suite.h"
