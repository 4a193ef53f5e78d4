# Makefile — mmlab, built non-recursively into build/.
#
# Each folder adds its sources in its module.mk; this file holds the rules.
# Objects go to build/obj (the normal build) or build/asan (AddressSanitizer
# and UndefinedBehaviorSanitizer); workloads and each model's ops table
# compile once per memory model into NAME.MODEL.o.  Dependencies come from pkg-config, and build/.deps-ok
# records that tools/deps.sh found (or installed) them.

.DELETE_ON_ERROR:
.SUFFIXES:
.DEFAULT_GOAL := all

B        := build
# The models, read from their one list (runtime/models/list.h).
MODELS   := $(shell sed -n 's/^[[:space:]]*X(\([a-z0-9_]*\), a).*/\1/p' runtime/models/list.h)
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
# tmodel: the test build with the test-only models of tests/models/list.h
# appended to the list (tests/module.mk runs it).
TEST_MODELS := $(shell sed -n 's/.*X(\([a-z0-9_]*\), a).*/\1/p' tests/models/list.h)
FLAGS_tmodel := -DMM_MODEL_LIST_EXTRA_H='"tests/models/list.h"'
VMODELS_obj    := $(MODELS)
VMODELS_asan   := $(MODELS)
VMODELS_tmodel := $(MODELS) $(TEST_MODELS)

# pkg-config, asked once and only when a recipe needs it (after deps).
memo = $(eval $(1) := $$(shell $(2)))$($(1))
GC_CFLAGS     = $(call memo,GC_CFLAGS,pkg-config --cflags bdw-gc)
GC_LIBS       = $(call memo,GC_LIBS,pkg-config --libs bdw-gc)
CMOCKA_CFLAGS = $(call memo,CMOCKA_CFLAGS,pkg-config --cflags cmocka)
CMOCKA_LIBS   = $(call memo,CMOCKA_LIBS,pkg-config --libs cmocka)
JANSSON_CFLAGS = $(call memo,JANSSON_CFLAGS,pkg-config --cflags jansson)
JANSSON_LIBS  = $(call memo,JANSSON_LIBS,pkg-config --libs jansson)
LIBS          = $(GC_LIBS) $(JANSSON_LIBS) -ldl -lpthread -lm

# Filled by the module files.  PER_MODEL_SRCS compile once per model.
LIB_SRCS  :=
PER_MODEL_SRCS :=
CLI_SRCS  :=
TEST_BINS :=
obj_of = $(patsubst %.c,$(B)/$(1)/%.o,$(2))
wl_objs = $(foreach m,$(VMODELS_$(1)),$(patsubst %.c,$(B)/$(1)/%.$(m).o,$(PER_MODEL_SRCS)))
# A model's header: its inline API, and its ops table at the end.
model_header = $(firstword $(wildcard runtime/models/$(1).h tests/models/$(1).h))
model_flags = -DMM_MODEL=$(1) -DMM_MODEL_HEADER='"$(call model_header,$(1))"'
lib_objs = $(call obj_of,$(1),$(LIB_SRCS)) $(call wl_objs,$(1))

MMLAB := $(B)/obj/mmlab

include runtime/module.mk allocators/module.mk workloads/module.mk cli/module.mk
include replay/module.mk grade/module.mk shims/module.mk lab/module.mk
include tests/module.mk tests/analyze/module.mk tests/fuzz/module.mk bench/module.mk

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
	$$(call say,CC,$$@)$$(CC) $$(CPPFLAGS) $$(ALL_CFLAGS) $$(FLAGS_$(1)) $$(GC_CFLAGS) $$(CMOCKA_CFLAGS) $$(JANSSON_CFLAGS) $$(DEPFLAGS) -c $$< -o $$@
$(foreach m,$(VMODELS_$(1)),
$(B)/$(1)/%.$(m).o: %.c | $(B)/.deps-ok
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$$(CC) $$(CPPFLAGS) $$(call model_flags,$(m)) $$(ALL_CFLAGS) $$(FLAGS_$(1)) $$(GC_CFLAGS) $$(DEPFLAGS) -c $$< -o $$@
)
$(B)/$(1)/libmmlab.a: $$(call lib_objs,$(1))
	@rm -f $$@
	$$(call say,AR,$$@)$$(AR) rcs $$@ $$^
$(B)/$(1)/mmlab: $$(call obj_of,$(1),$$(CLI_SRCS)) $(B)/$(1)/libmmlab.a
	$$(call say,LD,$$@)$$(CC) $$(ALL_CFLAGS) $$(FLAGS_$(1)) $$^ $$(LIBS) -o $$@
endef
$(foreach v,obj asan tmodel,$(eval $(call variant,$(v))))

run: $(MMLAB)
	$(MMLAB) matrix -w binary-trees -p depth=16

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
