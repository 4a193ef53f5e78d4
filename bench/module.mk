# bench/ — `make bench`: the playground against hand-written programs.
#
# Commands are interleaved round by round and compared by medians (see
# runner.c).  BENCH_DEPTH and BENCH_RUNS pick the size and the number of
# rounds.  Before timing, each hand-written program's output is checked
# against the workload's, so the comparison is of the same work.
BENCH_DEPTH ?= 18
BENCH_RUNS  ?= 7
BENCH_BIN   := $(B)/bench

$(BENCH_BIN)/runner: bench/runner.c | $(B)/.deps-ok
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $< -o $@
$(BENCH_BIN)/bt_malloc $(BENCH_BIN)/bt_rc: $(BENCH_BIN)/%: bench/%.c | $(B)/.deps-ok
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $< -o $@
$(BENCH_BIN)/bt_boehm: bench/bt_boehm.c | $(B)/.deps-ok
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(GC_CFLAGS) $< $(GC_LIBS) -o $@

BENCH_PROGS := $(addprefix $(BENCH_BIN)/,runner bt_malloc bt_rc bt_boehm)

.PHONY: bench bench-models
bench: bench-models

bench-models: $(MMLAB) $(BENCH_PROGS)
	@echo "== outputs: each hand-written program against the workload (depth 10)"
	@for m in manual rc gc own; do \
	  $(MMLAB) run -m $$m -p depth=10 --json /dev/null | sed '/^$$/,$$d' > $(BENCH_BIN)/out.$$m; \
	  cmp -s $(BENCH_BIN)/out.$$m $(BENCH_BIN)/out.manual || { echo "bench: $$m output differs"; exit 1; }; done
	@for p in bt_malloc bt_rc bt_boehm; do \
	  $(BENCH_BIN)/$$p 10 | cmp -s - $(BENCH_BIN)/out.manual || { echo "bench: $$p output differs"; exit 1; }; done
	@echo "   identical"
	@echo "== binary-trees depth $(BENCH_DEPTH): models against hand-written programs"
	@$(BENCH_BIN)/runner -n $(BENCH_RUNS) \
	  malloc-program="$(BENCH_BIN)/bt_malloc $(BENCH_DEPTH)" \
	  manual="$(MMLAB) run -q -m manual -p depth=$(BENCH_DEPTH)" \
	  rc-program="$(BENCH_BIN)/bt_rc $(BENCH_DEPTH)" \
	  rc="$(MMLAB) run -q -m rc -p depth=$(BENCH_DEPTH)" \
	  boehm-program="$(BENCH_BIN)/bt_boehm $(BENCH_DEPTH)" \
	  gc="$(MMLAB) run -q -m gc -p depth=$(BENCH_DEPTH)" \
	  own="$(MMLAB) run -q -m own -p depth=$(BENCH_DEPTH)" \
	  -r 'manual/malloc-program<=1.10' -r 'rc/rc-program<=1.10' \
	  -r 'gc/boehm-program<=1.10' -r 'own/manual<=1.60'
