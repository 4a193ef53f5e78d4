#!/bin/sh
# regen.sh — rewrite the golden outputs from cases.txt with an mmlab build
# (default build/obj/mmlab).  Read the diff before committing it: a golden
# file changes only when the output was meant to change.
#   sh tests/compare/golden/regen.sh [MMLAB]
set -u
mmlab=${1:-build/obj/mmlab}
dir=tests/compare/golden
grep -v '^#' "$dir/cases.txt" | while read -r name status args; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2086
	"$mmlab" $args > "$dir/$name.out" 2>/dev/null
	rc=$?
	[ "$rc" = "$status" ] || echo "regen.sh: $name: status $rc, expected $status" >&2
done
