#!/bin/sh
# scale.sh — time per request of lru-cache under manual, from the smallest
# benchmarked size to one with more than 1 GiB live: the target is a growth
# of at most 1.3x (docs/performance.md).  One run of each, probes off; each prints its
# peak live size and ns per request, from the run's JSON.
#   bench/scale.sh MMLAB SMALL_CAPACITY LARGE_CAPACITY
set -eu
mmlab=$1 small=$2 large=$3
per_op() {
	"$mmlab" run -q -w lru-cache -m manual --probes off -p capacity="$1" -p ops=$(($1 * 3)) \
		--json - | python3 -c '
import json, sys
r = json.load(sys.stdin)["results"]
print("%.1f %.1f" % (r["peak_live_bytes"] / 2**20, r["wall_s"] / r["ops"] * 1e9))'
}
set -- $(per_op "$small") $(per_op "$large")
echo "   capacity $small: peak live $1 MiB, $2 ns/request"
echo "   capacity $large: peak live $3 MiB, $4 ns/request"
python3 -c "
r = $4 / $2
print('   growth %.2fx (target <= 1.30): %s' % (r, 'ok' if r <= 1.30 else 'MISSED'))
print('   the large size has %s 1 GiB live' % ('at least' if $3 >= 1024 else 'LESS THAN'))"
