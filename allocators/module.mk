# allocators/ — the ops table, the registry and every backend.
LIB_SRCS += $(wildcard allocators/*.c)
