/* test_model_manual.c — the shared object-graph suite under the manual model. */
#define MM_MODEL_MANUAL
#define SUITE_MODEL MM_MANUAL
#include "models_suite.h"
