#!/usr/bin/env bash
# Regenerates reports/estimate-canterbury.md and reports/estimate-canterbury.svg:
# `squeeze estimate` on every Canterbury file, with --compare (every codec of the
# registry but store, ours and the system baselines, each at its strongest
# level), then checks that the SVG renders in headless Chromium (skipped with a
# note if absent). Tests/CLITests/EstimateCLITests.swift (committedReportIsCurrent)
# fails when the committed report no longer matches what the code computes.
# Usage: scripts/make-estimate-report.sh     (from anywhere; builds in release mode)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product squeeze >/dev/null
mkdir -p reports
# --generated-by puts the provenance line in the report; a plain --markdown run does not claim it.
.build/release/squeeze estimate --format markdown --compare --generated-by scripts/make-estimate-report.sh \
    --plot reports/estimate-canterbury.svg --plot-link estimate-canterbury.svg \
    corpora/canterbury/* > reports/estimate-canterbury.md
echo "wrote reports/estimate-canterbury.md and reports/estimate-canterbury.svg"
if command -v chromium >/dev/null 2>&1; then
    scripts/check-svg-renders.sh reports/estimate-canterbury.svg
else
    echo "note: chromium not installed, SVG render check skipped (apt-get install -y chromium)"
fi
