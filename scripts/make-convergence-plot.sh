#!/usr/bin/env bash
# Regenerates docs/estimate-convergence.svg and docs/estimate-convergence.md:
# `squeeze estimate --convergence` runs every estimator (match length, block
# entropy, adaptive order-k, PPM-D order 5, CTW depth 3, the LZ78 parse,
# the empirical H5, and our ppm codec at its strongest level) on the synthetic
# sources of `squeeze generate` (seed 42) at
# n = 2^10 ... 2^20 and plots estimate minus the exact entropy rate; the figures
# go to the Markdown file. Then checks that the SVG renders in headless Chromium
# (skipped with a note if absent). Never edit the outputs by hand.
# Usage: scripts/make-convergence-plot.sh     (from anywhere; builds in release mode)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product squeeze >/dev/null
.build/release/squeeze estimate -q --convergence docs/estimate-convergence.svg > docs/estimate-convergence.md
echo "wrote docs/estimate-convergence.svg and docs/estimate-convergence.md"
if command -v chromium >/dev/null 2>&1; then
    scripts/check-svg-renders.sh docs/estimate-convergence.svg
else
    echo "note: chromium not installed, SVG render check skipped (apt-get install -y chromium)"
fi
