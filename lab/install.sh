#!/bin/sh
# install.sh — `make install`: mmlab, its shims, man page, plug-in header,
# pkg-config file, the lab traces and a lab kit, under one prefix.
#
#   lab/install.sh DEST PREFIX OBJDIR SHIMDIR LABDIR
#
# DEST is where files go (DESTDIR + PREFIX); PREFIX is what the pkg-config
# file names.  Layout: PREFIX/lib/mmlab/bin/mmlab (bin/mmlab links to it,
# so mmlab finds its shims in lib/mmlab/shims and its traces in
# share/mmlab/traces/lab), include/mmlab/allocators/allocator.h,
# lib/pkgconfig/mmlab-plugin.pc, share/man/man1/mmlab.1,
# share/mmlab/lab-kit.
set -eu
dest=$1 prefix=$2 obj=$3 shims=$4 labdir=$5
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^#define MMLAB_VERSION "\(.*\)"/\1/p' "$top/runtime/stats/version.h")
install -d "$dest/bin" "$dest/lib/mmlab/bin" "$dest/lib/mmlab/shims" \
	"$dest/include/mmlab/allocators" "$dest/lib/pkgconfig" "$dest/share/man/man1" \
	"$dest/share/mmlab/traces/lab" "$dest/share/mmlab/examples"
install -m 755 "$obj/mmlab" "$dest/lib/mmlab/bin/mmlab"
ln -sf ../lib/mmlab/bin/mmlab "$dest/bin/mmlab"
for f in "$shims"/*.so; do
	if [ -L "$f" ]; then cp -P "$f" "$dest/lib/mmlab/shims/"; else install -m 755 "$f" "$dest/lib/mmlab/shims/"; fi
done
install -m 755 "$labdir/mmlab-record.so" "$dest/lib/mmlab/shims/mmlab-record.so"
install -m 644 "$top/allocators/allocator.h" "$dest/include/mmlab/allocators/allocator.h"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" "$top/lab/mmlab-plugin.pc.in" \
	>"$dest/lib/pkgconfig/mmlab-plugin.pc"
install -m 644 "$top/docs/mmlab.1" "$dest/share/man/man1/mmlab.1"
install -m 644 "$top"/lab/traces/* "$dest/share/mmlab/traces/lab/"
install -m 644 "$top/examples/plugin/example_alloc.c" "$dest/share/mmlab/examples/example_alloc.c"
rm -rf "$dest/share/mmlab/lab-kit"
"$top/lab/kit.sh" "$dest/share/mmlab/lab-kit" "$prefix/bin/mmlab" "$prefix/include/mmlab" \
	"$top/lab/traces" "$top/examples/plugin/example_alloc.c"
echo "installed mmlab $version under $dest"
