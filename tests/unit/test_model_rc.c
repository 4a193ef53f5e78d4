/* test_model_rc.c — the shared object-graph suite under the rc model. */
#define MM_MODEL rc
#define MM_MODEL_HEADER "runtime/models/rc.h"
#define SUITE_MODEL MM_MODEL_rc
#include "models_suite.h"
