# lab/ — the lab kit: the plug-in shim, `make install PREFIX=...` and
# `make lab-kit` (docs/labs/README.md).
#
# The plug-in shim is shims/shim.c over the plug-in loader (SHIM_OPS =
# alloc_plugin): it dlopens the .so that MMLAB_SHIM_OPTIONS names while
# its first malloc is served from the shim's bootstrap arena, so one
# library serves every student's plug-in (`mmlab shim`, cli/cmd_shim.c).
# Named apart from libmmlab-*.so, the teaching allocators' shims, which
# tests/e2e/test_shims.c runs unconfigured.
PLUGIN_SHIM := $(SHIM_DIR)/mmlab-plugin-shim.so
$(PLUGIN_SHIM): $(B)/pic/shims/shim.plugin.o $(B)/pic/allocators/plugin.o $(SHIM_BASE) shims/exports.map
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(ALL_CFLAGS) -shared -Wl,--version-script=shims/exports.map \
	  -Wl,--no-undefined $(B)/pic/shims/shim.plugin.o $(B)/pic/allocators/plugin.o \
	  $(SHIM_BASE) -ldl -lpthread -lm -o $@
.SECONDARY: $(B)/pic/shims/shim.plugin.o
shims: $(PLUGIN_SHIM)
test-e2e test-asan: $(PLUGIN_SHIM)

# The recorder plug-in: a real program's allocations as an mmlab trace
# (tools/gen-lab-traces.sh records the lab set with it).
RECORD_SO := $(B)/lab/mmlab-record.so
$(RECORD_SO): lab/record_alloc.c allocators/allocator.h | $(B)/.deps-ok
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -fPIC -shared $< -o $@
shims: $(RECORD_SO)
# tests/e2e/test_install.c installs everything `make install` does
test-e2e test-asan: $(RECORD_SO)

# make install PREFIX=/usr/local [DESTDIR=...]: lab/install.sh says where
# each file goes.  make lab-kit [KIT=DIR]: a student's starting folder,
# built against this tree (default $(B)/lab-kit).
PREFIX ?= /usr/local
KIT    ?= $(B)/lab-kit
.PHONY: install lab-kit
install: $(MMLAB) shims $(RECORD_SO)
	@lab/install.sh "$(DESTDIR)$(PREFIX)" "$(PREFIX)" $(B)/obj $(SHIM_DIR) $(B)/lab
lab-kit: $(MMLAB) shims
	@rm -rf $(KIT)
	@lab/kit.sh $(KIT) $(abspath $(MMLAB)) $(CURDIR) lab/traces examples/plugin/example_alloc.c
	@echo "lab kit in $(KIT): cd $(KIT) && make grade"
