#!/bin/sh
# kit.sh — write a lab kit: the folder a student starts the malloc lab from
# (docs/labs/lab1-allocators.md).  `make lab-kit` and lab/install.sh call it.
#
#   lab/kit.sh OUT MMLAB INCLUDE TRACES TEMPLATE
#
# OUT gets my_alloc.c (the template plug-in), a Makefile that builds it
# against INCLUDE (the folder holding allocators/allocator.h; pkg-config's
# mmlab-plugin when installed), the trace set copied from TRACES, and
# README with the grading command; MMLAB is the mmlab the Makefile runs.
set -eu
out=$1 mmlab=$2 include=$3 traces=$4 template=$5
mkdir -p "$out/traces"
cp "$template" "$out/my_alloc.c"
cp "$traces"/* "$out/traces/"
here=$(dirname "$0")
sed -e "s|@MMLAB@|$mmlab|g" -e "s|@INCLUDE@|$include|g" "$here/kit/Makefile.in" >"$out/Makefile"
cp "$here/kit/README.md" "$out/README.md"
