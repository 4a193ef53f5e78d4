# runtime/ — the workload API, the four models, probes, stats, emitter.
LIB_SRCS += $(wildcard runtime/*.c runtime/models/*.c)
