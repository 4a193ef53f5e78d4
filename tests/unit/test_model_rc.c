/* test_model_rc.c — the shared object-graph suite under the rc model. */
#define MM_MODEL_RC
#define SUITE_MODEL MM_RC
#include "models_suite.h"
