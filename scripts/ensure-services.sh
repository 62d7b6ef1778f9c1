#!/bin/sh
# Make sure the Debian redis-server and nginx that the scale-out tests start are installed.
# The tests run their own instances on free ports of 127.0.0.1 (never the system services):
# after installing, the packages' own services are stopped and kept from starting at boot.
# Without root (or apt-get) it says what is missing and those tests are skipped with a reason.
set -eu
missing=""
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing="redis-server"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
[ -n "$missing" ] || exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-services: missing Debian packages:$missing;" \
         "install them as root (apt-get install -y$missing)." \
         "Without them the Redis and proxy tests are skipped." >&2
    exit 0
fi
echo "ensure-services: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d exit 101: the packages must not start their own daemons (port 6379, port 80).
policy=/usr/sbin/policy-rc.d
added_policy=""
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && added_policy=1
fi
apt-get update -q >/dev/null
# shellcheck disable=SC2086  # word splitting of the package list is intended
apt-get install -y -q --no-install-recommends $missing >/dev/null
[ -z "$added_policy" ] || rm -f "$policy"
