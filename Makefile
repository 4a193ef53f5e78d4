# Makefile — mmlab, built non-recursively into build/.
#
# Each folder adds its sources in its module.mk; this file holds the rules.
# Objects go to build/obj (the normal build) or build/asan (AddressSanitizer
# and UndefinedBehaviorSanitizer); workloads compile once per memory model
# into NAME.MODEL.o.  Dependencies come from pkg-config, and build/.deps-ok
# records that tools/deps.sh found (or installed) them.

.DELETE_ON_ERROR:
.SUFFIXES:
.DEFAULT_GOAL := all

B        := build
MODELS   := manual rc gc own
CC       ?= cc
OPT      ?= -O2
WERROR   ?= -Werror
CPPFLAGS += -D_GNU_SOURCE -I.
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wvla -Wformat=2 -Wno-format-nonliteral $(WERROR)
CFLAGS   ?= $(OPT) -g
ALL_CFLAGS = -std=c11 $(CFLAGS) $(WARN)
DEPFLAGS  = -MMD -MP

# `make V=1` shows every command; by default one line per file.
Q = $(if $(V),,@)
say = $(if $(V),,@printf '  %-6s %s\n' $(1) $(2);)

SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FLAGS_obj  :=
FLAGS_asan := $(SAN_FLAGS)

# pkg-config, asked once and only when a recipe needs it (after deps).
memo = $(eval $(1) := $$(shell $(2)))$($(1))
GC_CFLAGS     = $(call memo,GC_CFLAGS,pkg-config --cflags bdw-gc)
GC_LIBS       = $(call memo,GC_LIBS,pkg-config --libs bdw-gc)
CMOCKA_CFLAGS = $(call memo,CMOCKA_CFLAGS,pkg-config --cflags cmocka)
CMOCKA_LIBS   = $(call memo,CMOCKA_LIBS,pkg-config --libs cmocka)
LIBS          = $(GC_LIBS) -ldl -lpthread -lm

# Filled by the module files.
LIB_SRCS  :=
WL_SRCS   :=
CLI_SRCS  :=
TEST_BINS :=
obj_of = $(patsubst %.c,$(B)/$(1)/%.o,$(2))
wl_objs = $(foreach m,$(MODELS),$(patsubst %.c,$(B)/$(1)/%.$(m).o,$(WL_SRCS)))
lib_objs = $(call obj_of,$(1),$(LIB_SRCS)) $(call wl_objs,$(1))

MMLAB := $(B)/obj/mmlab

include runtime/module.mk allocators/module.mk workloads/module.mk cli/module.mk
include replay/module.mk shims/module.mk
include tests/module.mk bench/module.mk

all: $(MMLAB)
.PHONY: all run clean deps

deps: $(B)/.deps-ok
$(B)/.deps-ok: tools/deps.sh
	@tools/deps.sh
	@mkdir -p $(@D) && touch $@

# One set of rules per variant (obj, asan).
define variant
$(B)/$(1)/%.o: %.c | $(B)/.deps-ok
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$$(CC) $$(CPPFLAGS) $$(ALL_CFLAGS) $$(FLAGS_$(1)) $$(GC_CFLAGS) $$(CMOCKA_CFLAGS) $$(DEPFLAGS) -c $$< -o $$@
$(foreach m,$(MODELS),
$(B)/$(1)/%.$(m).o: %.c | $(B)/.deps-ok
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$$(CC) $$(CPPFLAGS) -DMM_MODEL_$(shell echo $(m) | tr a-z A-Z) $$(ALL_CFLAGS) $$(FLAGS_$(1)) $$(GC_CFLAGS) $$(DEPFLAGS) -c $$< -o $$@
)
$(B)/$(1)/libmmlab.a: $$(call lib_objs,$(1))
	@rm -f $$@
	$$(call say,AR,$$@)$$(AR) rcs $$@ $$^
$(B)/$(1)/mmlab: $$(call obj_of,$(1),$$(CLI_SRCS)) $(B)/$(1)/libmmlab.a
	$$(call say,LD,$$@)$$(CC) $$(ALL_CFLAGS) $$(FLAGS_$(1)) $$^ $$(LIBS) -o $$@
endef
$(foreach v,obj asan,$(eval $(call variant,$(v))))

run: $(MMLAB)
	$(MMLAB) matrix -w binary-trees -p depth=16

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
