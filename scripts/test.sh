#!/bin/sh
# Every check CI runs, in release mode, in order of how fast they fail:
# the test suites (round trips of every codec on every corpus file, ratio
# floors, decoders on damaged data, the CLI through the real binary), the
# fuzzers (plain and AddressSanitizer builds), the example packages, the DocC
# build, and the HTML pages (explain, leaderboard) in headless Chromium.
# Run scripts/setup.sh first: it installs what these need.
set -eu
cd "$(dirname "$0")/.."
# Each step's start, with the minutes and seconds since the first, so a slow step shows in CI's log.
started=$(date +%s)
step() {
    elapsed=$(( $(date +%s) - started ))
    printf '\n== %s (at %dm%02ds)\n' "$*" $((elapsed / 60)) $((elapsed % 60)) >&2
}
# One release build, with testing enabled, serves every step: the test suites, the fuzzer's
# seed writer, the examples' and the HTML checks' squeeze, and the documentation. Every
# step builds with the same flags (SQUEEZE_BUILD_FLAGS), so nothing is compiled twice.
# (`swift test -c release` alone would enable testing itself, and a later plain
# `swift build -c release` would then recompile every module without it.)
SQUEEZE_BUILD_FLAGS="-Xswiftc -enable-testing"
SQUEEZE=$(pwd)/.build/release/squeeze
export SQUEEZE_BUILD_FLAGS SQUEEZE
# shellcheck disable=SC2086 # the flags are split on purpose
step "release build with the tests"; swift build -c release --build-tests $SQUEEZE_BUILD_FLAGS
step "tests";                        swift test -c release --skip-build
step "fuzzing";                      scripts/fuzz.sh
step "example packages";             scripts/check-examples.sh
step "API documentation";            scripts/build-docs.sh
step "explain pages in Chromium";    scripts/check-explain-html.sh
step "leaderboard page in Chromium"; scripts/check-leaderboard-renders.sh
step "done"
