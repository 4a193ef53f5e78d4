#!/bin/sh
# deps.sh — make sure the Debian packages mmlab builds against are installed.
#
# One list, PACKAGES, of "check:package" pairs: a pkg-config module, a header
# or a command that proves the package is there.  As root, missing packages
# are installed with apt-get; otherwise the exact command is printed and the
# script fails, so `make` stops before compiling anything.
set -eu

PACKAGES="
pc:bdw-gc:libgc-dev
pc:jemalloc:libjemalloc-dev
hdr:mimalloc.h:libmimalloc-dev
pc:libtcmalloc_minimal:libgoogle-perftools-dev
pc:cmocka:libcmocka-dev
cmd:pkg-config:pkg-config
"

missing=""
for entry in $PACKAGES; do
	kind=${entry%%:*}
	rest=${entry#*:}
	what=${rest%%:*}
	pkg=${rest#*:}
	case $kind in
	pc) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$what" && continue ;;
	hdr) [ -f "/usr/include/$what" ] && continue ;;
	cmd) command -v "$what" >/dev/null 2>&1 && continue ;;
	esac
	missing="$missing $pkg"
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "mmlab: missing Debian packages:$missing" >&2
	echo "mmlab: install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "mmlab: installing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
