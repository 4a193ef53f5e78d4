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

# The checked folder a path belongs to: the longest folder of the table
# that prefixes it, or nothing.
folder_of() {
	awk -v p="$1" '{ if (index(p, $1 "/") == 1 && length($1) > length(best)) best = $1 }
		END { print best }' "$rules"
}

allowed() { # allowed FROM TO
	[ "$1" = "$2" ] && return 0
	awk -v f="$1" -v t="$2" '$1 == f { for (i = 2; i <= NF; i++) if ($i == t) ok = 1 }
		END { exit !ok }' "$rules"
}

bad=0
folders=$(cut -d' ' -f1 "$rules")

for f in $folders; do
	for src in $(find "$f" -maxdepth 1 -name '*.[ch]' | sort); do
		for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$src"); do
			case $inc in
			*/*) target=$inc ;;
			*) target=$(dirname "$src")/$inc ;;
			esac
			to=$(folder_of "$target")
			[ -n "$to" ] || continue
			if ! allowed "$f" "$to"; then
				echo "check-layers: $src includes $inc: $f may not use $to" >&2
				bad=1
			fi
		done
	done
done

# symbol -> folder of the object that defines it, and every symbol each
# object needs; one awk joins them against the rules.
for f in $folders; do
	[ -d "$objdir/$f" ] || continue
	for o in "$objdir/$f"/*.o; do
		[ -e "$o" ] || continue
		nm -P --defined-only "$o" | awk -v f="$f" '$2 ~ /^[TDRBCV]$/ { print $1, f }' >>"$defs"
		nm -P -u "$o" | awk -v f="$f" -v o="$o" '{ print $1, f, o }' >>"$undefs"
	done
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
