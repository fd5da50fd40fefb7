#!/usr/bin/env bash
# Grades the fixture submissions (Tests/GradeTests/Fixtures/submissions: good, slow,
# crashing, wrong, hanging, memory hog, no-build, writes-outside, a Swift package) on a
# small corpus, writes the leaderboard, and checks the page in headless Chromium with
# scripts/check-html-renders.sh (every chart drawn, no overlapping labels; screenshot in $OUT).
# Usage: scripts/check-leaderboard-renders.sh [path/to/squeeze]   (default: .build/release or .build/debug)
# Needs bubblewrap (scripts/setup.sh installs it) and chromium (installed on demand by the check).
set -euo pipefail
cd "$(dirname "$0")/.."
SQUEEZE=${1:-$( [ -x .build/release/squeeze ] && echo .build/release/squeeze || echo .build/debug/squeeze )}
[ -x "$SQUEEZE" ] || { echo "check-leaderboard-renders: build squeeze first (swift build -c release)" >&2; exit 2; }
SQUEEZE=$(realpath "$SQUEEZE")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
head -c 20000 README.md > "$work/corpus/readme.md"
head -c 12000 "$SQUEEZE" > "$work/corpus/binary.bin"
printf 'abracadabra abracadabra abracadabra' > "$work/corpus/tiny.txt"
"$SQUEEZE" grade Tests/GradeTests/Fixtures/submissions --corpus "$work/corpus" --db "$work/grades.sqlite" \
    --timeout 3 --cpu 2 --memory 256M -j 2 -q
"$SQUEEZE" grade leaderboard --db "$work/grades.sqlite" -o "$work/site"
mkdir -p "${OUT:-/tmp}"
cp "$work/site/leaderboard.html" "${OUT:-/tmp}/leaderboard.html"
scripts/check-html-renders.sh "${OUT:-/tmp}/leaderboard.html"
