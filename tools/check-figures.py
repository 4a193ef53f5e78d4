#!/usr/bin/env python3
"""check-figures.py — the sampled split against callgrind's exact costs.

For each model, binary-trees at one depth: callgrind counts the
instructions of every function while the workload's entry runs, and each
function's self cost goes to a bucket by its object and source file (the
rules of docs/metrics.md, applied here independently of mmlab's own
classifier, runtime/session/split.c); mmlab's sampled split comes from
normal runs at the same depth.  The memory-management share (allocator +
model + collector) of the time that is not the probes' own must agree
within the tolerance, in percentage points.  The probes are left out on
both sides because their cost is mostly clock reads and signals, cheap in
instructions and dear in time.

usage: check-figures.py MMLAB [--depth N] [--runs K] [--tolerance P] [--models a,b]
Exit status: 0 all agree, 1 a share differs by more, 2 a tool failed.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

BUCKETS = ["mutator", "allocator", "model", "collector", "probes"]
MM = ["allocator", "model", "collector"]
SUBTREE_FREE = re.compile(r"_free_(manual|rc|gc|own|own_unchecked)$")
MALLOC_FIGURES = {"mallinfo", "mallinfo2", "int_mallinfo", "malloc_info", "malloc_stats"}
OS_MEMORY = {"mmap", "munmap", "brk", "sbrk", "madvise", "mremap", "__mmap", "__munmap",
             "__brk", "__sbrk", "__madvise", "__mremap", "mmap64"}


def bucket(ob, fl, fn):
    """The bucket of a function: by object, then by its source file."""
    base = os.path.basename(ob)
    if "vdso" in base:
        return "probes"
    if base.startswith("libgc."):
        return "collector"
    if any(a in base for a in ("jemalloc", "mimalloc", "tcmalloc")):
        return "allocator"
    if base.startswith("libc.so"):
        if fn in MALLOC_FIGURES:
            return "probes"
        if "/malloc/" in fl or fn in OS_MEMORY:
            return "allocator"
        return "mutator"
    if SUBTREE_FREE.search(fn or ""):
        return "model"
    if "/allocators/" in fl:
        return "allocator"
    if "/runtime/models/" in fl or "/runtime/api/" in fl:
        return "model"
    if "/runtime/probes/" in fl or "/runtime/session/" in fl:
        return "probes"
    return "mutator"


def parse(path):
    """Self cost (Ir) per bucket from a callgrind.out file."""
    names = {"ob": {}, "fl": {}, "fn": {}}
    cur = {"ob": "", "fl": "", "fn": ""}
    fn_file = ""
    cost = {b: [0, 0] for b in BUCKETS}  # instructions, estimated cycles
    col = {}
    here = "mutator"
    skip_next = False
    spec = re.compile(r"^(ob|fl|fn|fi|fe|cob|cfi|cfl|cfn)=(?:\((\d+)\))?\s*(.*)$")
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = spec.match(line)
            if m:
                key, ident, name = m.group(1), m.group(2), m.group(3)
                table = {"cob": "ob", "cfi": "fl", "cfl": "fl", "cfn": "fn", "fi": "fl",
                         "fe": "fl"}.get(key, key)
                if ident is not None:
                    if name:
                        names[table][ident] = name
                    name = names[table].get(ident, "")
                if key in ("ob", "fl", "fn"):
                    cur[key] = name
                    if key == "fl":
                        fn_file = name
                    if key == "fn":
                        here = bucket(cur["ob"], fn_file, name)
                continue
            if line.startswith("events:"):
                col = {e: i for i, e in enumerate(line.split()[1:])}
                continue
            if line.startswith("calls="):
                skip_next = True
                continue
            if line[:1].isdigit() or line[:1] in "+-*":
                if skip_next:
                    skip_next = False
                    continue
                v = [int(x) for x in line.split()[1:]]
                v += [0] * (len(col) - len(v))
                if v:
                    cost[here][0] += v[0]
                    cost[here][1] += cycles(v, col)
    return cost


def cycles(v, col):
    """KCachegrind's cycle estimate: an L1 miss 10, a last-level miss 100,
    a mispredicted branch 10 cycles, an instruction 1."""
    def e(name):
        return v[col[name]] if name in col else 0
    return (e("Ir") + 10 * (e("I1mr") + e("D1mr") + e("D1mw") + e("Bcm") + e("Bim")) +
            100 * (e("ILmr") + e("DLmr") + e("DLmw")))


def callgrind(mmlab, model, depth, tmp):
    out = os.path.join(tmp, "cg.%s.%%p" % model)
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
           "--cache-sim=yes", "--branch-sim=yes",
           "--toggle-collect=binary_trees_entry*", mmlab, "run", "-q", "-m", model,
           "-p", "depth=%d" % depth]
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("check-figures: callgrind failed for %s:\n%s" % (model, r.stderr[-2000:]))
    best = None
    for path in glob.glob(out.replace("%p", "*")):
        c = parse(path)
        if sum(x[0] for x in c.values()) and (
                best is None or sum(x[0] for x in c.values()) > sum(x[0] for x in best.values())):
            best = c
    if best is None:
        sys.exit("check-figures: callgrind recorded nothing for %s" % model)
    return best


def sampled(mmlab, model, depth, runs):
    counts = dict.fromkeys(BUCKETS, 0.0)
    total = 0
    for _ in range(runs):
        r = subprocess.run([mmlab, "run", "-m", model, "-p", "depth=%d" % depth, "--json", "-"],
                           stdout=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.exit("check-figures: mmlab run -m %s failed" % model)
        res = json.loads(r.stdout)["results"]
        n = res.get("split_samples")
        if not n:
            sys.exit("check-figures: no sampled split in the %s run" % model)
        for b in BUCKETS:
            counts[b] += res[b + "_share"] * n
        total += n
    return {b: counts[b] / total for b in BUCKETS}, total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mmlab")
    ap.add_argument("--depth", type=int, default=14)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--tolerance", type=float, default=5.0)
    ap.add_argument("--models", default="manual,rc,gc,own")
    a = ap.parse_args()
    bad = 0
    print("binary-trees depth %d: memory management's share of mutator + memory management"
          % a.depth)
    print("callgrind: instructions, and estimated cycles (checked); sampled: %d runs" % a.runs)
    print("%-7s %8s %8s %8s %7s   %s" % ("model", "instr", "cycles", "sampled", "diff",
                                        "buckets, % of all: cycles/sampled"))
    with tempfile.TemporaryDirectory() as tmp:
        for model in a.models.split(","):
            cg = callgrind(a.mmlab, model, a.depth, tmp)
            share = []
            for k in (0, 1):
                tot = sum(x[k] for x in cg.values())
                share.append((100.0 * sum(cg[b][k] for b in MM) / (tot - cg["probes"][k]),
                              {b: 100.0 * cg[b][k] / tot for b in BUCKETS}))
            sh, n = sampled(a.mmlab, model, a.depth, a.runs)
            s_mm = 100.0 * sum(sh[b] for b in MM) / (1.0 - sh["probes"])
            diff = s_mm - share[1][0]
            ok = abs(diff) <= a.tolerance
            bad += not ok
            detail = " ".join("%s %.1f/%.1f" % (b, share[1][1][b], 100.0 * sh[b])
                              for b in BUCKETS)
            print("%-7s %7.1f%% %7.1f%% %7.1f%% %+6.1f%s  %s (%d samples)" %
                  (model, share[0][0], share[1][0], s_mm, diff, "" if ok else " !", detail, n))
    if bad:
        print("check-figures: %d model(s) off by more than %.1f points" % (bad, a.tolerance))
        return 1
    print("check-figures: every model within %.1f points" % a.tolerance)
    return 0


if __name__ == "__main__":
    sys.exit(main())
