#!/bin/sh
# Builds the API documentation (swift-docc-plugin) for SqueezeKit and the
# modules it re-exports, as one combined archive in which the SqueezeKit
# articles link into BitIO, Entropy, Codecs, Container and Harness. Any DocC
# warning fails the build: a broken symbol link, a documented parameter that
# does not exist. Also checks that the code
# examples of the articles and of the README's Library section are the ones
# compiled as tests (scripts/doc-examples.py --check).
# The archive is .build/plugins/Swift-DocC/outputs/squeeze.doccarchive
# (`docc preview` or any static server shows it; SqueezeKit is the landing module).
# The modules are built in release by default with SQUEEZE_BUILD_FLAGS (set by the
# test command), so after its build nothing is compiled again; DOCS_CONFIGURATION=debug
# is quicker from scratch while editing the articles.
set -eu
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

python3 scripts/doc-examples.py --check

targets=""
for t in BitIO Entropy Transforms Codecs Container Baselines Harness SqueezeKit; do
    targets="$targets --target $t"
done
start=$(date +%s)
status=0
# shellcheck disable=SC2086 # the target options are split on purpose
swift package -c "${DOCS_CONFIGURATION:-release}" ${SQUEEZE_BUILD_FLAGS:-} generate-documentation --enable-experimental-combined-documentation $targets \
    --warnings-as-errors > "$log" 2>&1 || status=$?
cat "$log"
[ "$status" -eq 0 ] || { echo "build-docs: generate-documentation failed with status $status" >&2; exit 1; }
if grep -q -E '^(warning|error):' "$log"; then
    echo "build-docs: DocC reported the warnings or errors above" >&2
    exit 1
fi
archive=.build/plugins/Swift-DocC/outputs/squeeze.doccarchive
for page in squeezekit squeezekit/onecallapi squeezekit/codecsandregistry squeezekit/bitstreams squeezekit/estimators \
            squeezekit/container squeezekit/harness squeezekit/squeeze squeezekit/squeezeerror \
            codecs/codec bitio/bitwriter entropy/entropyreport container/sqzcompressor harness/comparisonrunner; do
    [ -f "$archive/data/documentation/$page.json" ] || { echo "build-docs: page $page missing from $archive" >&2; exit 1; }
done
echo "build-docs: $archive in $(( $(date +%s) - start )) s"
