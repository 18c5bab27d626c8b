#!/usr/bin/env bash
# Boots again a test host that stop-host.sh powered off, and waits for its sshd.
# Usage: start-host.sh hN
set -euo pipefail
source "$(dirname "$0")/lib.sh"

h=${1:-}
[[ $h =~ ^h[0-9]+$ ]] && [ -d "$STATE/$h" ] || die "usage: start-host.sh hN (a host that up.sh made)"
[ -d "$ROOTFS" ] && [ -f "$KEY" ] || die "run up.sh first"
lock_testbed
ensure_bridge
start_mirror
ensure_overlay "$h"
configure_host "$h" "$(cat "$STATE/size")"
ensure_network "$h"
boot_host "$h"
wait_ssh "$h"
echo "testbed: $h up"
