# workloads/ — sources compiled once per model (WL_SRCS) and the
# model-independent registry and helpers (LIB_SRCS).
WL_SRCS  += workloads/binary_trees.c
LIB_SRCS += workloads/registry.c workloads/print.c
