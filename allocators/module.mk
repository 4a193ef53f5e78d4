# allocators/ — the ops table, the registry and every backend.
LIB_SRCS += $(wildcard allocators/*.c)
# The template plug-in a student copies (its rules live with it).
include examples/plugin/module.mk
