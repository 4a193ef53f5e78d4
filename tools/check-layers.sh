#!/bin/sh
# check-layers.sh — fail when an include or a call reaches up a layer.
#
# The rule is the table between the "layers: begin" and "layers: end"
# marks in docs/architecture.md: each folder, and the folders it may use
# besides itself.  Two checks against it:
#   includes — every #include "..." of a checked folder's sources names a
#              file of its own folder or of one it may use;
#   calls    — every symbol an object file of a checked folder needs
#              (nm -u), when another checked folder defines it, comes
#              from one it may use.
# The one sanctioned crossing, runtime/api/mm.h's computed include of the
# model a build names (#include MM_MODEL_HEADER), names no path, so
# neither check sees it; docs/architecture.md says why it is there.
# Usage: tools/check-layers.sh OBJDIR   (the objects of the normal build)
set -eu

objdir=${1:?usage: tools/check-layers.sh OBJDIR}
rules=$(mktemp)
defs=$(mktemp)
undefs=$(mktemp)
trap 'rm -f "$rules" "$defs" "$undefs"' EXIT

# "folder allowed..." lines, from the table rows "| `folder` | `a` `b` |".
sed -n '/<!-- layers: begin -->/,/<!-- layers: end -->/p' docs/architecture.md |
	grep '^| `' | tr -d '`|' | sed 's/—//; s/  */ /g; s/^ //' >"$rules"
[ -s "$rules" ] || { echo "check-layers: no rule table in docs/architecture.md" >&2; exit 2; }

bad=0
folders=$(cut -d' ' -f1 "$rules")

# Includes: every "src:#include "x"" line of the checked folders' sources,
# judged in one awk.  The folder a path belongs to is the longest folder
# of the table that prefixes it; a file's own folder is the one it was
# found in.
srcs=$(for f in $folders; do find "$f" -maxdepth 1 -name '*.[ch]'; done | sort)
if [ -n "$srcs" ]; then
	# shellcheck disable=SC2086
	grep -H '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' $srcs >"$undefs" || true
	if ! awk 'FILENAME == ARGV[1] { dirs[$1] = 1; for (i = 2; i <= NF; i++) ok[$1 " " $i] = 1; next }
		function folder_of(p,   d, best) {
			best = ""
			for (d in dirs)
				if (index(p, d "/") == 1 && length(d) > length(best))
					best = d
			return best
		}
		{
			src = $0; sub(/:.*/, "", src)
			inc = $0; sub(/^[^"]*"/, "", inc); sub(/".*/, "", inc)
			from = src; sub(/\/[^\/]*$/, "", from)
			target = index(inc, "/") ? inc : from "/" inc
			to = folder_of(target)
			if (to == "" || to == from || ((from " " to) in ok))
				next
			printf "check-layers: %s includes %s: %s may not use %s\n", src, inc, from, to
			bad = 1
		}
		END { exit bad }' "$rules" "$undefs" >&2; then
		bad=1
	fi
	: >"$undefs"
fi

# symbol -> folder of the object that defines it, and every symbol each
# object needs; one awk joins them against the rules.
for f in $folders; do
	[ -d "$objdir/$f" ] || continue
	set -- "$objdir/$f"/*.o
	[ -e "$1" ] || continue
	# -A: each line starts "object.o: ", which names the caller below
	nm -A -P --defined-only "$@" | awk -v f="$f" '$3 ~ /^[TDRBCV]$/ { print $2, f }' >>"$defs"
	nm -A -P -u "$@" | awk -v f="$f" '{ o = $1; sub(/:$/, "", o); print $2, f, o }' >>"$undefs"
done
if ! awk 'FILENAME == ARGV[1] { for (i = 2; i <= NF; i++) ok[$1 " " $i] = 1; next }
	FILENAME == ARGV[2] { def[$1] = $2; next }
	{
		to = def[$1]
		if (to == "" || to == $2 || ((($2 " " to) in ok)))
			next
		printf "check-layers: %s calls %s, from %s: %s may not use %s\n", $3, $1, to, $2, to
		bad = 1
	}
	END { exit bad }' "$rules" "$defs" "$undefs" >&2; then
	bad=1
fi

[ "$bad" -eq 0 ] && echo "check-layers: every include and call goes down the layers"
exit "$bad"
