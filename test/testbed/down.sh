#!/usr/bin/env bash
# Powers off every test host that up.sh recorded and removes its overlay mount, network
# namespace, veth and state; then the package mirror's server and the bridge. Keeps the
# cached root filesystem and mirror, and the controller key pair. Safe to run twice, or
# when nothing is up.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

lock_testbed
mapfile -t hosts < <(recorded_hosts "$STATE" tsplay)

# Power off all hosts at once: each takes a few seconds to shut down.
for h in "${hosts[@]}"; do stop_host "$h" & done
wait

for h in "${hosts[@]}"; do
  root=$(host_root "$h")
  if mountpoint -q "$root" 2>/dev/null; then umount "$root"; fi
  if [ -e "/run/netns/tsplay-$h" ]; then ip netns del "tsplay-$h"; fi
  # Deleting the namespace takes its veth pair along, asynchronously: this one may be
  # gone by the time it is deleted.
  ip link del "tsv-$h" 2>/dev/null || true
  # --one-file-system: never follow into a mount that is somehow still there.
  rm -rf --one-file-system "${STATE:?}/$h"
done
stop_mirror
if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE"; fi
rm -f "$STATE/inventory.ini" "$STATE/known_hosts" "$STATE/size"
echo "testbed: down (${#hosts[@]} hosts removed)"
