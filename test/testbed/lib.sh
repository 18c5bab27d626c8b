# Shared by up.sh, down.sh, start-host.sh and stop-host.sh (sourced, not run).
# Every object made here carries a tsplay name (tsbr0, tsplay-hN, tsv-hN) or a pid recorded
# under state/, so teardown removes only what these scripts created.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE=$REPO/test/testbed/state
CACHE=$REPO/.cache/testbed
ROOTFS=$CACHE/rootfs
BRIDGE=tsbr0
source "$REPO/test/testbed/netns.sh"
CONTROLLER_IP=10.77.0.1
KEY=$STATE/id_ed25519
source "$REPO/test/testbed/mirror.sh"

die() { echo "testbed: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, mounts, network namespaces)"

# One script at a time: two test runs starting hosts at once would race on the same names.
lock_testbed() {
  mkdir -p "$STATE"
  exec 9>"$STATE/.lock"
  flock -w 300 9 || die "another testbed script has held $STATE/.lock for 5 minutes"
}

host_ip() { echo "10.77.0.$((10 + ${1#h}))"; }
host_root() { echo "$STATE/$1/root"; }

# The running nspawn pid of a host, or nothing. A recorded pid counts only while its
# cmdline is still our systemd-nspawn for that machine: pids are reused.
host_pid() {
  local pidfile=$STATE/$1/pid pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  [ -r "/proc/$pid/cmdline" ] || return 0
  # (Outputs are compared as strings, not piped into grep -q: with pipefail, grep quitting
  # early makes the writer die of SIGPIPE and the check fail at random.)
  if [[ $(tr '\0' ' ' <"/proc/$pid/cmdline") == "systemd-nspawn "*" --machine=tsplay-$1 "* ]]; then
    echo "$pid"
  fi
}

ensure_bridge() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
  fi
  [[ $(ip addr show dev "$BRIDGE") == *" $CONTROLLER_IP/24 "* ]] || ip addr add "$CONTROLLER_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
}

ensure_network() {
  attach_netns "tsplay-$1" "tsv-$1" "$BRIDGE" "$(host_ip "$1")/24"
}

ensure_overlay() {
  local dir=$STATE/$1
  mkdir -p "$dir/upper" "$dir/work" "$dir/root"
  mountpoint -q "$dir/root" ||
    mount -t overlay "overlay-tsplay-$1" -o "lowerdir=$ROOTFS,upperdir=$dir/upper,workdir=$dir/work" "$dir/root"
}

# Writes a file into the host's root only when its content differs, so a second up.sh
# leaves a running host untouched.
write_if_changed() {
  local path=$1 mode=$2 content
  content=$(cat)
  if [ ! -f "$path" ] || [ "$(cat "$path")" != "$content" ]; then
    printf '%s\n' "$content" > "$path"
    chmod "$mode" "$path"
  fi
}

hosts_file() {
  local n=$1 i
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n%s\tcontroller\n' "$CONTROLLER_IP"
  for i in $(seq 1 "$n"); do printf '%s\th%s\n' "$(host_ip "h$i")" "$i"; done
}

# Files that differ per host, written into the overlay's upper layer before boot.
configure_host() {
  local h=$1 n=$2 root pub uid
  root=$(host_root "$h")
  pub=$(cat "$KEY.pub")
  echo "$h" | write_if_changed "$root/etc/hostname" 0644
  : | write_if_changed "$root/etc/resolv.conf" 0644
  hosts_file "$n" | write_if_changed "$root/etc/hosts" 0644
  # A machine-id of its own, kept across reboots of this host (journald and dbus use it).
  [ -s "$root/etc/machine-id" ] || tr -d '-' < /proc/sys/kernel/random/uuid > "$root/etc/machine-id"
  # Host keys generated per host (the base has none), so each host has its own identity.
  [ -f "$root/etc/ssh/ssh_host_ed25519_key" ] ||
    ssh-keygen -q -t ed25519 -N '' -C "root@$h" -f "$root/etc/ssh/ssh_host_ed25519_key"
  install -d -m 0700 "$root/root/.ssh"
  echo "$pub" | write_if_changed "$root/root/.ssh/authorized_keys" 0600
  uid=$(awk -F: '$1 == "tsplay" { print $3 ":" $4 }' "$root/etc/passwd")
  install -d -m 0700 "$root/home/tsplay/.ssh"
  echo "$pub" | write_if_changed "$root/home/tsplay/.ssh/authorized_keys" 0600
  chown -R "$uid" "$root/home/tsplay/.ssh"
  host_apt_config "$root"
}

# The cgroups a host's nspawn runs in, one per hierarchy nspawn uses. nspawn makes
# "supervisor" and "payload" cgroups below its own: started from one shared cgroup, all
# containers would share /payload, and one container shutting down removes cgroups that
# another still uses (its systemd-halt.service then fails with status=219/CGROUP and the
# container never powers off).
host_cgroups() {
  if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
    echo "/sys/fs/cgroup/tsplay-$1"
  else
    local hierarchy
    for hierarchy in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
      if [ -d "$hierarchy" ]; then echo "$hierarchy/tsplay-$1"; fi
    done
  fi
}

remove_cgroups() {
  local cg
  for cg in $(host_cgroups "$1"); do
    # cgroups are removed with rmdir, innermost first; a non-empty one stays (and says so).
    if [ -d "$cg" ]; then find "$cg" -depth -type d -exec rmdir {} + || true; fi
  done
}

# What docker.io needs inside a host, each found missing by its own error (dockerd 20.10,
# runc 1.1, on cgroup v2 and on a v1/hybrid machine alike):
# - CAP_NET_ADMIN: iptables ("iptables -t nat -N DOCKER: ... Permission denied"), conntrack;
# - /proc/sys/net writable: ip_forward and the bridge's sysctls ("read-only file system");
# - the unified cgroup hierarchy: on a v1/hybrid machine runc otherwise fails
#   "mkdir /sys/fs/cgroup/cpuset/docker: read-only file system" (the container's cgroups
#   stay below its own on the machine, in either layout);
# - the keyring syscalls: "unable to join session keyring: ... operation not permitted";
# - bpf: "bpf_prog_query(BPF_CGROUP_DEVICE) failed: operation not permitted" (runc's device
#   control on cgroup v2).
# Storage: overlay2 cannot mount on the host's overlay root; dockerd falls back to vfs.
NSPAWN_ENV=(SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 SYSTEMD_NSPAWN_API_VFS_WRITABLE=network)
NSPAWN_DOCKER=(--capability=CAP_NET_ADMIN "--system-call-filter=@keyring bpf")

boot_host() {
  local h=$1 dir=$STATE/$1 pid i
  [ -z "$(host_pid "$h")" ] || return 0
  kill_leftovers "$h"
  # setsid: the container must outlive this script and the terminal or test runner that
  # started it. Every inherited descriptor above 2 is closed first: nspawn must hold
  # neither the testbed lock nor a caller's pipe (a caller would wait for its EOF).
  # The subshell is no process group leader, so setsid execs in place and $! is nspawn.
  (
    for cg in $(host_cgroups "$h"); do
      mkdir -p "$cg"
      echo "$BASHPID" >"$cg/cgroup.procs"
    done
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-"; fi
    done
    exec env "${NSPAWN_ENV[@]}" setsid systemd-nspawn -D "$dir/root" --boot --machine="tsplay-$h" --register=no --keep-unit \
      --network-namespace-path="/run/netns/tsplay-$h" --resolv-conf=off "${NSPAWN_DOCKER[@]}"
  ) </dev/null >"$dir/console.log" 2>&1 &
  pid=$!
  echo "$pid" > "$dir/pid"
  # host_pid recognises nspawn by its command line: until the subshell has exec'ed it (which
  # takes a while on a slow machine), the host would look stopped to wait_ssh.
  for i in $(seq 1 100); do
    [ -n "$(host_pid "$h")" ] && return 0
    [ -d "/proc/$pid" ] || break
    sleep 0.1
  done
  echo "testbed: $h: systemd-nspawn did not start; console:" >&2
  tail -n 30 "$dir/console.log" >&2 || true
  exit 1
}

# Waits until each host's sshd sends its banner, within one overall deadline.
wait_ssh() {
  local deadline=$((SECONDS + ${WAIT_SECONDS:-60})) h banner
  for h in "$@"; do
    until banner=$(timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/22" && head -c 7 <&3' "$(host_ip "$h")" 2>/dev/null) &&
      [ "$banner" = "SSH-2.0" ]; do
      if [ -z "$(host_pid "$h")" ] || ((SECONDS >= deadline)); then
        echo "testbed: $h ($(host_ip "$h")) did not answer on port 22; console tail:" >&2
        tail -n 30 "$STATE/$h/console.log" >&2 || true
        exit 1
      fi
      sleep 0.2
    done
  done
}

# Powers a host off: SIGTERM makes nspawn ask the container's systemd to shut down.
stop_host() {
  local h=$1 pid i
  pid=$(host_pid "$h")
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do [ -d "/proc/$pid" ] || break; sleep 0.2; done
    if [ -d "/proc/$pid" ]; then
      echo "testbed: $h did not power off in 20 s, killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      # A killed nspawn leaves its lock on the root directory behind (named by device:inode).
      rm -f "/run/systemd/nspawn/locks/inode-$(stat -c '%d:%i' "$(host_root "$h")")"
    fi
  fi
  kill_leftovers "$h"
  remove_cgroups "$h"
  rm -f "$STATE/$h/pid"
}

# A killed nspawn leaves the container's processes running. Only that container ever
# joins the namespace tsplay-hN, so whatever is in it is a leftover of this host.
kill_leftovers() {
  local ns=tsplay-$1 i
  [ -e "/run/netns/$ns" ] || return 0
  for i in $(seq 1 50); do
    [ -z "$(ip netns pids "$ns")" ] && return 0
    ip netns pids "$ns" | xargs -r kill -KILL 2>/dev/null || true
    sleep 0.1
  done
  die "processes still running in network namespace $ns: $(ip netns pids "$ns" | tr '\n' ' ')"
}

# The host keys and the inventory of the hosts given (up.sh, remove-host.sh).
write_known_hosts() {
  local h tmp=$STATE/known_hosts.tmp
  : >"$tmp"
  for h in "$@"; do
    printf '%s %s\n' "$(host_ip "$h")" "$(cut -d' ' -f1,2 "$(host_root "$h")/etc/ssh/ssh_host_ed25519_key.pub")" >>"$tmp"
  done
  mv "$tmp" "$STATE/known_hosts"
}

write_inventory() {
  local h tmp=$STATE/inventory.ini.tmp
  {
    echo "# generated by test/testbed/up.sh; host keys are in $STATE/known_hosts"
    echo "[testbed]"
    for h in "$@"; do echo "$h ansible_host=$(host_ip "$h")"; done
    echo
    echo "[testbed:vars]"
    echo "ansible_user=root"
    echo "ansible_ssh_private_key_file=$KEY"
    echo "ansible_ssh_common_args='-o UserKnownHostsFile=$STATE/known_hosts'"
  } >"$tmp"
  mv "$tmp" "$STATE/inventory.ini"
}
