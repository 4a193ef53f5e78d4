#!/bin/sh
# replay_ratio.sh — replay utilization and throughput per allocator, from
# mmlab replay JSON, and the replay goals of docs/performance.md.
#
#   replay_ratio.sh DIR NUM DEN
#
# DIR holds one DIR/ALLOCATOR.PID.json per run (written by bench-replay).
# For each trace and allocator: the utilization (exact: the same in every
# run) and the median over runs of the throughput.  Then the totals over
# every trace, the same over the classic-pattern traces (classic-*), and
# the goals: NUM's mean utilization on the classic traces at least 0.85 and
# its total throughput there at least DEN's; segfits, simpleseg and buddy
# at least 1 M ops/s on every classic trace; bump's classic-realloc time
# within twice DEN's.  A goal that fails is printed as missed (the exit
# status stays 0: the figures are the report).
set -eu
dir=$1 num=$2 den=$3

# "ALLOCATOR TRACE OPS UTILIZATION OPS_PER_S" lines, one per trace per run
rows() {
	for f in "$dir"/*.json; do
		a=$(basename "$f"); a=${a%%.*}
		awk -v a="$a" '
		function field(k,   v) { v = $0; if (!sub(".*\"" k "\": ", "", v)) return "null"
			sub(/[,}].*/, "", v); gsub(/"/, "", v); return v }
		/^    \{ "trace": / {
			t = field("trace"); sub(/^.*\//, "", t)
			print a, t, field("ops"), field("utilization"), field("ops_per_s") }' "$f"
	done
}

rows | sort -k1,1 -k2,2 -k5,5g | awk -v num="$num" -v den="$den" '
	{ k = $1 SUBSEP $2; n[k]++; v[k, n[k]] = $5; util[k] = $4; ops[$2] = $3
	  traces[$2] = 1; if (!($1 in seen)) { seen[$1] = 1; order[++na] = $1 } }
	function median(k,   c) { c = n[k]; if (c == 0) return -1
		return c % 2 ? v[k, (c + 1) / 2] : (v[k, c / 2] + v[k, c / 2 + 1]) / 2 }
	function rate(x) { return x < 0 ? "-" : x >= 1e6 ? sprintf("%.1fM", x / 1e6) : sprintf("%.0fk", x / 1e3) }
	END {
		for (t in traces) tl[++m] = t
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
			if (tl[j] < tl[i]) { x = tl[i]; tl[i] = tl[j]; tl[j] = x }
		printf "%-24s", "util / median ops/s"
		for (i = 1; i <= na; i++) printf " %16s", order[i]
		printf "\n"
		for (i = 1; i <= m; i++) {
			t = tl[i]; printf "%-24s", t
			for (j = 1; j <= na; j++) {
				k = order[j] SUBSEP t; r = median(k)
				printf " %16s", (r < 0 ? "-" : sprintf("%.3f / %s", util[k], rate(r)))
				if (r > 0) { secs[order[j], "all"] += ops[t] / r; cnt[order[j], "all"] += ops[t]
				  us[order[j], "all"] += util[k]; nu[order[j], "all"]++ }
				if (r > 0 && t ~ /^classic-/) { secs[order[j], "c"] += ops[t] / r
				  cnt[order[j], "c"] += ops[t]; us[order[j], "c"] += util[k]; nu[order[j], "c"]++ }
			}
			printf "\n"
		}
		split("all c", sets, " "); label["all"] = "total, every trace"; label["c"] = "total, classic-*"
		for (s = 1; s <= 2; s++) {
			printf "%-24s", label[sets[s]]
			for (j = 1; j <= na; j++) {
				a = order[j]; q = a SUBSEP sets[s]
				printf " %16s", (nu[q] ? sprintf("%.3f / %s", us[q] / nu[q], rate(cnt[q] / secs[q])) : "-")
			}
			printf "\n"
		}
		q = num SUBSEP "c"; d = den SUBSEP "c"
		mu = nu[q] ? us[q] / nu[q] : 0
		printf "goal: %s mean utilization on classic-* at least 0.85: %s (%.3f)\n", num,
		       (mu >= 0.85 ? "met" : "missed"), mu
		tn = secs[q] > 0 ? cnt[q] / secs[q] : 0; td = secs[d] > 0 ? cnt[d] / secs[d] : 0
		printf "goal: %s total throughput on classic-* at least %s'"'"'s: %s (%.2f)\n", num, den,
		       (td > 0 && tn >= td ? "met" : "missed"), (td > 0 ? tn / td : 0)
		slow = ""
		for (j = 1; j <= na; j++) {
			a = order[j]
			if (a != "segfits" && a != "simpleseg" && a != "buddy") continue
			for (i = 1; i <= m; i++)
				if (tl[i] ~ /^classic-/ && median(a SUBSEP tl[i]) < 1e6)
					slow = slow " " a ":" tl[i]
		}
		printf "goal: segregated and buddy families at least 1 M ops/s on every classic trace: %s%s\n",
		       (slow == "" ? "met" : "missed:"), slow
		b = median("bump" SUBSEP "classic-realloc.rep"); g = median(den SUBSEP "classic-realloc.rep")
		if (b > 0 && g > 0)
			printf "goal: bump classic-realloc time within 2x %s'"'"'s: %s (%.2fx)\n", den,
			       (g / b <= 2 ? "met" : "missed"), g / b
	}'
