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
step "release build";                swift build -c release
step "tests";                        swift test -c release
step "fuzzing";                      scripts/fuzz.sh
step "example packages";             scripts/check-examples.sh
step "API documentation";            scripts/build-docs.sh
step "explain pages in Chromium";    scripts/check-explain-html.sh
step "leaderboard page in Chromium"; scripts/check-leaderboard-renders.sh
step "done"
