#!/usr/bin/env bash
# Powers off one test host and removes it (overlay, network namespace, state), as down.sh
# does for all; the inventory and known_hosts then list the hosts left. For tests that grow
# the testbed with `up.sh N` and shrink it back. Usage: remove-host.sh hN
set -euo pipefail
source "$(dirname "$0")/lib.sh"

h=${1:-}
[[ $h =~ ^h[0-9]+$ ]] && [ -d "$STATE/$h" ] || die "usage: remove-host.sh hN (a host that up.sh made)"
lock_testbed
stop_host "$h"
root=$(host_root "$h")
if mountpoint -q "$root" 2>/dev/null; then umount "$root"; fi
if [ -e "/run/netns/tsplay-$h" ]; then ip netns del "tsplay-$h"; fi
ip link del "tsv-$h" 2>/dev/null || true
rm -rf --one-file-system "${STATE:?}/$h"
mapfile -t left < <(recorded_hosts "$STATE" tsplay)
write_known_hosts "${left[@]}"
write_inventory "${left[@]}"
echo "${#left[@]}" >"$STATE/size"
echo "testbed: $h removed (${#left[@]} hosts left)"
