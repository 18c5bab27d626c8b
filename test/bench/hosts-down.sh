#!/usr/bin/env bash
# Stops every light benchmark host that hosts-up.sh started (by recorded pid), removes its
# network namespace tsb-hN, veth tsbv-hN, data folder and state; then the bridge tsbench0.
# Keeps the key pair. Safe to run twice, or when nothing is up.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

lock_bench
mapfile -t hosts < <(recorded_hosts "$STATE" tsb)

for h in "${hosts[@]}"; do
  pid=$(sshd_pid "$h")
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
done
for h in "${hosts[@]}"; do
  ns=tsb-$h
  # The listener is gone; sessions it forked (if a run is still going) live in the namespace.
  if [ -e "/run/netns/$ns" ]; then
    for i in $(seq 1 30); do
      pids=$(ip netns pids "$ns")
      [ -z "$pids" ] && break
      # shellcheck disable=SC2086
      kill -TERM $pids 2>/dev/null || true
      sleep 0.1
    done
    ip netns del "$ns"
  fi
  ip link del "tsbv-$h" 2>/dev/null || true
  rm -rf --one-file-system "${STATE:?}/$h" "${DATA:?}/$h"
done
if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE"; fi
rmdir "$DATA" 2>/dev/null || true
rm -f "$STATE"/inventory-*.ini "$STATE/known_hosts" "$STATE/authorized_keys"
if [ -f "$STATE/made-run-sshd" ]; then rmdir /run/sshd 2>/dev/null || true; fi
rm -f "$STATE/made-run-sshd"
echo "bench hosts: down (${#hosts[@]} hosts removed)"
