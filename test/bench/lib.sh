# Shared by hosts-up.sh and hosts-down.sh (sourced, not run).
# Light benchmark hosts: one sshd per network namespace, no container. Every object made
# here carries a bench name (bridge tsbench0, netns tsb-hN, veth tsbv-hN) or a pid recorded
# under state/, so teardown removes only what these scripts created.

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=$BENCH/state
BRIDGE=tsbench0
CONTROLLER_IP=10.78.0.1
KEY=$STATE/id_ed25519
# Where each host's playbooks write: its own folder on the shared file system.
DATA=/var/tmp/tsbench
source "$BENCH/../testbed/netns.sh"

die() { echo "bench hosts: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (network namespaces, sshd)"

lock_bench() {
  mkdir -p "$STATE"
  exec 9>"$STATE/.lock"
  flock -w 120 9 || die "another bench hosts script holds $STATE/.lock"
}

# h1 -> 10.78.1.1 ... h60 -> 10.78.1.60 (the /16 leaves room for more)
host_ip() { echo "10.78.$((1 + ${1#h} / 250)).$((${1#h} % 250))"; }

# The running sshd pid of a host, or nothing; a recorded pid counts only while it is
# still our sshd with that host's config (pids are reused).
sshd_pid() {
  local pidfile=$STATE/$1/sshd.pid pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  [ -r "/proc/$pid/cmdline" ] || return 0
  if [[ $(tr '\0' ' ' <"/proc/$pid/cmdline") == *"-f $STATE/$1/sshd_config"* ]]; then echo "$pid"; fi
}
