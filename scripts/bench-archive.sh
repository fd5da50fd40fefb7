#!/bin/sh
# Archive figures of issue #18 on this machine: `squeeze bench archive`
# (Sources/Bench/ArchiveBenchmark.swift), from the release build. On the
# Canterbury and Calgary corpora as one tree, for lz77 -6, bwt -5 and ppm -5:
# archive size against GNU tar | squeeze -c, and one-member extraction against
# a full decode. Options pass through: -B SIZE (block size on the corpora tree,
# default 256K), --large SIZE (also a generated tree of SIZE: create, extract,
# extract one member, wall time and peak RSS against 4 x block x threads + 64 MiB;
# 1G takes several minutes), -T N (threads of those runs, default 2).
# Usage: scripts/bench-archive.sh [-B SIZE] [--large SIZE] [-T N]
set -eu
sq=$(pwd)/.build/release/squeeze
[ -x "$sq" ] || { echo "build first: swift build -c release" >&2; exit 1; }
exec "$sq" bench archive "$@"
