# shims/ — `make shims`: every teaching allocator as an LD_PRELOAD malloc.
#
# One source (shim.c) over an ops table, compiled once per allocator with
# -DSHIM_OPS=alloc_NAME.  The allocators are read from allocators/builtin.h
# (each `extern const struct alloc_ops alloc_NAME;` but the plug-in loader,
# which has no allocator of its own), so a new one gets its shim unasked.
# Everything is compiled position-independent into $(B)/pic and linked with
# exports.map: a shim exports the malloc family and nothing else.  A shim
# writes its record through the emitter and reads no JSON: the link fails
# if a JSON reader's symbol (jansson's json_*, stats_read.c's) got in.
SHIM_ALLOCATORS := $(filter-out plugin,$(shell sed -n \
  's/^extern const struct alloc_ops alloc_\([a-z0-9_]*\);.*/\1/p' allocators/builtin.h))
SHIM_DIR  := $(B)/shims
SHIMS     := $(foreach a,$(SHIM_ALLOCATORS),$(SHIM_DIR)/libmmlab-$(a).so)
SHIM_BASE_SRCS := $(filter-out allocators/system.c allocators/registry.c allocators/plugin.c \
  allocators/sys_%.c,$(wildcard allocators/*.c)) \
  runtime/stats/emit.c runtime/stats/stats.c runtime/probes/probe.c shims/shim_report.c
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
	$(Q)if nm $@ | grep -E ' (json_|stats_doc_|stats_read|stats_from_json)'; then \
	  echo "$@: a shim must link no JSON reader (symbols above)" >&2; rm -f $@; exit 1; fi

.PHONY: shims
all: shims
shims: $(SHIMS) $(SHIM_DIR)/libmmlab-segfit.so
# segfit is simpleseg's old name (docs/allocators.md): its shim path keeps
# working for the scripts that used it.
$(SHIM_DIR)/libmmlab-segfit.so: $(SHIM_DIR)/libmmlab-simpleseg.so
	@ln -sf libmmlab-simpleseg.so $@
# tests/e2e/test_shims.c runs real programs on every shim it finds
test-e2e: $(SHIMS) $(SHIM_DIR)/libmmlab-segfit.so
# the per-allocator objects are made by a pattern rule: keep them
.SECONDARY: $(foreach a,$(SHIM_ALLOCATORS),$(B)/pic/shims/shim.$(a).o)

# The collector `mmlab exec` preloads after a system allocator's library
# (shims/collector.c): no malloc of its own, only the serving library's
# figures at exit.  Named apart from libmmlab-*.so, which are the shims.
COLLECTOR := $(SHIM_DIR)/mmlab-collector.so
COLLECTOR_SRCS := shims/collector.c allocators/sys_backend.c $(wildcard allocators/sys_*.c)
$(COLLECTOR): $(patsubst %.c,$(B)/pic/%.o,$(COLLECTOR_SRCS)) $(SHIM_BASE) shims/collector.map
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(ALL_CFLAGS) -shared -Wl,--version-script=shims/collector.map \
	  -Wl,--no-undefined $(filter %.o,$^) $(SHIM_BASE) -ldl -lpthread -lm -o $@
shims: $(COLLECTOR)
test-e2e test-asan: $(COLLECTOR)
