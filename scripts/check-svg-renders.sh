#!/usr/bin/env bash
# Checks that SVG files render in a browser: each must parse as XML, load as an
# image in headless Chromium (naturalWidth > 0) and paint a non-trivial number
# of non-white pixels. Writes a PNG screenshot beside each SVG in $OUT (default /tmp).
# Usage: scripts/check-svg-renders.sh FILE.svg…   (needs: apt-get install -y chromium)
set -euo pipefail
. "$(dirname "$0")/lib/chromium.sh"
find_chromium check-svg-renders
OUT=${OUT:-/tmp}
status=0
for svg in "$@"; do
    python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); sys.exit(0 if r.tag.endswith("svg") else 1)' "$svg" \
        || { echo "FAIL $svg: not well-formed SVG XML"; status=1; continue; }
    work=$(mktemp -d)
    b64=$(base64 -w0 "$svg")
    cat > "$work/check.html" <<HTML
<!doctype html><html><head><title>pending</title></head><body>
<script>
const img = new Image();
img.onload = () => {
  const c = document.createElement('canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext('2d'); g.fillStyle = 'white'; g.fillRect(0, 0, c.width, c.height); g.drawImage(img, 0, 0);
  let ink = 0;
  try {
    const d = g.getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i+1] < 200 || d[i+2] < 200) ink++;
    document.title = 'rendered ' + img.naturalWidth + 'x' + img.naturalHeight + ' ink ' + ink;
  } catch (e) { document.title = 'rendered ' + img.naturalWidth + 'x' + img.naturalHeight + ' ink unknown'; }
};
img.onerror = () => { document.title = 'broken'; };
img.src = 'data:image/svg+xml;base64,$b64';
</script></body></html>
HTML
    title=$(timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --virtual-time-budget=5000 \
        --dump-dom "file://$work/check.html" 2>/dev/null | sed -n 's:.*<title>\(.*\)</title>.*:\1:p')
    png="$OUT/$(basename "${svg%.svg}").png"
    timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,1400 \
        --screenshot="$png" "file://$(realpath "$svg")" >/dev/null 2>&1 || true
    rm -rf "$work"
    ink=$(echo "$title" | sed -n 's/.*ink \([0-9]*\).*/\1/p')
    if [[ "$title" == rendered* ]] && [ -n "$ink" ] && [ "$ink" -gt 2000 ]; then
        echo "ok   $svg: $title (screenshot $png)"
    else
        echo "FAIL $svg: ${title:-no result from chromium}"; status=1
    fi
done
exit $status
