# tests/conformance/ — one suite, run against every allocator.
#
# test_conformance runs once per allocator named in MMLAB_ALLOC: the
# teaching allocators (each freelist policy; segfit, simpleseg's old name,
# as the alias it now is), the template plug-in, glibc,
# and jemalloc, mimalloc and tcmalloc preloaded; only the system ones are
# excused from exact figures (MMLAB_EXPECT_EXACT).
# test_plugin_load checks the loader's refusals with the fixtures' bad
# plug-ins; test_plugin_abi that a plug-in built against ABI version 1
# (the frozen header in abi/) still loads, and newer or unversioned ones
# are refused; test_teaching what each teaching allocator adds to the contract.  `make test` runs a 1M-step stress per allocator, in the
# normal build and under ASan+UBSan; `make stress` a far longer one.

CONF_ALLOCATORS := bump freelist freelist:policy=next freelist:policy=best simpleseg segfits buddy segfit
# the system allocators that replace malloc: the suite re-executes itself
# with the library preloaded; in the normal build only (ASan brings its
# own malloc)
CONF_PRELOADED  := jemalloc mimalloc tcmalloc
CONF_FIXTURES   := $(basename $(notdir $(wildcard tests/conformance/fixtures/*.c)))
STRESS_OPS      ?= 50000000
STRESS_SEED     ?= 1
CONF_TEST_OPS   := 1000000
CONF_ASAN_ENV   := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1 \
                   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 MMLAB_SANITIZED=1

conf_bin     = $(call test_bin,$(1),conformance,test_conformance)
conf_load    = $(call test_bin,$(1),conformance,test_plugin_load)
conf_teach   = $(call test_bin,$(1),conformance,test_teaching)
conf_abi     = $(call test_bin,$(1),conformance,test_plugin_abi)
conf_fixdir  = $(B)/$(1)/tests/conformance/fixtures
conf_fixsos  = $(foreach f,$(CONF_FIXTURES),$(call conf_fixdir,$(1))/$(f).so)
conf_deps    = $(call conf_bin,$(1)) $(call conf_load,$(1)) $(call conf_teach,$(1)) \
               $(call conf_abi,$(1)) \
               $(call conf_fixsos,$(1)) \
               $(call plugin_so,$(1)) $(B)/$(1)/mmlab

$(foreach v,obj asan,$(foreach t,test_conformance test_plugin_load test_teaching test_plugin_abi,\
  $(eval $(call test_rule,$(v),conformance,$(t)))))
define conf_rules
$(call conf_fixdir,$(1))/%.so: tests/conformance/fixtures/%.c allocators/allocator.h \
		tests/conformance/abi/allocator_v1.h | $(B)/.deps-ok
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)$$(CC) $$(CPPFLAGS) $$(ALL_CFLAGS) $$(FLAGS_$(1)) -fPIC -shared $$< -o $$@
endef
$(foreach v,obj asan,$(eval $(call conf_rules,$(v))))

# $(1) variant, $(2) environment, $(3) stress steps per allocator.
define conf_run
	@set -e; for a in $(CONF_ALLOCATORS) plugin:$(call plugin_so,$(1)) glibc; do \
	  exact=1; [ "$$a" = glibc ] && exact=0; \
	  echo "== conformance $(1) $$a"; \
	  MMLAB_ALLOC=$$a MMLAB_EXPECT_EXACT=$$exact MMLAB_STRESS_OPS=$(3) \
	  MMLAB_STRESS_SEED=$(STRESS_SEED) MMLAB=$(B)/$(1)/mmlab $(2) $(call conf_bin,$(1)); done
	$(if $(filter obj,$(1)),@set -e; for a in $(CONF_PRELOADED); do \
	  echo "== conformance $(1) $$a (preloaded)"; \
	  MMLAB_ALLOC=$$a MMLAB_EXPECT_EXACT=0 MMLAB_STRESS_OPS=$(3) MMLAB_STRESS_SEED=$(STRESS_SEED) \
	  MMLAB=$(B)/$(1)/mmlab $(call conf_bin,$(1)); done)
	@echo "== plug-in loader $(1)"; MMLAB=$(B)/$(1)/mmlab MMLAB_FIXTURES=$(call conf_fixdir,$(1)) \
	  MMLAB_PLUGIN=$(call plugin_so,$(1)) $(2) $(call conf_load,$(1))
	@echo "== plug-in ABI $(1)"; MMLAB=$(B)/$(1)/mmlab MMLAB_FIXTURES=$(call conf_fixdir,$(1)) \
	  $(2) $(call conf_abi,$(1))
	@echo "== teaching allocators $(1)"; MMLAB=$(B)/$(1)/mmlab $(2) $(call conf_teach,$(1))
endef

# tests/e2e/test_failures.c runs mmlab on the crashing and hanging
# fixtures (and the example plug-in), found beside $(B)/VARIANT/mmlab
test-e2e: $(call conf_fixsos,obj) $(call plugin_so,obj)
test-asan: $(call conf_fixsos,asan) $(call plugin_so,asan)

.PHONY: test-conformance test-conformance-asan stress
test: test-conformance test-conformance-asan

test-conformance: $(call conf_deps,obj)
	$(call conf_run,obj,,$(CONF_TEST_OPS))

test-conformance-asan: $(call conf_deps,asan)
	$(call conf_run,asan,$(CONF_ASAN_ENV),$(CONF_TEST_OPS))

# STRESS_OPS steps per allocator (default 50M), then a tenth of that under
# ASan; STRESS_SEED picks another random sequence.
stress: $(call conf_deps,obj) $(call conf_deps,asan)
	$(call conf_run,obj,,$(STRESS_OPS))
	$(call conf_run,asan,$(CONF_ASAN_ENV),$(shell echo $$(($(STRESS_OPS) / 10))))
