# shims/ — `make shims`: every teaching allocator as an LD_PRELOAD malloc.
#
# One source (shim.c) over an ops table, compiled once per allocator with
# -DSHIM_OPS=alloc_NAME.  The allocators are read from allocators/builtin.h
# (each `extern const struct alloc_ops alloc_NAME;` but the plug-in loader,
# which has no allocator of its own), so a new one gets its shim unasked.
# Everything is compiled position-independent into $(B)/pic and linked with
# exports.map: a shim exports the malloc family and nothing else.
SHIM_ALLOCATORS := $(filter-out plugin,$(shell sed -n \
  's/^extern const struct alloc_ops alloc_\([a-z0-9_]*\);.*/\1/p' allocators/builtin.h))
SHIM_DIR  := $(B)/shims
SHIMS     := $(foreach a,$(SHIM_ALLOCATORS),$(SHIM_DIR)/libmmlab-$(a).so)
SHIM_BASE_SRCS := $(filter-out allocators/system.c allocators/registry.c allocators/plugin.c \
  allocators/sys_%.c,$(wildcard allocators/*.c)) \
  runtime/stats/emit.c runtime/stats/stats.c runtime/stats/json.c runtime/probes/probe.c shims/shim_report.c
SHIM_BASE := $(B)/pic/libshimbase.a

$(B)/pic/%.o: %.c | $(B)/.deps-ok
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -fPIC $(DEPFLAGS) -c $< -o $@
$(SHIM_BASE): $(patsubst %.c,$(B)/pic/%.o,$(SHIM_BASE_SRCS))
	@rm -f $@
	$(call say,AR,$@)$(AR) rcs $@ $^
# -fno-builtin: the compiler must not turn malloc + memset into a call to
# calloc inside calloc itself.
$(B)/pic/shims/shim.%.o: shims/shim.c | $(B)/.deps-ok
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(CPPFLAGS) -DSHIM_OPS=alloc_$* -DSHIM_NAME='"$*"' $(ALL_CFLAGS) \
	  -fPIC -fno-builtin $(DEPFLAGS) -c $< -o $@
$(SHIM_DIR)/libmmlab-%.so: $(B)/pic/shims/shim.%.o $(SHIM_BASE) shims/exports.map
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(ALL_CFLAGS) -shared -Wl,--version-script=shims/exports.map \
	  -Wl,--no-undefined $< $(SHIM_BASE) -lpthread -lm -o $@

.PHONY: shims
all: shims
shims: $(SHIMS)
# tests/e2e/test_shims.c runs real programs on every shim it finds
test-e2e: $(SHIMS)
# the per-allocator objects are made by a pattern rule: keep them
.SECONDARY: $(foreach a,$(SHIM_ALLOCATORS),$(B)/pic/shims/shim.$(a).o)
