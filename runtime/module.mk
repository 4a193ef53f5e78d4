# runtime/ — one folder per job: api/ (mm.h and its context), models/,
# probes/, stats/ and session/ (docs/architecture.md has the layering).
LIB_SRCS += $(filter-out runtime/models/model_ops.c,$(wildcard runtime/*/*.c))
PER_MODEL_SRCS += runtime/models/model_ops.c
