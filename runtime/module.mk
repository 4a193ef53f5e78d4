# runtime/ — one folder per job: api/ (mm.h and its context), models/,
# probes/, stats/ and session/ (docs/architecture.md has the layering).
LIB_SRCS += $(wildcard runtime/*/*.c)
