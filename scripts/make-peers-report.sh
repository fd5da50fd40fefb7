#!/usr/bin/env bash
# Regenerates reports/peers/results.{md,csv,json,html} (never edit them by hand): our
# strongest coders (cm -9, ppm -9, bwt -9, lz77 -9) beside the strongest programs of
# their classes that install here, on the Canterbury, Calgary and large corpora, each
# file coded whole: zpaq -m5 (issue 21's peer), 7-Zip's PPMd at order 16 with 256 MB
# (issue 22's PPM peer) and brotli -11 (its LZ77 peer) as processes, xz -9e and bzip2 -9
# linked. The programs' sizes are their output files: zpaq's and 7-Zip's archives carry
# a few hundred and about 115 bytes of headers per file. Their speeds include process
# start-up; ours run in a fresh process per file (--isolate) so their peak memory is
# measured too. scripts/setup.sh installs zpaq, 7zip and brotli.
# Takes about 10 minutes on 2 cores (cm -9 and zpaq -m5 run at about 0.5 MB/s).
# Usage: scripts/make-peers-report.sh     (from anywhere; builds in release mode)
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in zpaq 7zz brotli; do
    command -v "$tool" >/dev/null || { echo "make-peers-report: $tool is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
done
swift build -c release --product squeeze >/dev/null
mkdir -p reports/peers
.build/release/squeeze compare corpora/canterbury corpora/calgary corpora/large \
    --algos cm:9,ppm:9,bwt:9,lz77:9 --baselines xz:9e,bzip2:9 \
    --external 'zpaq-m5=zpaq a {out}.zpaq {in} -m5 >/dev/null && mv {out}.zpaq {out}'::'d=$(mktemp -d) && ln -s {in} "$d/a.zpaq" && zpaq x "$d/a.zpaq" -to "$d/o" >/dev/null && mv "$(find "$d/o" -type f)" {out} && rm -rf "$d"' \
    --external 'ppmd-o16=7zz a -bd -y -mmt1 -t7z -m0=PPMd:o=16:mem=256m {out}.7z {in} >/dev/null && mv {out}.7z {out}'::'7zz e -so {in} > {out}' \
    --external 'brotli-11=brotli -q 11 -c {in} > {out}'::'brotli -d -c {in} > {out}' \
    --isolate -o reports/peers
echo "wrote reports/peers/results.md, results.csv, results.json and results.html"
