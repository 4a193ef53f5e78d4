/* model_ops.c — one model's ops table, compiled once per model.
 *
 * Built like a workload (-DMM_MODEL=NAME -DMM_MODEL_HEADER=...), so the
 * MM_MODEL_OPS(...) at the end of the model's header defines
 * mm_model_NAME here, and only here.
 */
#include "runtime/models/model.h"

#define MM_MODEL_DEFINE_OPS
#include "runtime/api/mm.h"
