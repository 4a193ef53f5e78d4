# tests/analyze/ — ownership checked by the compilers, without running.
#
# `make analyze`: gcc -fanalyzer over every workload against own_decl.h
# (mm_new as an allocator whose deallocators are mm_drop and the moves),
# which must be clean, and over cases/, each of which must draw its
# "expect:" diagnostic.  `make check-caps`: every workload's own builds
# under clang -Wthread-safety -Werror (the borrow checker); `make test`
# runs it.  docs/ownership.md explains both.

ANALYZE_CC    ?= gcc
CAPS_CC       ?= clang
ANALYZE_FLAGS := -std=c11 -O1 -fanalyzer -Wall -Wextra -D_GNU_SOURCE -I. \
                 -DMM_MODEL=analyze -DMM_MODEL_HEADER='"tests/analyze/own_decl.h"'
CAPS_FLAGS    := -std=c11 -O2 $(WARN) -Wthread-safety -D_GNU_SOURCE -I.
ANALYZE_WL    := $(filter workloads/%,$(PER_MODEL_SRCS))
ANALYZE_CASES := $(wildcard tests/analyze/cases/*.c)
CAPS_MODELS   := $(filter own%,$(MODELS))

.PHONY: analyze check-caps
analyze: | $(B)/.deps-ok
	@set -e; for f in $(ANALYZE_WL); do \
		echo "  ANALYZE $$f"; \
		$(ANALYZE_CC) $(ANALYZE_FLAGS) -Werror -c $$f -o /dev/null; \
	done
	@set -e; for f in $(ANALYZE_CASES); do \
		want=$$(sed -n 's/.*expect: //p' $$f | head -1); \
		if $(ANALYZE_CC) $(ANALYZE_FLAGS) -fdiagnostics-color=never -c $$f -o /dev/null 2>&1 \
			| grep -Eq -- "$$want"; then \
			echo "  ANALYZE $$f: finds /$$want/"; \
		else \
			echo "mmlab: $$f: gcc -fanalyzer did not report /$$want/" >&2; exit 1; \
		fi; \
	done
	@echo "make analyze: workloads clean, every case found"

check-caps: | $(B)/.deps-ok
	@set -e; for m in $(CAPS_MODELS); do for f in $(ANALYZE_WL); do \
		echo "  CAPS   $$f ($$m)"; \
		$(CAPS_CC) $(CAPS_FLAGS) -DMM_MODEL=$$m \
			-DMM_MODEL_HEADER='"runtime/models/'$$m'.h"' -c $$f -o /dev/null; \
	done; done

test: check-caps

# The ownership lab (docs/ownership.md): one run-time misuse per name,
# built beside each variant's mmlab, where tests/e2e/test_own_lab.c finds it.
define own_lab_rule
$(B)/$(1)/examples/own_lab/own_lab.o: examples/own_lab/own_lab.c | $(B)/.deps-ok
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$$(CC) $$(CPPFLAGS) $$(call model_flags,own) $$(ALL_CFLAGS) $$(FLAGS_$(1)) $$(DEPFLAGS) -c $$< -o $$@
$(B)/$(1)/own-lab: $(B)/$(1)/examples/own_lab/own_lab.o $(B)/$(1)/libmmlab.a
	$$(call say,LD,$$@)$$(CC) $$(ALL_CFLAGS) $$(FLAGS_$(1)) $$^ $$(LIBS) -o $$@
endef
$(foreach v,obj asan,$(eval $(call own_lab_rule,$(v))))
.PHONY: own-lab
own-lab: $(B)/obj/own-lab
test-e2e: $(B)/obj/own-lab
test-asan: $(B)/asan/own-lab
