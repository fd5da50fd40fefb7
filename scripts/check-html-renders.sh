#!/usr/bin/env bash
# Checks that a report page renders in headless Chromium: the page loads, every
# inline SVG chart lays out with a non-zero size and draws shapes, and a PNG
# screenshot is written to $OUT (default /tmp) to look at.
# Usage: scripts/check-html-renders.sh reports/results.html…   (needs: apt-get install -y chromium)
set -euo pipefail
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
if [ -z "$CHROMIUM" ]; then echo "check-html-renders: chromium not found (apt-get install -y chromium)" >&2; exit 2; fi
OUT=${OUT:-/tmp}
status=0
for page in "$@"; do
    work=$(mktemp -d)
    # The page itself, plus a script that reports what was laid out into the title.
    sed 's:</body>:<script>window.addEventListener("load",()=>{const s=[...document.querySelectorAll("svg")];const ok=s.filter(e=>{const r=e.getBoundingClientRect();return r.width>50\&\&r.height>50\&\&e.querySelectorAll("rect,circle,line,polyline").length>3});document.title="svgs "+s.length+" drawn "+ok.length+" tables "+document.querySelectorAll("table").length;});</script></body>:' \
        "$page" > "$work/page.html"
    title=$(timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --virtual-time-budget=5000 \
        --dump-dom "file://$work/page.html" 2>/dev/null | sed -n 's:.*<title>\(svgs[^<]*\)</title>.*:\1:p')
    png="$OUT/$(basename "${page%.html}").png"
    timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,2400 \
        --screenshot="$png" "file://$(realpath "$page")" >/dev/null 2>&1 || true
    rm -rf "$work"
    svgs=$(echo "$title" | sed -n 's/svgs \([0-9]*\) drawn.*/\1/p')
    drawn=$(echo "$title" | sed -n 's/.*drawn \([0-9]*\) .*/\1/p')
    if [ -n "$svgs" ] && [ "$svgs" -gt 0 ] && [ "$svgs" = "$drawn" ]; then
        echo "ok   $page: $title (screenshot $png)"
    else
        echo "FAIL $page: ${title:-no result from chromium}"; status=1
    fi
done
exit $status
