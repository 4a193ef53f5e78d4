# tests/ — cmocka suites mirroring the layers, built per variant.
#
# unit/ and e2e/ run in the normal build and again under ASan+UBSan;
# compile_fail/ asks the compiler, so it runs once.  Each suite is one
# program; SUITES_<dir> lists them so other modules can add their own.

SUPPORT_SRCS := tests/support/cmd.c tests/support/json_check.c
UNIT_TESTS   := $(basename $(notdir $(wildcard tests/unit/test_*.c)))
E2E_TESTS    := $(basename $(notdir $(wildcard tests/e2e/test_*.c)))

# $(1) variant, $(2) dir, $(3) name
test_bin = $(B)/$(1)/tests/$(2)/$(3)

define test_rule
$(call test_bin,$(1),$(2),$(3)): $(B)/$(1)/tests/$(2)/$(3).o $(call obj_of,$(1),$(SUPPORT_SRCS)) $(B)/$(1)/libmmlab.a
	$$(call say,LD,$$@)$$(CC) $$(ALL_CFLAGS) $$(FLAGS_$(1)) $$^ $$(CMOCKA_LIBS) $$(LIBS) -o $$@
endef
$(foreach v,obj asan,$(foreach t,$(UNIT_TESTS),$(eval $(call test_rule,$(v),unit,$(t)))))
$(foreach v,obj asan,$(foreach t,$(E2E_TESTS),$(eval $(call test_rule,$(v),e2e,$(t)))))
$(eval $(call test_rule,obj,compile_fail,test_compile_fail))

unit_bins = $(foreach t,$(UNIT_TESTS),$(call test_bin,$(1),unit,$(t)))
e2e_bins  = $(foreach t,$(E2E_TESTS),$(call test_bin,$(1),e2e,$(t)))

# Run each program given; stop at the first failure.  $(1): environment.
run_tests = @set -e; for t in $(2); do echo "== $$t"; $(1) $$t; done

.PHONY: test test-unit test-e2e test-compile-fail test-asan check-layers
test: check-layers test-unit test-compile-fail test-e2e test-asan
	@echo "make test: all suites passed"

# The layering rule of docs/architecture.md, on the sources and the
# normal build's objects.
check-layers: $(B)/obj/mmlab tools/check-layers.sh docs/architecture.md
	@tools/check-layers.sh $(B)/obj

test-unit: $(call unit_bins,obj)
	$(call run_tests,,$^)

test-compile-fail: $(call test_bin,obj,compile_fail,test_compile_fail)
	$(call run_tests,CC="$(CC)",$^)

# MMLAB_TMODEL: the build with the test-only models (test_model_list.c).
test-e2e: $(call e2e_bins,obj) $(B)/obj/mmlab $(B)/tmodel/mmlab
	$(call run_tests,MMLAB=$(B)/obj/mmlab MMLAB_TMODEL=$(B)/tmodel/mmlab,$(call e2e_bins,obj))

# The sanitizers run every unit suite and the CLI suite on the asan build.
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 MMLAB_SANITIZED=1
test-asan: $(call unit_bins,asan) $(call e2e_bins,asan) $(B)/asan/mmlab $(B)/tmodel/mmlab
	$(call run_tests,$(ASAN_ENV) MMLAB=$(B)/asan/mmlab MMLAB_TMODEL=$(B)/tmodel/mmlab,$(call unit_bins,asan) $(call e2e_bins,asan))

# The conformance suite, run against every allocator.
include tests/conformance/module.mk
