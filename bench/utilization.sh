#!/bin/sh
# utilization.sh — each allocator's space use on one run, from its JSON.
#
#   utilization.sh MMLAB DEPTH ALLOCATOR...
#
# Peak live bytes (what the workload held) over the allocator's peak
# footprint (what it held from the OS): the malloc-lab figure.  Exact for
# the teaching allocators; glibc's footprint peak is sampled by the probes.
set -eu
mmlab=$1 depth=$2
shift 2
printf '%-10s %14s %16s %12s\n' allocator "peak live" "peak footprint" utilization
for a in "$@"; do
	"$mmlab" run -q -m manual -a "$a" -p depth="$depth" --json - |
		awk -v a="$a" '
		function num(line) { sub(/^[^:]*: */, "", line); sub(/,$/, "", line); return line }
		/"peak_live_bytes":/ { live = num($0) }
		/"peak_footprint_bytes":/ { foot = num($0) }
		/"sampled_peak_footprint_bytes":/ { sampled = num($0) }
		/"utilization":/ { util = num($0) }
		END { if (foot == "null") foot = sampled
		      printf "%-10s %10.1f MiB %12.1f MiB %12.4f\n", a, live / 1048576,
		      foot / 1048576, util }'
done
