#!/bin/sh
# Make sure the Debian redis-server and nginx that the scale-out tests start are installed.
# The tests run their own instances on free ports of 127.0.0.1 (never the system services):
# the packages' own services are kept from starting when they are installed.
set -eu
. "$(dirname "$0")/debian-packages.sh"
missing=""
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing="redis-server"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
# shellcheck disable=SC2086  # word splitting of the package list is intended
install_missing ensure-services "the Redis and proxy tests are skipped" \
    --no-daemons --no-recommends $missing
