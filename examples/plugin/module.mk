# examples/plugin/ — the template plug-in allocator (docs/plugins.md).
#
# `make plugin-example` builds $(B)/obj/examples/plugin/example_alloc.so;
# the conformance suite loads it, and its ASan build, as it would a
# student's.  A plug-in needs only allocators/allocator.h to compile.
PLUGIN_EXAMPLE_SRC := examples/plugin/example_alloc.c
plugin_so = $(B)/$(1)/examples/plugin/example_alloc.so

define plugin_rule
$(call plugin_so,$(1)): $(PLUGIN_EXAMPLE_SRC) allocators/allocator.h | $(B)/.deps-ok
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)$$(CC) $$(CPPFLAGS) $$(ALL_CFLAGS) $$(FLAGS_$(1)) -fPIC -shared $$< -o $$@
endef
$(foreach v,obj asan,$(eval $(call plugin_rule,$(v))))

.PHONY: plugin-example
plugin-example: $(call plugin_so,obj)
