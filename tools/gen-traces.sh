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

# The classic malloc-lab patterns (Wilson et al. 1995; the CS:APP lab's
# trace families), written anew: compiler-like mixes, coalescing, random
# sizes up to 32 KiB, binary lifetimes and realloc growth.

# A compiler: many small nodes with a skewed size mix, in phases (a
# function's nodes die together at its end), a few long-lived tables that
# grow by realloc, and the odd buffer of a few KiB.
gen classic-compiler.rep 101 '
	n = 0; nl = 0; tables = 0
	for (f = 0; f < 60; f++) {
		base = nl
		k = 100 + rnd(200)
		for (i = 0; i < k; i++) {
			r = rnd(100)
			if (r < 70) s = 8 + rnd(57); else if (r < 95) s = 64 + rnd(449); else s = 512 + rnd(3585)
			op("a", n, s); live_id[nl++] = n++
		}
		if (rnd(100) < 40) {
			if (tables < 8) { op("a", n, 256); tab[tables++] = n++ }
			else { t = tab[rnd(8)]; op("r", t, sz[t] + 64 + rnd(512)) }
		}
		# the phase ends: most of its nodes die, in random order
		while (nl > base + k / 10) { j = base + rnd(nl - base); op("f", live_id[j]); live_id[j] = live_id[--nl] }
	}
	while (nl > 0) { op("f", live_id[--nl]) }
	for (i = 0; i < tables; i++) op("f", tab[i])'

# Coalescing: pairs of neighbours, each pair between long-lived small
# blocks, are freed and replaced by one block of their combined size,
# which fits where the pair was only if the two merged; then the merged
# block goes and a new pair of other sizes comes.
gen classic-coalescing.rep 103 '
	for (i = 0; i < 100; i++) {
		op("a", 3 * i, 16 + rnd(49)); s = 1024 + rnd(3073); op("a", 3 * i + 1, s); op("a", 3 * i + 2, s)
	}
	for (r = 0; r < 8; r++) {
		for (i = 0; i < 100; i++) {
			t = sz[3 * i + 1] + sz[3 * i + 2]; op("f", 3 * i + 1); op("f", 3 * i + 2); op("a", 300 + i, t)
		}
		for (i = 0; i < 100; i++) {
			op("f", 300 + i); s = 1024 + rnd(3073); op("a", 3 * i + 1, s); op("a", 3 * i + 2, s)
		}
	}
	for (i = 0; i < 300; i++) op("f", i)'

# Random sizes from 1 byte to 32 KiB (16 KiB on average), allocated and
# freed at random, at most 240 live.
gen classic-random.rep 107 '
	nl = 0; n = 0
	for (i = 0; i < 2400; i++) {
		if (nl < 240 && (nl == 0 || rnd(100) < 55)) { op("a", n, 1 + rnd(32768)); live_id[nl++] = n++ }
		else { j = rnd(nl); op("f", live_id[j]); live_id[j] = live_id[--nl] }
	}
	while (nl > 0) { j = rnd(nl); op("f", live_id[j]); live_id[j] = live_id[--nl] }'

# Binary lifetimes: small long-lived blocks alternate with large short-lived
# ones; the large die, and the next generation (large again, some a little
# larger than the holes) arrives among the survivors.
gen classic-binary.rep 109 '
	for (i = 0; i < 1500; i++) { op("a", 2 * i, 16 + rnd(49)); op("a", 2 * i + 1, 256 + rnd(257)) }
	for (g = 0; g < 3; g++) {
		for (i = 0; i < 1500; i++) op("f", 2 * i + 1)
		for (i = 0; i < 1500; i++) op("a", 2 * i + 1, 256 + rnd(257) + 32 * g)
	}
	for (i = 0; i < 3000; i++) op("f", i)'

# Realloc growth: a buffer grown step by step by realloc while a small block
# is allocated after it and the previous one freed (the lab'"'"'s realloc
# pattern); then a second buffer whose small neighbours stay.
gen classic-realloc.rep 113 '
	op("a", 0, 512); op("a", 1, 128)
	for (i = 1; i <= 1200; i++) { op("r", 0, 512 + 128 * i); op("a", i + 1, 128); op("f", i) }
	op("f", 1201); op("f", 0)
	op("a", 0, 4092); n = 1
	for (i = 1; i <= 600; i++) { op("r", 0, 4092 + 96 * i); op("a", n, 16); if (i % 2) op("f", n); n++ }
	op("f", 0)
	for (i = 1; i < n; i++) if (i % 2 == 0) op("f", i)'

# binary-trees as the manual model runs it, recorded by mmlab itself.
"$mmlab" run -w binary-trees -m manual -p depth=7 -q --record "$dir/binary-trees.trace" >/dev/null
