# Network namespaces on a bridge, shared by the test hosts (test/testbed/lib.sh) and the
# light benchmark hosts (test/bench/lib.sh); sourced, not run.

# Puts the namespace NS (made if missing) on BRIDGE through the veth pair VETH / eth0, with
# ADDRESS (a.b.c.d/prefix) on eth0. No default route on purpose: nothing in NS may leave
# this machine.
attach_netns() {
  local ns=$1 veth=$2 bridge=$3 address=$4
  [ -e "/run/netns/$ns" ] || ip netns add "$ns"
  # The peer is created directly inside the namespace, so it can be called eth0 there.
  if ! ip link show "$veth" >/dev/null 2>&1; then
    ip -n "$ns" link del eth0 2>/dev/null || true
    ip link add "$veth" type veth peer name eth0 netns "$ns"
  fi
  ip link set "$veth" master "$bridge" up
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
  [[ $(ip -n "$ns" addr show dev eth0) == *" $address "* ]] || ip -n "$ns" addr add "$address" dev eth0
}

# The hosts (hN) a teardown must remove: those with a folder in STATE, and those whose
# namespace PREFIX-hN is left without one (an interrupted up or down). One per line.
recorded_hosts() {
  local state=$1 prefix=$2 dir
  {
    for dir in "$state"/h*/; do [ -d "$dir" ] && basename "$dir"; done
    ip netns list | awk -v p="$prefix-" 'index($1, p) == 1 && substr($1, length(p) + 1) ~ /^h[0-9]+$/ { print substr($1, length(p) + 1) }'
  } | sort -u
}
