#!/bin/sh
# Builds and runs the examples so they never rot (part of the test command):
#  - Examples/CustomCodec: a Swift package that depends on squeeze's library,
#    built in debug with its own scratch path (.build-examples), run on four
#    small Canterbury files: its round-trip checks and its comparison table.
#  - Examples/ExternalCodec: a Python coder joined to `squeeze compare` with
#    --external, the README's line on the same files; and a deliberately broken
#    decoder, which the comparison must report as a failed round trip.
# SQUEEZE names the squeeze binary; by default the release build's (built here if missing).
set -eu
cd "$(dirname "$0")/.."
corpus=corpora/canterbury
files="fields.c grammar.lsp xargs.1 sum"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "check-examples: $*" >&2; exit 1; }

echo "== Examples/CustomCodec (debug build in .build-examples)"
start=$(date +%s)
swift build --package-path Examples/CustomCodec --scratch-path .build-examples
echo "built in $(( $(date +%s) - start )) s"
bin=$(swift build --package-path Examples/CustomCodec --scratch-path .build-examples --show-bin-path)/CustomCodec
args=""
for f in $files; do args="$args ../../$corpus/$f"; done
set +e
# shellcheck disable=SC2086 # the file list is split on purpose
(cd Examples/CustomCodec && "$bin" $args) > "$out/custom.txt" 2>&1
status=$?
set -e
[ "$status" -eq 0 ] || { cat "$out/custom.txt"; fail "Examples/CustomCodec exited with status $status (see above)"; }
cat "$out/custom.txt"
grep -q '^all checks passed$' "$out/custom.txt" || fail "CustomCodec did not print 'all checks passed'"
[ "$(grep -c '^ok ' "$out/custom.txt")" -ge 19 ] || fail "CustomCodec ran fewer than 19 checks"
grep -q '^| \*\*total\*\* | 57338 | ' "$out/custom.txt" || fail "CustomCodec printed no comparison totals for the 4 files"
grep -q '^| rle-arith -2 | ours | ' "$out/custom.txt" || fail "the example codec is missing from the comparison table"

echo "== Examples/ExternalCodec (squeeze compare --external)"
squeeze=${SQUEEZE:-}
if [ -z "$squeeze" ]; then
    squeeze=$(swift build -c release --show-bin-path)/squeeze
    # shellcheck disable=SC2086
    [ -x "$squeeze" ] || swift build -c release ${SQUEEZE_BUILD_FLAGS:-} --product squeeze
fi
paths=""
for f in $files; do paths="$paths $corpus/$f"; done
# shellcheck disable=SC2086
"$squeeze" compare $paths --algos huffman --baselines zlib:9 --no-estimates \
    --external pyhuff='python3 Examples/ExternalCodec/huffman.py c {in} {out}'::'python3 Examples/ExternalCodec/huffman.py d {in} {out}' \
    > "$out/external.txt" || { cat "$out/external.txt"; fail "squeeze compare --external pyhuff failed"; }
cat "$out/external.txt"
[ "$(grep -c '^pyhuff .* ok$' "$out/external.txt")" -eq 1 ] || fail "no ok row for the external codec pyhuff"

# A decoder that adds a byte: the comparison must catch it (exit 1, a failed row).
set +e
# shellcheck disable=SC2086
"$squeeze" compare $paths --algos none --baselines none --no-estimates \
    --external broken='python3 Examples/ExternalCodec/huffman.py c {in} {out}'::'python3 Examples/ExternalCodec/huffman.py d {in} {out} && printf x >> {out}' \
    > "$out/broken.txt" 2>&1
status=$?
set -e
[ "$status" -eq 1 ] || { cat "$out/broken.txt"; fail "a broken external decoder gave exit status $status, not 1"; }
grep -q 'ROUND TRIP FAILED' "$out/broken.txt" || { cat "$out/broken.txt"; fail "a broken external decoder was not reported"; }
echo "a broken external decoder is caught (exit status 1, ROUND TRIP FAILED)"
echo "examples: all checks passed"
