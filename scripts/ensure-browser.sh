#!/bin/sh
# Make sure the Debian Chromium that the browser test drives is installed, with a Korean font
# so the page (Korean by default) renders in screenshots instead of empty boxes.
# Never downloads a browser of its own (no `playwright install`): only Debian packages.
set -eu
. "$(dirname "$0")/debian-packages.sh"
CHROMIUM=/usr/bin/chromium
missing=""
[ -x "$CHROMIUM" ] || missing="chromium chromium-driver"
# No fc-list yet means no fontconfig, so no Korean font either (chromium brings fontconfig).
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=ko 2>/dev/null)" ]; then
    missing="$missing fonts-nanum"
fi
# shellcheck disable=SC2086  # word splitting of the package list is intended
install_missing ensure-browser "the browser tests are skipped" $missing
