#!/bin/sh
# deps.sh — make sure the Debian packages mmlab builds against are installed.
#
# One list, PACKAGES, of "check:package" pairs: a pkg-config module, a header,
# a command or an installed Debian package that proves the package is there.
# libc6-dbg gives glibc's internal functions (_int_malloc, _int_free) their
# names, which the sampled split needs to tell malloc's time from the
# workload's (docs/metrics.md); clang is the borrow checker (docs/ownership.md).  As root, missing packages
# are installed with apt-get; otherwise the exact command is printed and the
# script fails, so `make` stops before compiling anything.
set -eu

PACKAGES="
pc:bdw-gc:libgc-dev
pc:jemalloc:libjemalloc-dev
hdr:mimalloc.h:libmimalloc-dev
pc:libtcmalloc_minimal:libgoogle-perftools-dev
pc:cmocka:libcmocka-dev
pc:jansson:libjansson-dev
cmd:pkg-config:pkg-config
cmd:clang:clang
deb:libc6-dbg:libc6-dbg
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
	deb) dpkg-query -W -f='${Status}' "$what" 2>/dev/null | grep -q 'ok installed' && continue ;;
	esac
	missing="$missing $pkg"
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "mmlab: missing Debian packages:$missing" >&2
	echo "mmlab: install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
# apt_get ARGS: apt-get, waiting while another apt or dpkg holds its lock
# (common on a fresh machine, where unattended upgrades run at boot), for
# up to MMLAB_APT_WAIT seconds (default 600), looking again every
# MMLAB_APT_RETRY seconds (default 5).  Any other failure stops at once.
apt_get() {
	waited=0
	while :; do
		if out=$(apt-get -o DPkg::Lock::Timeout=0 "$@" 2>&1); then
			[ -n "$out" ] && printf '%s\n' "$out" >&2
			return 0
		fi
		case $out in
		*"Could not get lock"* | *"Unable to acquire the dpkg frontend lock"* | \
		*"Unable to lock directory"*) ;;
		*)
			printf '%s\n' "$out" >&2
			return 1
			;;
		esac
		if [ "$waited" -ge "${MMLAB_APT_WAIT:-600}" ]; then
			printf '%s\n' "$out" >&2
			echo "mmlab: another apt still holds its lock after ${waited} s; try again later" >&2
			return 1
		fi
		[ "$waited" -eq 0 ] && echo "mmlab: another apt or dpkg holds its lock; waiting for it" >&2
		sleep "${MMLAB_APT_RETRY:-5}"
		waited=$((waited + ${MMLAB_APT_RETRY:-5}))
		[ "${MMLAB_APT_RETRY:-5}" -eq 0 ] && waited=$((waited + 1))
	done
}

echo "mmlab: installing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt_get update -qq
# shellcheck disable=SC2086
apt_get install -y -qq --no-install-recommends $missing
