#!/bin/sh
# Installs what squeeze needs beyond the Swift toolchain: the development
# packages of the system compression libraries it compares against, and the
# command-line tools the tests run against it (gzip, bzip2, xz, zstd,
# compress, GNU tar, bsdtar), so no test has to skip for want of one; libarchive
# for archives; SQLite for the grade database (GRDB); bubblewrap, the sandbox
# `squeeze grade` runs submissions in; python3 for the example external codec and
# the docs' example extractor; chromium for the checks of the HTML pages
# (reports, explain, leaderboard); zpaq and 7-Zip, the peers `squeeze bench cm`
# runs beside cm; brotli, the LZ77 rival `squeeze bench leaders` runs.
# Without recommended packages (chromium's would bring a GPU driver stack, a
# printer tool and a power daemon that a headless check never uses), but with
# fonts-liberation, the fonts chromium recommends, so pages lay out the same.
# Installs only what is missing; uses sudo when not run as root.
set -eu
need=""
for pkg in zlib1g-dev libdeflate-dev libbz2-dev liblzma-dev libzstd-dev libsqlite3-dev libarchive-dev gzip bzip2 xz-utils zstd ncompress tar libarchive-tools bubblewrap python3 chromium fonts-liberation zpaq 7zip brotli; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need="$need $pkg"
done
if [ -n "$need" ]; then
    echo "setup: installing$need" >&2
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
command -v swift >/dev/null || { echo "setup: the Swift toolchain is not on PATH" >&2; exit 1; }
