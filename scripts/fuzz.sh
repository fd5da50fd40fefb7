#!/bin/sh
# Fuzzes every decoder and the .sqz reader with libFuzzer for a bounded time
# (default 90 s; first argument to change it). Builds the SqueezeFuzz target
# twice: normally, to write seed streams of every codec, and with
# -sanitize=fuzzer into .build-fuzz. A crash, a hang over 10 s, a wrong output
# size or more than 2.5 GB of memory fails the run; the input that did it is
# left in .build-fuzz/ (replay it with .build/release/SqueezeFuzz FILE).
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-90}
swift build -c release --product SqueezeFuzz
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
.build/release/SqueezeFuzz --seeds "$seeds"
swift build -c release --build-path .build-fuzz --product SqueezeFuzz \
    -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING
mkdir -p .build-fuzz/corpus
.build-fuzz/release/SqueezeFuzz -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -max_len=70000 \
    -print_final_stats=1 -artifact_prefix=.build-fuzz/ .build-fuzz/corpus "$seeds"
