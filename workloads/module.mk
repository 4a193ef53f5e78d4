# workloads/ — sources compiled once per model (PER_MODEL_SRCS) and the
# model-independent registry and helpers (LIB_SRCS).
PER_MODEL_SRCS += workloads/binary_trees.c workloads/lru_cache.c workloads/cyclic_graph.c workloads/web_requests.c
LIB_SRCS += workloads/registry.c workloads/print.c
