#!/bin/sh
# gen-traces.sh — make the traces shipped in traces/, deterministically.
#
#   tools/gen-traces.sh [MMLAB]      (from the top of the tree)
#
# Four malloc-lab .rep traces come from awk with a hand-rolled Park-Miller
# generator (integer steps exact in doubles, so any POSIX awk gives the
# same numbers; Debian's mawk made the shipped ones); binary-trees.trace is
# recorded by `MMLAB run --record` (default build/obj/mmlab).  Every trace
# frees what it allocates, so a replay ends with an empty heap.
set -eu
dir=$(dirname "$0")/../traces
mmlab=${1:-build/obj/mmlab}

# gen NAME SEED PROGRAM: PROGRAM calls op("a"|"r"|"f", id, size) and
# uses rnd(n) (0..n-1); the header (peak live bytes, ids, ops, weight 1)
# is written after the operations are counted.
gen() {
	awk -v seed="$2" "
	function rnd(n) { seed = (seed * 16807) % 2147483647; return seed % n }
	function op(k, id, size) {
		if (k == \"f\") { live -= sz[id]; line[++nops] = \"f \" id; delete sz[id] }
		else { live += size - (id in sz ? sz[id] : 0); sz[id] = size
		       line[++nops] = k \" \" id \" \" size }
		if (live > peak) peak = live
		if (id + 1 > nids) nids = id + 1
	}
	BEGIN { $3
		printf \"%d\\n%d\\n%d\\n1\\n\", peak, nids, nops
		for (i = 1; i <= nops; i++) print line[i] }" > "$dir/$1"
}

# Many small blocks, freed in random order while more arrive.
gen small-blocks.rep 11 '
	n = 0; nl = 0
	for (i = 0; i < 5000; i++) {
		op("a", n, 8 + rnd(57)); live_id[nl++] = n++
		if (nl > 0 && rnd(100) < 45) { j = rnd(nl); op("f", live_id[j]); live_id[j] = live_id[--nl] }
	}
	while (nl > 0) { j = rnd(nl); op("f", live_id[j]); live_id[j] = live_id[--nl] }'

# Sixteen buffers grown by realloc step by step, among short-lived blocks.
gen realloc-growth.rep 23 '
	for (b = 0; b < 16; b++) { op("a", b, 16 + rnd(49)); cur[b] = sz[b] }
	t = 16
	for (i = 0; i < 4000; i++) {
		b = rnd(16); cur[b] += 8 + rnd(249); op("r", b, cur[b])
		if (rnd(100) < 50) { op("a", t, 16 + rnd(113)); op("f", t); t++ }
	}
	for (b = 0; b < 16; b++) op("f", b)'

# Alternating small and large blocks; the small ones go, leaving holes no
# later medium request fits, then the large ones go too.
gen fragment.rep 37 '
	for (i = 0; i < 2000; i++) { op("a", 2 * i, 16 + rnd(33)); op("a", 2 * i + 1, 256 + rnd(769)) }
	for (i = 0; i < 2000; i++) op("f", 2 * i)
	for (i = 0; i < 2000; i++) op("a", 4000 + i, 64 + rnd(129))
	for (i = 0; i < 2000; i++) op("f", 2 * i + 1)
	for (i = 0; i < 2000; i++) op("a", 6000 + i, 512 + rnd(1537))
	for (i = 0; i < 2000; i++) { op("f", 4000 + i); op("f", 6000 + i) }'

# Large blocks, 32 KiB to 2 MiB, a few reallocated larger; at most 8 live.
gen large-blocks.rep 53 '
	nl = 0
	for (i = 0; i < 120; i++) {
		s = 32768; k = rnd(6); while (k-- > 0) s *= 2
		op("a", i, s + rnd(s)); live_id[nl++] = i
		if (rnd(100) < 30) { j = rnd(nl); op("r", live_id[j], sz[live_id[j]] + 65536 + rnd(262144)) }
		if (nl >= 8) { j = rnd(nl); op("f", live_id[j]); live_id[j] = live_id[--nl] }
	}
	while (nl > 0) { op("f", live_id[--nl]) }'

# binary-trees as the manual model runs it, recorded by mmlab itself.
"$mmlab" run -w binary-trees -m manual -p depth=7 -q --record "$dir/binary-trees.trace" >/dev/null
