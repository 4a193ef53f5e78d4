# bench/ — `make bench`: the playground against hand-written programs.
#
# Commands are interleaved round by round and compared by medians (see
# runner.c).  BENCH_DEPTH and BENCH_RUNS pick the size and the number of
# rounds.  Before timing, each hand-written program's output is checked
# against the workload's, so the comparison is of the same work.
# bench-probes measures what the default probes cost against none: wall
# time (interleaved), instructions under callgrind at BENCH_CG_DEPTH, peak
# RSS, and the clock and event costs (probe_cost.c); and what the sampled
# split adds to the other probes (MMLAB_SPLIT=off), in CPU time.
BENCH_DEPTH ?= 18
BENCH_RUNS  ?= 7
BENCH_CG_DEPTH ?= 15
# the probes' overhead is a few percent, inside this machine's run-to-run
# noise at 7 runs: their comparison takes more rounds
BENCH_PROBE_RUNS ?= 11
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

$(BENCH_BIN)/probe_cost: bench/probe_cost.c $(B)/obj/libmmlab.a | $(B)/.deps-ok
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $^ $(LIBS) -o $@

BENCH_PROGS := $(addprefix $(BENCH_BIN)/,runner bt_malloc bt_rc bt_boehm)

.PHONY: bench bench-models bench-own bench-probes bench-gc check-figures
bench: bench-models bench-own bench-probes

bench-models: $(MMLAB) $(BENCH_PROGS)
	@echo "== outputs: each hand-written program against the workload (depth 10)"
	@for m in $(MODELS); do \
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
	  own_unchecked="$(MMLAB) run -q -m own_unchecked -p depth=$(BENCH_DEPTH)" \
	  -r 'manual/malloc-program<=1.10' -r 'rc/rc-program<=1.10' \
	  -r 'gc/boehm-program<=1.10' -r 'own/manual<=1.30' \
	  -r 'own_unchecked/manual<=1.03'

# bench-own: own and own_unchecked against manual on every workload, in
# wall time and in instructions (bench/own_cost.sh; docs/performance.md).
bench-own: $(MMLAB) $(BENCH_BIN)/runner
	@bench/own_cost.sh $(MMLAB) $(BENCH_BIN)/runner $(BENCH_RUNS)

bench-probes: $(MMLAB) $(BENCH_BIN)/runner $(BENCH_BIN)/probe_cost
	@echo "== the clock and the probe events"
	@$(BENCH_BIN)/probe_cost
	@echo "== binary-trees depth $(BENCH_DEPTH): probes on (the default) against off"
	@$(BENCH_BIN)/runner -n $(BENCH_PROBE_RUNS) \
	  $(foreach m,$(MODELS),$(m)-off="$(MMLAB) run -q -m $(m) -p depth=$(BENCH_DEPTH) --probes off" \
	  $(m)-on="$(MMLAB) run -q -m $(m) -p depth=$(BENCH_DEPTH) --probes on") \
	  $(foreach m,$(MODELS),-r '$(m)-on/$(m)-off<=1.03')
	@echo "== binary-trees depth $(BENCH_DEPTH): the sampled split's own cost, CPU time"
	@echo "   (the default probes against the same with MMLAB_SPLIT=off)"
	@$(BENCH_BIN)/runner -c -n $(BENCH_PROBE_RUNS) \
	  $(foreach m,manual gc own,$(m)-split="$(MMLAB) run -q -m $(m) -p depth=$(BENCH_DEPTH)" \
	  $(m)-nosplit="env MMLAB_SPLIT=off $(MMLAB) run -q -m $(m) -p depth=$(BENCH_DEPTH)") \
	  $(foreach m,manual gc own,-r '$(m)-split/$(m)-nosplit<=1.03')
	@bench/probe_overhead.sh $(MMLAB) $(BENCH_CG_DEPTH) $(BENCH_DEPTH)

# bench-allocators: the teaching allocators against glibc on binary-trees
# under the manual model, interleaved, then each one's space utilization
# (bench/utilization.sh).  bt_arena, the same never-freeing arena written
# by hand, is bump's floor; docs/allocators.md has the figures.
BENCH_ALLOCATORS := glibc bump freelist buddy simpleseg segfits

$(BENCH_BIN)/bt_arena $(BENCH_BIN)/page_touch: $(BENCH_BIN)/%: bench/%.c | $(B)/.deps-ok
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $< -o $@

.PHONY: bench-allocators
bench: bench-allocators

bench-allocators: $(MMLAB) $(BENCH_BIN)/runner $(BENCH_BIN)/bt_malloc $(BENCH_BIN)/bt_arena \
		  $(BENCH_BIN)/page_touch
	@echo "== outputs: bt_arena and every allocator against glibc (depth 10)"
	@$(MMLAB) run -p depth=10 --json /dev/null | sed '/^$$/,$$d' > $(BENCH_BIN)/out.alloc
	@$(BENCH_BIN)/bt_arena 10 | cmp -s - $(BENCH_BIN)/out.alloc || { echo "bench: bt_arena output differs"; exit 1; }
	@for a in $(BENCH_ALLOCATORS); do \
	  $(MMLAB) run -a $$a -p depth=10 --json /dev/null | sed '/^$$/,$$d' | cmp -s - $(BENCH_BIN)/out.alloc || \
	  { echo "bench: output on $$a differs"; exit 1; }; done
	@echo "   identical"
	@echo "== binary-trees depth $(BENCH_DEPTH), manual model: allocators against glibc"
	@bytes=$$($(MMLAB) run -q -m manual -a bump -p depth=$(BENCH_DEPTH) --json - | \
	  sed -n 's/^ *"peak_footprint_bytes": \([0-9]*\).*/\1/p' | head -n 1); \
	echo "   page-touch: only writing each cache line of bump's peak footprint, $$bytes bytes, once (bench/page_touch.c)"; \
	$(BENCH_BIN)/runner -n $(BENCH_RUNS) \
	  $(foreach a,$(BENCH_ALLOCATORS),$(a)="$(MMLAB) run -q -m manual -a $(a) -p depth=$(BENCH_DEPTH)") \
	  malloc-program="$(BENCH_BIN)/bt_malloc $(BENCH_DEPTH)" \
	  arena-program="$(BENCH_BIN)/bt_arena $(BENCH_DEPTH)" \
	  page-touch="$(BENCH_BIN)/page_touch $$bytes" \
	  -r 'simpleseg/glibc<=0.70' -r 'bump/glibc<=0.30' -r 'arena-program/malloc-program<=0.30' \
	  -r 'page-touch/glibc<=0.30'
	@echo "== space utilization at depth $(BENCH_DEPTH): peak live / peak footprint"
	@bench/utilization.sh $(MMLAB) $(BENCH_DEPTH) $(BENCH_ALLOCATORS)

# bench-replay: the shipped traces (traces/) replayed on glibc and every
# teaching allocator, interleaved round by round by the runner; each run
# writes its JSON, and bench/replay_ratio.sh prints, per trace and
# allocator, the utilization (exact, so the same every run) and the median
# of the throughput mmlab replay measured (its timed passes, not the
# process's wall time), then the issue-14 goals on the classic-pattern
# traces (traces/classic-*.rep).  BENCH_REPLAY_RUNS rounds (default 5).
BENCH_REPLAY_ALLOCATORS := glibc segfits simpleseg buddy freelist bump
BENCH_REPLAY_RUNS ?= 5
BENCH_TRACES := $(wildcard traces/*.rep traces/*.trace)

.PHONY: bench-replay
bench: bench-replay

bench-replay: $(MMLAB) $(BENCH_BIN)/runner
	@rm -rf $(BENCH_BIN)/replay && mkdir -p $(BENCH_BIN)/replay
	@echo "== traces/ replayed on $(BENCH_REPLAY_ALLOCATORS), interleaved (process wall time)"
	@$(BENCH_BIN)/runner -n $(BENCH_REPLAY_RUNS) \
	  $(foreach a,$(BENCH_REPLAY_ALLOCATORS),$(a)="$(MMLAB) replay -a $(a) --json $(BENCH_BIN)/replay/$(a).\$$\$$.json $(BENCH_TRACES)")
	@echo "== replay utilization and throughput, from each run's JSON"
	@bench/replay_ratio.sh $(BENCH_BIN)/replay segfits glibc

# bench-exec: what `mmlab exec` adds to a program's wall time, against the
# same program with the same allocator preloaded by hand (docs/exec.md);
# target ≤ 2%.  The program is the hand-written binary-trees.
BENCH_EXEC_RUNS ?= 11
JEMALLOC_SO := $(firstword $(wildcard /usr/lib/*/libjemalloc.so.2 /lib/*/libjemalloc.so.2))
.PHONY: bench-exec
bench: bench-exec
bench-exec: $(MMLAB) $(BENCH_BIN)/runner $(BENCH_BIN)/bt_malloc shims
	@echo "== binary-trees depth $(BENCH_DEPTH) (bt_malloc): mmlab exec against plain LD_PRELOAD"
	@$(BENCH_BIN)/runner -n $(BENCH_EXEC_RUNS) \
	  glibc-plain="$(BENCH_BIN)/bt_malloc $(BENCH_DEPTH)" \
	  glibc-exec="$(MMLAB) exec -q -a glibc -- $(BENCH_BIN)/bt_malloc $(BENCH_DEPTH)" \
	  jemalloc-plain="LD_PRELOAD=$(JEMALLOC_SO) $(BENCH_BIN)/bt_malloc $(BENCH_DEPTH)" \
	  jemalloc-exec="$(MMLAB) exec -q -a jemalloc -- $(BENCH_BIN)/bt_malloc $(BENCH_DEPTH)" \
	  -r 'glibc-exec/glibc-plain<=1.02' -r 'jemalloc-exec/jemalloc-plain<=1.02'

# check-figures: the sampled mutator / memory-management split against
# callgrind's exact costs at depth 14, every model, within 5 points
# (tools/check-figures.py; about 1.5 minutes under callgrind, so not part
# of `make test`; docs/performance.md has its last results).
CHECK_FIGURES_RUNS ?= 30
check-figures: $(MMLAB)
	@python3 tools/check-figures.py $(MMLAB) --depth 14 --runs $(CHECK_FIGURES_RUNS)

# bench-gc: the gc model against the plain GC_MALLOC program in CPU time
# (user + system of the whole process), with the probes on and off: the
# the target is gc/boehm-program <= 1.05 (docs/performance.md).
BENCH_GC_DEPTH ?= 17
BENCH_GC_RUNS  ?= 9
bench-gc: $(MMLAB) $(BENCH_BIN)/runner $(BENCH_BIN)/bt_boehm
	@echo "== binary-trees depth $(BENCH_GC_DEPTH): gc against the GC_MALLOC program, CPU time"
	@$(BENCH_BIN)/runner -c -n $(BENCH_GC_RUNS) \
	  boehm-program="$(BENCH_BIN)/bt_boehm $(BENCH_GC_DEPTH)" \
	  gc="$(MMLAB) run -q -m gc -p depth=$(BENCH_GC_DEPTH)" \
	  gc-probes-off="$(MMLAB) run -q -m gc --probes off -p depth=$(BENCH_GC_DEPTH)" \
	  -r 'gc/boehm-program<=1.05' -r 'gc-probes-off/boehm-program<=1.05'

# bench-workloads: lru-cache, web-requests and cyclic-graph under every model, interleaved,
# probes off; each model's time against manual's (a 3x guard against
# regressions, the figures are in docs/workloads.md), and rc with its cycle
# collector on against rc alone on workloads without cycles (target: the
# collector costs at most 10%).  bench-scale: time per request from the
# smallest benchmarked lru-cache to one with more than 1 GiB live
# (bench/scale.sh; about a minute and 1.5 GiB of memory).
BENCH_WL_RUNS ?= 5
BENCH_WL_SIZES := "lru-cache -p capacity=50000 -p ops=300000" \
		  "web-requests -p sessions=20000 -p requests=30000" \
		  "cyclic-graph -p nodes=50000 -p steps=200000"
BENCH_SCALE_SMALL ?= 400000
BENCH_SCALE_LARGE ?= 4000000

.PHONY: bench-workloads bench-scale
bench: bench-workloads bench-scale

bench-workloads: $(MMLAB) $(BENCH_BIN)/runner
	@for w in $(BENCH_WL_SIZES); do \
	  echo "== $$w: every model against manual (wall, probes off)"; \
	  $(BENCH_BIN)/runner -n $(BENCH_WL_RUNS) \
	    $(foreach m,$(MODELS),$(m)="$(MMLAB) run -q --probes off -m $(m) -w $$w") \
	    rc-cycles="$(MMLAB) run -q --probes off -m rc:cycles=1 -w $$w" \
	    $(foreach m,$(filter-out manual,$(MODELS)),-r '$(m)/manual<=3.00') \
	    -r 'rc-cycles/rc<=1.10' || exit 1; done
	@echo "== binary-trees depth $(BENCH_DEPTH): rc with its cycle collector against rc"
	@$(BENCH_BIN)/runner -n $(BENCH_WL_RUNS) \
	  rc="$(MMLAB) run -q --probes off -m rc -p depth=$(BENCH_DEPTH)" \
	  rc-cycles="$(MMLAB) run -q --probes off -m rc:cycles=1 -p depth=$(BENCH_DEPTH)" \
	  -r 'rc-cycles/rc<=1.10'

bench-scale: $(MMLAB)
	@echo "== lru-cache under manual: time per request, small to more than 1 GiB live"
	@bench/scale.sh $(MMLAB) $(BENCH_SCALE_SMALL) $(BENCH_SCALE_LARGE)
