#!/usr/bin/env bash
# Boots N real Debian test hosts (h1..hN, 10.77.0.11..) as systemd-nspawn containers with
# sshd, serves them a package mirror (mirror.sh), and writes state/inventory.ini and state/known_hosts for them. Idempotent: hosts
# already up are left as they are; a half-made host is completed. Usage: up.sh [N]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

N=${1:-3}
[[ $N =~ ^[0-9]+$ ]] && ((N >= 1 && N <= 60)) || die "number of hosts must be 1..60, got '$N'"

install_packages() {
  local missing=() pkg
  for pkg in debootstrap systemd-container openssh-client iproute2 dpkg-dev; do
    [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) == "install ok installed" ]] || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "testbed: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The Debian mirror this machine already uses: never a name written into the repo.
apt_mirror() {
  local f line uris="" suites=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in
        URIs:*) uris=${line#URIs:} ;;
        Suites:*) suites=${line#Suites:} ;;
        "") uris="" suites="" ;;
      esac
      if [ -n "$uris" ] && [[ " $suites " == *" bookworm "* ]]; then
        read -r line _ <<<"$uris"
        echo "$line"
        return
      fi
    done <"$f"
  done
  # One-line format: deb [options] URI suite components
  [ -f /etc/apt/sources.list ] &&
    sed -E 's/\[[^]]*\]//' /etc/apt/sources.list | awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }'
}

# Built into a temp dir and renamed when complete, so an interrupted build is never used.
build_rootfs() {
  [ -d "$ROOTFS" ] && return 0
  local mirror tmp old
  mirror=$(apt_mirror)
  [ -n "$mirror" ] || die "no bookworm mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
  mkdir -p "$CACHE"
  # An interrupted debootstrap can leave /proc and /sys mounted inside its target.
  for old in "$CACHE"/rootfs.tmp.*; do
    [ -d "$old" ] || continue
    findmnt -rn -o TARGET | awk -v dir="$old/" 'index($0, dir) == 1' | sort -r | xargs -r -n1 umount -l
    rm -rf --one-file-system "$old"
  done
  tmp=$CACHE/rootfs.tmp.$$
  echo "testbed: building the base root filesystem (about 1.5 minutes, once)" >&2
  debootstrap --variant=minbase \
    --include=systemd,systemd-sysv,dbus,openssh-server,etcd-server,etcd-client,iproute2,python3,sudo \
    bookworm "$tmp" "$mirror" >"$CACHE/debootstrap.log" 2>&1 ||
    die "debootstrap failed, see $CACHE/debootstrap.log"
  # Each host gets its own sshd host key and machine-id (see configure_host); the base
  # keeps none, and no copy of this machine's resolver.
  rm -f "$tmp"/etc/ssh/ssh_host_*
  : >"$tmp/etc/machine-id"
  : >"$tmp/etc/resolv.conf"
  printf 'HostKey /etc/ssh/ssh_host_ed25519_key\n' >"$tmp/etc/ssh/sshd_config.d/tsplay-testbed.conf"
  # A non-root user with passwordless sudo, to test become from an ordinary login.
  chroot "$tmp" useradd --create-home --shell /bin/bash tsplay
  printf 'tsplay ALL=(ALL:ALL) NOPASSWD: ALL\n' >"$tmp/etc/sudoers.d/tsplay"
  chmod 0440 "$tmp/etc/sudoers.d/tsplay"
  rm -rf "$tmp"/var/cache/apt/archives/*.deb
  # lists of a mirror the hosts cannot reach: their apt source is the testbed's (mirror.sh)
  find "$tmp/var/lib/apt/lists" -maxdepth 1 -type f -delete
  mv "$tmp" "$ROOTFS"
}

lock_testbed
install_packages
build_rootfs
build_mirror
mkdir -p "$STATE"
[ -f "$KEY" ] || ssh-keygen -q -t ed25519 -N '' -C tsplay-testbed -f "$KEY"
echo "$N" >"$STATE/size"

hosts=()
for i in $(seq 1 "$N"); do hosts+=("h$i"); done
ensure_bridge
start_mirror
for h in "${hosts[@]}"; do
  ensure_overlay "$h"
  configure_host "$h" "$N"
  ensure_network "$h"
  boot_host "$h"
done
write_known_hosts "${hosts[@]}"
write_inventory "${hosts[@]}"
wait_ssh "${hosts[@]}"
echo "testbed: ${#hosts[@]} hosts up; inventory: $STATE/inventory.ini"
