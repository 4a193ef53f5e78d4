# grade/ — the malloc lab's grade: correctness gates and the score
# (`mmlab grade`, docs/labs/grading.md).
LIB_SRCS += $(wildcard grade/*.c)
