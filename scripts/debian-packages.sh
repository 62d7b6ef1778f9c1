# Sourced by the ensure-*.sh scripts: install the Debian packages one of them found missing.
# Only Debian packages, by name, with apt-get; as root (as CI runs). Without root or apt-get
# it says what is missing and what is skipped without it, and the tests concerned skip.
#
#   install_missing NAME SKIPPED [--no-daemons] [--no-recommends] PACKAGE...
#
# --no-daemons: a package's own service must not start on install (policy-rc.d exit 101):
# the tests run their own instances on free ports, never the system ones.

install_missing() {
    name=$1
    skipped=$2
    shift 2
    no_daemons=""
    recommends=""
    while [ $# -gt 0 ]; do
        case $1 in
            --no-daemons) no_daemons=1 ;;
            --no-recommends) recommends="--no-install-recommends" ;;
            *) break ;;
        esac
        shift
    done
    [ $# -gt 0 ] || return 0
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "$name: missing Debian packages: $*;" \
             "install them as root (apt-get install -y $*)." \
             "Without them $skipped." >&2
        return 0
    fi
    echo "$name: installing $*" >&2
    export DEBIAN_FRONTEND=noninteractive
    policy=/usr/sbin/policy-rc.d
    added_policy=""
    if [ -n "$no_daemons" ] && [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && added_policy=1
    fi
    apt-get update -q >/dev/null
    # shellcheck disable=SC2086  # $recommends is one option or none
    apt-get install -y -q $recommends "$@" >/dev/null
    [ -z "$added_policy" ] || rm -f "$policy"
}
