#!/bin/sh
# Fuzzes every decoder, the .sqz and foreign-format readers, and the encode/decode
# round trip with libFuzzer for a bounded time (default 90 s; first argument to
# change it). Builds the SqueezeFuzz target three times: normally, to write the
# seeds, with -sanitize=fuzzer into .build-fuzz, and with -sanitize=fuzzer,address
# into .build-fuzz-asan. The two fuzzers run side by side (one core each), each for
# the whole time. A crash, an ASan report, a hang over 10 s, a wrong output or more
# than 2.5 GB of memory fails the run; the input that did it is left in
# .build-fuzz/ or .build-fuzz-asan/ (replay it with .build/release/SqueezeFuzz FILE).
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-90}
start=$(date +%s)
# shellcheck disable=SC2086 # SQUEEZE_BUILD_FLAGS: the test command's flags, so its build is reused
swift build -c release ${SQUEEZE_BUILD_FLAGS:-} --product SqueezeFuzz
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
.build/release/SqueezeFuzz --seeds "$seeds"
# Seeds by target: byte 0 is 255 for a frame, 254 for a foreign file, 253 for a round trip,
# 252 for an archive index.
count_units() { # directory, selector (byte 0 of every file at once: one head, not one per file)
    find "$1" -type f -exec head -qc1 {} + | od -An -tu1 -v | tr -s ' ' '\n' | grep -cx "$2" || true
}
total=$(ls "$seeds" | wc -l)
echo "fuzz.sh: $total seeds: $(count_units "$seeds" 255) container, $(count_units "$seeds" 254) foreign," \
     "$(count_units "$seeds" 253) round-trip, $(count_units "$seeds" 252) archive index, $(count_units "$seeds" 251) long-range, the rest codec payloads"
swift build -c release --build-path .build-fuzz --product SqueezeFuzz \
    -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING
swift build -c release --build-path .build-fuzz-asan --product SqueezeFuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
echo "fuzz.sh: builds done after $(( $(date +%s) - start )) s; fuzzing for $seconds s"
run() { # build directory
    mkdir -p "$1/corpus"
    ASAN_OPTIONS=detect_leaks=0 "$1/release/SqueezeFuzz" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2560 -max_len=70000 -print_final_stats=1 -artifact_prefix="$1/" \
        "$1/corpus" "$seeds" > "$1/fuzz.log" 2>&1
}
status=0
run .build-fuzz & plain=$!
run .build-fuzz-asan & asan=$!
wait "$plain" || { status=1; failed=.build-fuzz; }
wait "$asan" || { status=1; failed="${failed:-} .build-fuzz-asan"; }
for dir in .build-fuzz .build-fuzz-asan; do
    echo "== $dir/fuzz.log (seed corpus, final stats):"
    grep -E "seed corpus|INITED|stat::" "$dir/fuzz.log" || true
    # Units the fuzzer kept because they reached new code, by target: the round trip runs if it has any.
    echo "corpus: $(ls "$dir/corpus" | wc -l) units, $(count_units "$dir/corpus" 255) container," \
         "$(count_units "$dir/corpus" 254) foreign, $(count_units "$dir/corpus" 253) round-trip," \
         "$(count_units "$dir/corpus" 252) archive index"
done
for dir in ${failed:-}; do
    echo "== $dir/fuzz.log (end):"
    tail -40 "$dir/fuzz.log"
done
echo "fuzz.sh: finished in $(( $(date +%s) - start )) s"
[ "$status" -eq 0 ] || { echo "fuzz.sh: a fuzzer failed (see the logs above)"; exit 1; }
