#!/bin/sh
# Make sure the Debian Chromium that the browser test drives is installed, with a Korean font
# so the page (Korean by default) renders in screenshots instead of empty boxes.
# Never downloads a browser of its own (no `playwright install`): only Debian packages.
# Without root (or apt-get) it says what is missing and the browser test skips with a reason.
set -eu
CHROMIUM=/usr/bin/chromium
missing=""
[ -x "$CHROMIUM" ] || missing="chromium chromium-driver"
# No fc-list yet means no fontconfig, so no Korean font either (chromium brings fontconfig).
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=ko 2>/dev/null)" ]; then
    missing="$missing fonts-nanum"
fi
[ -n "$missing" ] || exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-browser: missing Debian packages:$missing;" \
         "install them as root (apt-get install -y$missing)." \
         "Without chromium the browser test is skipped." >&2
    exit 0
fi
echo "ensure-browser: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086  # word splitting of the package list is intended
apt-get install -y -q $missing >/dev/null
