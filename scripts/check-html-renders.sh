#!/usr/bin/env bash
# Checks that a report page renders in headless Chromium and reads:
#  - the page loads and every inline SVG chart lays out with a non-zero size and draws shapes;
#  - no two text labels inside one SVG overlap (getBoundingClientRect of every visible
#    <text>, compared pairwise), the failure that made 31-candidate charts unreadable;
#  - where the page has the codec picker, "ours only" hides marks and "all" brings them back;
#  - a PNG screenshot of the whole page is written to $OUT (default /tmp): look at it.
# Usage: scripts/check-html-renders.sh reports/results.html…
# Needs chromium; installs it with apt-get when missing (as root, or through sudo).
set -euo pipefail
. "$(dirname "$0")/lib/chromium.sh"
find_chromium check-html-renders install
OUT=${OUT:-/tmp}
status=0
# Reports what was laid out into the page title: counts, then up to five overlapping label pairs.
read -r -d '' PROBE <<'JS' || true
<script>window.addEventListener("load",()=>{
const svgs=[...document.querySelectorAll("svg")];
const drawn=svgs.filter(e=>{const r=e.getBoundingClientRect();return r.width>50&&r.height>50&&e.querySelectorAll("rect,circle,line,polyline").length>3});
let texts=0;const clashes=[];
svgs.forEach((svg,si)=>{
  const boxes=[...svg.querySelectorAll("text")].map(t=>({t:t.textContent,r:t.getBoundingClientRect()})).filter(b=>b.r.width>0&&b.r.height>0);
  texts+=boxes.length;
  for(let i=0;i<boxes.length;i++)for(let j=i+1;j<boxes.length;j++){
    const a=boxes[i].r,b=boxes[j].r;
    const ox=Math.min(a.right,b.right)-Math.max(a.left,b.left),oy=Math.min(a.bottom,b.bottom)-Math.max(a.top,b.top);
    if(ox>1&&oy>1)clashes.push("svg"+si+": '"+boxes[i].t+"' / '"+boxes[j].t+"'");
  }
});
// The codec picker: "ours only" must hide some marks, "all" must show them again.
const shown=()=>[...document.querySelectorAll("[data-c]")].filter(e=>e.getBoundingClientRect().width>0).length;
const ours=document.querySelector('button[data-show="ours"]'),every=document.querySelector('button[data-show="all"]');
let picker="none";
if(ours&&every){const a=shown();ours.click();const b=shown();every.click();const c=shown();picker=(b<a&&c===a)?"ok":"broken";}
document.title="svgs "+svgs.length+" drawn "+drawn.length+" texts "+texts+" overlaps "+clashes.length+" picker "+picker+" tables "+document.querySelectorAll("table").length+(clashes.length?" | "+clashes.slice(0,5).join("; "):"");
});</script>
JS
for page in "$@"; do
    work=$(mktemp -d)
    cp "$page" "$work/page.html"
    printf '%s\n' "$PROBE" >> "$work/page.html"
    title=$(timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --virtual-time-budget=5000 \
        --dump-dom "file://$work/page.html" 2>/dev/null | sed -n 's:.*<title>\(svgs[^<]*\)</title>.*:\1:p' | head -1)
    png="$OUT/$(basename "${page%.html}").png"
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,3000 \
        --screenshot="$png" "file://$(realpath "$page")" >/dev/null 2>&1 || true
    rm -rf "$work"
    svgs=$(echo "$title" | sed -n 's/^svgs \([0-9]*\) .*/\1/p')
    drawn=$(echo "$title" | sed -n 's/.* drawn \([0-9]*\) .*/\1/p')
    overlaps=$(echo "$title" | sed -n 's/.* overlaps \([0-9]*\) .*/\1/p')
    picker=$(echo "$title" | sed -n 's/.* picker \([a-z]*\) .*/\1/p')
    if [ -n "$svgs" ] && [ "$svgs" -gt 0 ] && [ "$svgs" = "$drawn" ] && [ "$overlaps" = 0 ] && [ "$picker" != broken ]; then
        echo "ok   $page: $title (screenshot $png)"
    else
        echo "FAIL $page: ${title:-no result from chromium} (screenshot $png)"; status=1
    fi
done
exit $status
