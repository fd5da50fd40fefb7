#!/bin/sh
# Rebuilds corpora/mixed/ (issue #20's modern mixed corpus) from Debian 12
# ("bookworm") packages: downloads the .deb files with `apt-get download`,
# unpacks them with dpkg-deb, copies one file from each, and derives three files
# (a Japanese text decompressed from the package's .gz, a raw RGB image decoded
# from the package's PNG, and a SQLite database built from iso-codes' JSON with
# the package's own sqlite3). The files in git are what counts: this script
# checks what it made against corpora/MANIFEST.tsv and says which file differs
# (a security update of a package changes its binaries).
# Usage: scripts/make-mixed-corpus.sh [OUTDIR]   (default corpora/mixed)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/corpora/mixed}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# The package versions the committed files came from.
apt-get download zstd=1.5.4+dfsg2-5+deb12u1 libsqlite3-0=3.40.1-2+deb12u2 sqlite3=3.40.1-2+deb12u2 \
    iso-codes=4.15.0-1 python3-statsmodels=0.13.5+dfsg-7 python3.11-doc=3.11.2-6+deb12u9 \
    libpython3.11-stdlib=3.11.2-6+deb12u9 gnulib=20230209+stable-1 desktop-base=12.0.6+nmu1~deb12u1 \
    alsa-utils=1.2.8-1 debian-reference-ja=2.100 >/dev/null
for deb in *.deb; do dpkg-deb -x "$deb" x; done
mkdir -p "$out"
cp x/usr/bin/zstd "$out/zstd"
cp x/usr/lib/x86_64-linux-gnu/libsqlite3.so.0.8.6 "$out/libsqlite3.so.0.8.6"
cp x/usr/share/iso-codes/json/iso_639-3.json "$out/iso_639-3.json"
cp x/usr/lib/python3/dist-packages/statsmodels/datasets/randhie/randhie.csv "$out/randhie.csv"
cp x/usr/share/doc/python3.11/html/library/os.html "$out/os.html"
cp x/usr/share/gnulib/lib/dfa.c "$out/dfa.c"
cp x/usr/lib/python3.11/_pydecimal.py "$out/_pydecimal.py"
cp x/usr/share/desktop-base/softwaves-theme/grub/grub-16x9.png "$out/grub-16x9.png"
cp x/usr/share/plasma/look-and-feel/org.debian.desktop/contents/previews/fullscreenpreview.jpg "$out/fullscreenpreview.jpg"
cp x/usr/share/sounds/alsa/Front_Center.wav "$out/Front_Center.wav"
gzip -dc x/usr/share/debian-reference/debian-reference.ja.txt.gz > "$out/debian-reference.ja.txt"
python3 "$here/scripts/lib/png-to-ppm.py" "$out/grub-16x9.png" "$out/grub-16x9.ppm"
rm -f "$out/iso-codes.sqlite"
python3 "$here/scripts/lib/iso-codes-sql.py" x/usr/share/iso-codes/json/iso_639-3.json \
    x/usr/share/iso-codes/json/iso_3166-2.json |
    LD_LIBRARY_PATH=x/usr/lib/x86_64-linux-gnu x/usr/bin/sqlite3 "$out/iso-codes.sqlite"
# Check against the manifest.
status=0
expected=$(awk -F'\t' '$1 == "mixed" { print $2 " " $4 }' "$here/corpora/MANIFEST.tsv")
while read -r name sum; do
    got=$(sha256sum "$out/$name" | cut -d' ' -f1)
    if [ "$got" != "$sum" ]; then echo "make-mixed-corpus: $name differs from corpora/MANIFEST.tsv" >&2; status=1; fi
done <<LIST
$expected
LIST
exit $status
