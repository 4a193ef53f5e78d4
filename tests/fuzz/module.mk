# tests/fuzz/ — `make fuzz`: libFuzzer on every reader of outside input.
#
# One harness per reader: fuzz_dump (mmlab's documents, any format),
# fuzz_jemalloc, fuzz_glibc, fuzz_mimalloc, fuzz_gperftools (the native
# dumps) and fuzz_trace (replay/trace.c).  Built with clang's libFuzzer
# and ASan+UBSan into $(B)/fuzz; each runs FUZZ_TIME seconds (default 60)
# from its seeds in tests/fuzz/corpus/NAME.  New inputs go to
# $(B)/fuzz/corpus/NAME, and crashes to $(B)/fuzz/NAME-crash-*, so the
# committed corpus changes only by hand.  `make fuzz-smoke` runs each
# harness once over its seeds.  Not part of `make test` (it needs clang).
FUZZ_CC      ?= clang
FUZZ_TIME    ?= 60
FUZZ_TARGETS := dump jemalloc glibc mimalloc gperftools trace
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=c11 -g -O1 $(WARN) $(FUZZ_SAN)
FUZZ_SRCS    := $(wildcard runtime/stats/*.c) allocators/alloc_stats.c runtime/probes/probe.c \
                replay/trace.c allocators/pages.c
FUZZ_OBJS     = $(patsubst %.c,$(B)/fuzz/%.o,$(FUZZ_SRCS))
.SECONDARY: $(FUZZ_OBJS) $(foreach t,$(FUZZ_TARGETS),$(B)/fuzz/tests/fuzz/fuzz_$(t).o)

$(B)/fuzz/%.o: %.c | $(B)/.deps-ok
	@mkdir -p $(@D)
	$(call say,CC,$@)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
	  $(JANSSON_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(B)/fuzz/fuzz_%: $(B)/fuzz/tests/fuzz/fuzz_%.o $(FUZZ_OBJS)
	$(call say,LD,$@)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ $(JANSSON_LIBS) -lm -o $@

.PHONY: fuzz fuzz-smoke fuzz-build
fuzz-build: $(foreach t,$(FUZZ_TARGETS),$(B)/fuzz/fuzz_$(t))
fuzz: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(B)/fuzz/corpus/$$t; \
	  echo "== fuzz_$$t, $(FUZZ_TIME) s"; \
	  $(B)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) -max_len=65536 -timeout=10 \
	    -artifact_prefix=$(B)/fuzz/$$t- -print_final_stats=1 \
	    $(B)/fuzz/corpus/$$t tests/fuzz/corpus/$$t 2>&1 | \
	    grep -E '^(#[0-9]+[[:space:]]+DONE|INFO: -max_total|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)' || true; \
	  if ls $(B)/fuzz/$$t-crash-* $(B)/fuzz/$$t-leak-* $(B)/fuzz/$$t-timeout-* \
	      $(B)/fuzz/$$t-oom-* 2>/dev/null | grep -q .; then \
	    echo "fuzz_$$t: findings in $(B)/fuzz/$$t-*" >&2; exit 1; fi; \
	done
fuzz-smoke: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
	  $(B)/fuzz/fuzz_$$t -runs=0 tests/fuzz/corpus/$$t >/dev/null 2>&1 || \
	    { echo "fuzz_$$t: a seed fails" >&2; exit 1; }; \
	  echo "fuzz_$$t: every seed passes"; done
