# Sourced by the scripts that drive headless Chromium. find_chromium NAME [install] sets
# CHROMIUM to the browser ($CHROMIUM wins when set); with "install" it runs
# apt-get install -y chromium when none is found (as root, or through sudo). With no browser
# it exits 2, the message naming the calling script.
find_chromium() {
    CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
    [ -n "$CHROMIUM" ] && return 0
    if [ "${2:-}" != install ]; then echo "$1: chromium not found (apt-get install -y chromium)" >&2; exit 2; fi
    echo "$1: chromium not found; installing it (apt-get install -y chromium)" >&2
    if [ "$(id -u)" = 0 ]; then apt-get install -y chromium >&2; else sudo apt-get install -y chromium >&2; fi
    CHROMIUM=$(command -v chromium || true)
    if [ -z "$CHROMIUM" ]; then echo "$1: chromium could not be installed" >&2; exit 2; fi
}
