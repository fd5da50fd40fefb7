#!/usr/bin/env bash
# Generates `squeeze explain --html` pages for every explainer this build has and checks each
# in headless Chromium:
#  - after the page's script runs, the counter reads "Step 1 of N", N equals the number of
#    <section class="step"> elements, and exactly one section is visible;
#  - Next, the right arrow key and the left arrow key move to steps 2, 3 and back to 2,
#    and the URL fragment follows (#step=2);
#  - opened at #step=3 the page shows step 3 (links to a step work);
#  - every inline SVG lays out with a non-zero size;
#  - a screenshot of step 2 of each page is written to $OUT (default /tmp/explain-html): look at it.
# Usage: scripts/check-explain-html.sh [path/to/squeeze]
# Needs chromium; installs it with apt-get when missing (as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
SQUEEZE=${1:-${SQUEEZE:-}}
if [ -z "$SQUEEZE" ]; then
    swift build >&2
    SQUEEZE=.build/debug/squeeze
fi
. scripts/lib/chromium.sh
find_chromium check-explain-html install
OUT=${OUT:-/tmp/explain-html}
mkdir -p "$OUT"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One example per explainer; those this build does not have are skipped (the list of
# algorithms comes from `squeeze explain --help`).
declare -A EXAMPLE=(
    [entropy]='--text abracadabra'
    [huffman]='--text abracadabra'
    [arith]='--text abracadabra'
    [elias-gamma]='--range 1-17'
    [elias-delta]='--range 1-17'
    [elias-omega]='--value 17'
    [golomb]='--parameter 3 --range 0-9'
    [rice]='--parameter 2 --range 0-9'
    [fibonacci]='--range 1-17'
    [unary]='--range 0-5'
    [lz77]='--text abracadabra_abracadabra'
    [lzw]='--text TOBEORNOTTOBEORTOBEORNOT'
    [bwt]='--text banana'
    [rank]='--text banana'
    [interval]='--text banana'
    [mtf]='--text banana'
    [ppm]='--text abracadabra'
)
available=$("$SQUEEZE" explain --help | sed -n 's/^ *\([a-z0-9-]*\): .*/\1/p')

# Reports into the title what the page shows after its script has run and after navigation.
read -r -d '' PROBE <<'JS' || true
<script>window.addEventListener("load",()=>{
const sections=[...document.querySelectorAll("section.step")];
const visible=()=>sections.filter(s=>s.getBoundingClientRect().height>0).map(s=>s.dataset.step);
const counter=()=>document.getElementById("counter").textContent;
const r=[];
r.push("sections "+sections.length);
r.push("first ["+counter()+"] visible "+visible().join(","));
document.getElementById("next").click();
r.push("next ["+counter()+"] visible "+visible().join(",")+" hash "+location.hash);
document.dispatchEvent(new KeyboardEvent("keydown",{key:"ArrowRight",bubbles:true}));
r.push("right ["+counter()+"]");
document.dispatchEvent(new KeyboardEvent("keydown",{key:"ArrowLeft",bubbles:true}));
r.push("left ["+counter()+"] hash "+location.hash);
const svgs=[...document.querySelectorAll("svg")];
let drawn=0;
sections.forEach(s=>s.classList.add("current"));
svgs.forEach(e=>{const b=e.getBoundingClientRect();if(b.width>20&&b.height>20)drawn++;});
r.push("svgs "+svgs.length+" drawn "+drawn);
document.title="PROBE "+r.join(" | ");
});</script>
JS
read -r -d '' HASHPROBE <<'JS' || true
<script>window.addEventListener("load",()=>{
const v=[...document.querySelectorAll("section.step")].filter(s=>s.getBoundingClientRect().height>0).map(s=>s.dataset.step);
document.title="PROBE ["+document.getElementById("counter").textContent+"] visible "+v.join(",");
});</script>
JS

dump() { timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --virtual-time-budget=3000 --dump-dom "$1" 2>/dev/null \
    | sed -n 's:.*<title>PROBE \([^<]*\)</title>.*:\1:p' | head -1; }

status=0
checked=0
for algo in $available; do
    args=${EXAMPLE[$algo]:-}
    if [ -z "$args" ]; then echo "skip $algo: no example in this script"; continue; fi
    page="$OUT/$algo.html"
    # shellcheck disable=SC2086
    if ! "$SQUEEZE" explain "$algo" $args --html "$page" -f >"$work/out" 2>&1; then
        echo "FAIL $algo: squeeze explain failed: $(cat "$work/out")"; status=1; continue
    fi
    checked=$((checked + 1))
    cp "$page" "$work/probe.html"; printf '%s\n' "$PROBE" >> "$work/probe.html"
    cp "$page" "$work/hash.html"; printf '%s\n' "$HASHPROBE" >> "$work/hash.html"
    result=$(dump "file://$work/probe.html")
    atthree=$(dump "file://$work/hash.html#step=3")
    n=$(echo "$result" | sed -n 's/^sections \([0-9]*\) .*/\1/p')
    svgs=$(echo "$result" | sed -n 's/.*svgs \([0-9]*\) drawn.*/\1/p')
    drawn=$(echo "$result" | sed -n 's/.*drawn \([0-9]*\).*/\1/p')
    want_three="[Step 3 of $n] visible 3"
    [ "${n:-0}" -lt 3 ] && want_three="[Step $n of $n] visible $n"
    if [ -n "$n" ] \
        && [[ "$result" == *"first [Step 1 of $n] visible 1 |"* ]] \
        && [[ "$result" == *"next [Step 2 of $n] visible 2 hash #step=2"* ]] \
        && { [ "$n" -lt 3 ] || [[ "$result" == *"right [Step 3 of $n]"* ]]; } \
        && [[ "$result" == *"left [Step 2 of $n] hash #step=2"* ]] \
        && [ "$atthree" = "$want_three" ] \
        && [ "$svgs" = "$drawn" ]; then
        echo "ok   $algo: $result || at #step=3: $atthree"
    else
        echo "FAIL $algo: ${result:-no result from chromium} || at #step=3: ${atthree:-no result}"; status=1
    fi
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,800 \
        --virtual-time-budget=3000 --screenshot="$OUT/$algo.png" "file://$(realpath "$page")#step=2" >/dev/null 2>&1 || true
done
if [ "$checked" -lt 3 ]; then echo "FAIL: only $checked explainers checked"; status=1; fi
echo "pages and screenshots in $OUT"
exit $status
