# cli/ — the mmlab command.
CLI_SRCS += $(wildcard cli/*.c)
