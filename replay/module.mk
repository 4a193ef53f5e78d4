# replay/ — allocation traces: the formats, the recorder, the replayer.
LIB_SRCS += $(wildcard replay/*.c)
