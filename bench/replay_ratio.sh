#!/bin/sh
# replay_ratio.sh — replay throughput per allocator, from mmlab replay JSON.
#
#   replay_ratio.sh DIR NUM DEN
#
# DIR holds one DIR/ALLOCATOR.PID.json per run (written by bench-replay);
# for each allocator the median over runs of every trace's throughput and
# of the total, then NUM's over DEN's (the goal: at least 1.00).
set -eu
dir=$1 num=$2 den=$3

# "ALLOCATOR TRACE OPS_PER_S" lines, the total as trace "total"
figures() {
	for f in "$dir"/*.json; do
		a=$(basename "$f"); a=${a%%.*}
		awk -v a="$a" '
		/^    \{ "trace": / {
			t = $0; sub(/.*"trace": "/, "", t); sub(/".*/, "", t)
			v = $0; sub(/.*"ops_per_s": /, "", v); sub(/,.*/, "", v)
			print a, t, v }
		/^  "total": \{/ { total = 1 }
		total && /"ops_per_s":/ { v = $0; sub(/.*: /, "", v); print a, "total", v }' "$f"
	done
}

figures | sort -k1,1 -k2,2 -k3,3g | awk -v num="$num" -v den="$den" '
	{ key = $1 SUBSEP $2; n[key]++; v[key, n[key]] = $3; traces[$2] = 1; allocs[$1] = 1 }
	function median(k,   c) { c = n[k]; if (c == 0) return -1
		return c % 2 ? v[k, (c + 1) / 2] : (v[k, c / 2] + v[k, c / 2 + 1]) / 2 }
	END {
		printf "%-28s %14s %14s %8s\n", "trace (median Kops/s)", den, num, num "/" den
		for (t in traces) if (t != "total") order[++m] = t
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
			if (order[j] < order[i]) { x = order[i]; order[i] = order[j]; order[j] = x }
		order[++m] = "total"
		for (i = 1; i <= m; i++) {
			t = order[i]; d = median(den SUBSEP t); u = median(num SUBSEP t)
			printf("%-28s %14.1f %14.1f %8.2f\n", t, d / 1000, u / 1000, (d > 0 ? u / d : 0))
		}
		d = median(den SUBSEP "total"); u = median(num SUBSEP "total")
		printf("goal: %s total throughput at least %s'"'"'s: %s (%.2f)\n", num, den,
		       (d > 0 && u >= d ? "met" : "missed"), (d > 0 ? u / d : 0))
	}'
