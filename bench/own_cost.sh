#!/bin/sh
# own_cost.sh — what the own model costs against manual on every workload.
#
#   bench/own_cost.sh MMLAB RUNNER RUNS
#
# For each workload, at a size where manual runs for about a second:
# manual, own and own_unchecked interleaved for RUNS rounds (runner.c),
# then their instructions under callgrind at a tenth of that size (the
# whole process that runs the workload; callgrind is ~50x slower).  The
# targets are own <= 1.30x manual and own_unchecked <= 1.03x manual;
# manual_again, the same command as manual, shows how far two medians of
# one command drift apart on this machine in the same run.  Per borrow:
# the instructions manual spends per borrow own takes (own's `borrows`),
# what own adds, and what the 1.30x target leaves for own's checks
# (docs/performance.md, "Why own cannot reach 1.30x").
# binary-trees runs at the size bench-models times it.
set -eu
mmlab=$1 runner=$2 runs=$3

# name|timed parameters|callgrind parameters
sizes='binary-trees|-p depth=18|-p depth=14
lru-cache|-p capacity=100000 -p ops=2000000|-p capacity=10000 -p ops=200000
web-requests|-p requests=100000|-p requests=10000
cyclic-graph|-p nodes=100000 -p steps=1000000|-p nodes=10000 -p steps=100000'

instructions() { # instructions WORKLOAD PARAMS MODEL
	dir=$(mktemp -d)
	# shellcheck disable=SC2086
	valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$dir/cg.%p" \
		"$mmlab" run -q -w "$1" $2 -m "$3" --probes off >/dev/null 2>&1
	# the largest count is the process that ran the workload (run may re-exec)
	for f in "$dir"/cg.*; do sed -n 's/^totals: *//p' "$f"; done | sort -n | tail -n 1
	rm -rf "$dir"
}

echo "$sizes" | while IFS='|' read -r w timed cg; do
	echo "== $w ($timed): own and own_unchecked against manual, wall time"
	"$runner" -n "$runs" \
		manual="$mmlab run -q -w $w $timed -m manual --probes off" \
		own="$mmlab run -q -w $w $timed -m own --probes off" \
		own_unchecked="$mmlab run -q -w $w $timed -m own_unchecked --probes off" \
		manual_again="$mmlab run -q -w $w $timed -m manual --probes off" \
		-r 'own/manual<=1.30' -r 'own_unchecked/manual<=1.03' \
		-r 'manual_again/manual<=1.03'
	if command -v valgrind >/dev/null 2>&1; then
		m=$(instructions "$w" "$cg" manual)
		o=$(instructions "$w" "$cg" own)
		u=$(instructions "$w" "$cg" own_unchecked)
		# shellcheck disable=SC2086
		b=$("$mmlab" run -q -w "$w" $cg -m own --probes off --json - |
			sed -n 's/.*"borrows": *\([0-9][0-9]*\).*/\1/p')
		awk -v w="$w" -v p="$cg" -v m="$m" -v o="$o" -v u="$u" -v b="$b" 'BEGIN {
			printf "   instructions (%s): manual %.1f M, own %.1f M (%.3fx), own_unchecked %.1f M (%.3fx)\n",
				p, m / 1e6, o / 1e6, o / m, u / 1e6, u / m
			if (b > 0)
				printf "   per borrow (%d borrows): manual %.1f instructions in all, own adds %.1f; own <= 1.30x manual leaves %.1f\n",
					b, m / b, (o - m) / b, 0.3 * m / b }'
	fi
done
