#!/bin/sh
# probe_overhead.sh — instructions and memory of the default probes against none.
#
#   bench/probe_overhead.sh MMLAB CG_DEPTH MEM_DEPTH
#
# Instructions: callgrind counts what the whole process executes, the same
# from run to run on a noisy machine; each model runs binary-trees at
# CG_DEPTH (smaller than the timed depth: callgrind is ~50x slower) with
# --probes on and --probes off.  Note that the probes' timer ticks per
# wall-clock millisecond, so under callgrind's slowdown the heap sampler
# fires ~50x more often per instruction than in a normal run.
# Memory: peak RSS and the probes' own memory at MEM_DEPTH, from the JSON.
set -eu
mmlab=$1 cg_depth=$2 mem_depth=$3
models="manual rc gc own"

field() { # field KEY: the number after "KEY": in the JSON on stdin
	sed -n "s/^ *\"$1\": \([0-9]*\).*/\1/p" | head -n 1
}

if command -v valgrind >/dev/null 2>&1; then
	echo "== instructions (callgrind), binary-trees depth $cg_depth, probes on vs off"
	printf '%-8s %16s %16s %8s %10s\n' model "probes off" "probes on" ratio "<= 1.03"
	for m in $models; do
		n_off=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$mmlab" run -q \
			-m "$m" -p depth="$cg_depth" --probes off 2>&1 >/dev/null |
			sed -n 's/.*Collected : *//p')
		n_on=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$mmlab" run -q \
			-m "$m" -p depth="$cg_depth" --probes on 2>&1 >/dev/null |
			sed -n 's/.*Collected : *//p')
		awk -v m="$m" -v a="$n_off" -v b="$n_on" 'BEGIN {
			r = b / a; printf "%-8s %16.0f %16.0f %8.4f %10s\n", m, a, b, r, r <= 1.03 ? "met" : "MISSED" }'
	done
else
	echo "== instructions: valgrind is not installed (apt-get install valgrind); skipped"
fi

echo "== memory, binary-trees depth $mem_depth: peak RSS with probes off and on"
printf '%-8s %12s %12s %12s %14s\n' model "RSS off" "RSS on" "difference" "probe memory"
for m in $models; do
	off=$("$mmlab" run -q -m "$m" -p depth="$mem_depth" --probes off --json - | field peak_rss_bytes)
	json=$("$mmlab" run -q -m "$m" -p depth="$mem_depth" --probes on --json -)
	on=$(echo "$json" | field peak_rss_bytes)
	probe=$(echo "$json" | field probe_bytes)
	awk -v m="$m" -v a="$off" -v b="$on" -v p="$probe" 'BEGIN {
		printf "%-8s %9.1f MiB %9.1f MiB %+9.1f MiB %10.1f MiB\n", m, a / 1048576,
		       b / 1048576, (b - a) / 1048576, p / 1048576 }'
done
