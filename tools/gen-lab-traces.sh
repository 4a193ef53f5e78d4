#!/bin/sh
# gen-lab-traces.sh — make the lab's trace set, lab/traces (docs/labs/traces.md).
#
#   tools/gen-lab-traces.sh [B]      (from the top of the tree; B: build dir, default build)
#
# Four traces record real programs through the plug-in shim and the
# recorder plug-in (lab/record_alloc.c): python3 running a script, sort,
# the C compiler proper (cc1), git.  Each is cut to its first OPS
# operations (blocks still live then are freed by the replay), so the set
# stays small.  Four more are synthetic, one per pattern, from awk with a
# Park-Miller generator (as tools/gen-traces.sh), so they are the same on
# any machine.  The recorded ones depend on the programs' versions.
set -eu
B=${1:-build}
OPS=${OPS:-40000}
top=$(pwd)
dir=$top/lab/traces
shim=$top/$B/shims/mmlab-plugin-shim.so
rec=$top/$B/lab/mmlab-record.so
[ -f "$shim" ] && [ -f "$rec" ] || { echo "gen-lab-traces: make B=$B shims first" >&2; exit 2; }
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# record NAME CMD...: run CMD with every allocation recorded; keep the
# process with the most operations, cut to OPS.
record() {
	name=$1; shift
	rm -f "$tmp"/rec-*.trace
	env LD_PRELOAD="$shim" MMLAB_SHIM_OPTIONS="$rec:$tmp/rec-%p.trace" "$@" >/dev/null
	best=$(wc -l "$tmp"/rec-*.trace | grep -v ' total$' | sort -n | tail -1 | awk '{print $2}')
	awk -v max="$OPS" -v what="$name: $*" '
		NR == 1 { print; print "# " what " (the " max " first operations)"; next }
		/^#/ || /^end/ { next }
		n < max { print; n++; if ($2 + 1 > ids) ids = $2 + 1 }
		END { print "end " n " " ids }' "$best" >"$dir/$name.trace"
}

# the inputs the programs work on, made here
awk 'BEGIN { s = 7; for (i = 0; i < 30000; i++) { s = (s * 16807) % 2147483647;
	printf "%d line %x %s\n", s % 100000, s, substr("abcdefghijklmnopqrstuvwxyz", 1, s % 26 + 1) } }' \
	>"$tmp/sort.txt"
cat >"$tmp/work.py" <<'PY'
import json
d = {}
for i in range(6000):
    d["k%d" % i] = [str(j) * (i % 7 + 1) for j in range(i % 13)]
    if i % 3 == 0:
        d.pop("k%d" % (i // 2), None)
s = json.dumps(d)
print(len(json.loads(s)), sum(len(v) for v in d.values()))
PY

record python-json env PYTHONMALLOC=malloc python3 "$tmp/work.py"
record sort sort "$tmp/sort.txt"
record cc1 cc -O2 -c -I"$top" -D_GNU_SOURCE "$top/replay/trace.c" -o "$tmp/trace.o"
record git git -C "$top" log --stat -n 40

# gen NAME SEED PROGRAM: PROGRAM calls op("a"|"r"|"f", id, size), rnd(n)
gen() {
	awk -v seed="$2" "
	function rnd(n) { seed = (seed * 16807) % 2147483647; return seed % n }
	function op(k, id, size) {
		if (k == \"f\") { line[++nops] = \"f \" id; delete live[id] }
		else { line[++nops] = k \" \" id \" \" size; live[id] = 1 }
		if (id + 1 > nids) nids = id + 1
	}
	BEGIN { $3
		for (id in live) op(\"f\", id, 0)
		print \"mmlab-trace 1\"
		print \"# synthetic, tools/gen-lab-traces.sh: $1\"
		for (i = 1; i <= nops; i++) print line[i]
		print \"end \" nops \" \" nids }" >"$dir/$1.trace"
}
# small blocks: many 8-64 byte objects, freed in random order
gen small 11 'for (i = 0; i < 12000; i++) { id = rnd(3000); if (id in live) op("f", id); else op("a", id, 8 * (rnd(8) + 1)) }'
# realloc growth: buffers grown by doubling and by small steps, among small blocks
gen realloc 13 'for (b = 0; b < 40; b++) { op("a", b, 16) }
	for (r = 0; r < 120; r++) for (b = 0; b < 40; b++) { s = 16 + r * (b % 5 + 1) * 24; op("r", b, s)
		f = 40 + rnd(200); if (f in live) op("f", f); else op("a", f, rnd(100) + 1) }'
# fragmentation: phases of small and big blocks, every other one freed, then bigger requests
gen fragment 17 'id = 0; for (p = 0; p < 6; p++) { base = id
		for (i = 0; i < 800; i++) op("a", id++, i % 2 ? 24 + rnd(40) : 200 + rnd(800))
		for (i = base; i < id; i += 2) op("f", i)
		for (i = 0; i < 300; i++) op("a", id++, 1000 + rnd(3000)) }'
# binary sizes: powers of two and one more (the buddy and class rounding worst case)
gen binary 19 'for (i = 0; i < 10000; i++) { id = rnd(1500); if (id in live) op("f", id)
		else { k = 2 ^ (rnd(10) + 3); op("a", id, rnd(2) ? k : k + 1) } }'
ls -l "$dir"
