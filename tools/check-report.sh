#!/bin/sh
# check-report.sh — render a real mmlab report in headless Chromium and
# fail on an empty render or any console message (the page has no script,
# so any message is an error: a refused resource, a parse error).
#
#   tools/check-report.sh MMLAB OUTDIR
#
# Chromium (Debian's chromium package) is installed when missing, as root;
# otherwise the exact command is printed.  The screenshot is OUTDIR/report.png
# (docs/report.png is one, copied by hand after looking at it).
set -eu
mmlab=$1
out=$2
mkdir -p "$out"

if ! command -v chromium >/dev/null 2>&1; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "check-report: chromium is missing: sudo apt-get install -y chromium" >&2
		exit 1
	fi
	echo "check-report: installing chromium" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends chromium >&2
fi

# a real report: every model on one workload
"$mmlab" matrix -p depth=14 --json "$out/matrix.json" >/dev/null
"$mmlab" report "$out/matrix.json" -o "$out/report.html"

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
 --disable-background-networking --disable-component-update --disable-sync
 --hide-scrollbars --user-data-dir=$profile --enable-logging=stderr --v=0"
rm -f "$out/report.png"
# shellcheck disable=SC2086
timeout 120 chromium $flags --window-size=1100,2600 --screenshot="$out/report.png" \
	"file://$(realpath "$out/report.html")" 2>"$out/chromium.log" >/dev/null || true
# shellcheck disable=SC2086
timeout 120 chromium $flags --dump-dom "file://$(realpath "$out/report.html")" \
	>"$out/dom.html" 2>>"$out/chromium.log" || true

fail=0
if grep -i 'CONSOLE' "$out/chromium.log" >&2; then
	echo "check-report: console messages while rendering (above)" >&2
	fail=1
fi
size=$(stat -c %s "$out/report.png" 2>/dev/null || echo 0)
if [ "$size" -lt 20000 ]; then
	echo "check-report: the screenshot is missing or blank ($size bytes)" >&2
	fail=1
fi
svgs=$(grep -c '<svg' "$out/dom.html" || true)
if [ "$svgs" -lt 4 ] || ! grep -q 'mmlab report' "$out/dom.html"; then
	echo "check-report: the rendered page lacks its title or charts ($svgs svg)" >&2
	fail=1
fi
[ "$fail" -eq 0 ] || exit 1
echo "check-report: $out/report.html renders ($size-byte screenshot, $svgs charts, no console message)"
