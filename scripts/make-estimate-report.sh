#!/usr/bin/env bash
# Regenerates reports/estimate-canterbury.md and reports/estimate-canterbury.svg:
# `squeeze estimate` on every Canterbury file, with --compare (every registered
# codec, ours and the system baselines, at its strongest level), then checks
# that the SVG renders in headless Chromium (skipped with a note if absent).
# Usage: scripts/make-estimate-report.sh     (from anywhere; builds in release mode)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product squeeze >/dev/null
mkdir -p reports
.build/release/squeeze estimate --markdown --compare \
    --plot reports/estimate-canterbury.svg --plot-link estimate-canterbury.svg \
    corpora/canterbury/* > reports/estimate-canterbury.md
echo "wrote reports/estimate-canterbury.md and reports/estimate-canterbury.svg"
if command -v chromium >/dev/null 2>&1; then
    scripts/check-svg-renders.sh reports/estimate-canterbury.svg
else
    echo "note: chromium not installed, SVG render check skipped (apt-get install -y chromium)"
fi
