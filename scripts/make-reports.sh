#!/usr/bin/env bash
# Regenerates every committed report under reports/ (never edit them by hand):
#   reports/results.{md,csv,json,html}  `squeeze compare` over the bundled corpora, each of
#                                       our codecs in a fresh process per file (--isolate) so
#                                       peak memory is measured;
#   reports/estimate-canterbury.{md,svg} through scripts/make-estimate-report.sh;
#   reports/peers/results.* through scripts/make-peers-report.sh (beside zpaq, 7-Zip PPMd, brotli);
#   and the README's headline table from results.json (scripts/readme-headline.py).
# Then checks that the HTML report renders with no overlapping chart labels (needs chromium).
# Takes about an hour on 2 cores (cm -9 and corpora/mixed); run it on a quiet machine, the speeds are measured.
# Usage: scripts/make-reports.sh     (from anywhere; builds in release mode)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product squeeze >/dev/null
mkdir -p reports
.build/release/squeeze compare corpora/canterbury corpora/calgary corpora/large corpora/mixed --algos all,auto --levels both --isolate -o reports
echo "wrote reports/results.md, results.csv, results.json and results.html"
scripts/readme-headline.py reports/results.json README.md
scripts/make-estimate-report.sh
scripts/make-peers-report.sh
if command -v chromium >/dev/null 2>&1; then
    OUT=${OUT:-/tmp} scripts/check-html-renders.sh reports/results.html
    OUT=${OUT:-/tmp} scripts/check-html-renders.sh reports/peers/results.html
else
    echo "note: chromium not installed, HTML render check skipped (apt-get install -y chromium)"
fi
