#!/usr/bin/env bash
# Powers off one test host (to test unreachable hosts) and keeps everything else, so
# start-host.sh boots it again with the same disk, address and host key. Usage: stop-host.sh hN
set -euo pipefail
source "$(dirname "$0")/lib.sh"

h=${1:-}
[[ $h =~ ^h[0-9]+$ ]] && [ -d "$STATE/$h" ] || die "usage: stop-host.sh hN (a host that up.sh made)"
lock_testbed
stop_host "$h"
echo "testbed: $h stopped"
