#!/bin/sh
# Archive figures of issue #18 on this machine: size of `squeeze archive
# create` against `tar cf - | squeeze -c` with the same codec (the index and
# pax headers cost), and the time to extract one member against a full
# decode. Usage: scripts/bench-archive.sh [codec] [level] [block size]
# (default lz77 6 256K); the tree is the Canterbury and Calgary corpora. Uses
# .build/release/squeeze.
set -eu
codec=${1:-lz77}; level=${2:-6}; bs=${3:-256K}
sq=$(pwd)/.build/release/squeeze
[ -x "$sq" ] || { echo "build first: swift build -c release" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir "$work/tree"; cp -r corpora/canterbury corpora/calgary "$work/tree/"
cd "$work"
now() { date +%s.%N; }
"$sq" archive create -a "$codec" "-$level" -B "$bs" a.tar.sqz tree
tar cf - --format=pax --sort=name tree | "$sq" -c -a "$codec" "-$level" -B "$bs" > t.tar.sqz
a=$(stat -c %s a.tar.sqz); t=$(stat -c %s t.tar.sqz)
echo "tree: $(du -sb tree | cut -f1) bytes, $(find tree | wc -l) entries; codec $codec -$level, blocks of $bs"
echo "archive create: $a bytes; tar cf - | squeeze -c: $t bytes; difference $(echo "scale=3; 100*($a-$t)/$t" | bc)%"
mkdir x1 x2
s=$(now); "$sq" -dc a.tar.sqz > /dev/null; e=$(now); full=$(echo "$e - $s" | bc)
s=$(now); "$sq" archive extract -v a.tar.sqz tree/canterbury/fields.c -C x1 2> one.log > /dev/null; e=$(now); one=$(echo "$e - $s" | bc)
s=$(now); "$sq" archive extract a.tar.sqz -C x2; e=$(now); all=$(echo "$e - $s" | bc)
echo "full decode (squeeze -dc): ${full}s; extract all: ${all}s; extract one member: ${one}s ($(grep -o 'decoded.*' one.log)); speed-up $(echo "scale=1; $full/$one" | bc)x"
