#!/usr/bin/env bash
# The cluster playbook on the three test hosts (h1 master; h1-h3 etcd members and nodes).
#
#   bash test/demo.sh                 # write the inventory and stand-ins, then run the playbook
#   bash test/demo.sh --prepare-only  # only write them (test/e2e/cluster.test.ts does this)
#   bash test/demo.sh -- --check      # extra arguments after -- go to tsplay
#   bash test/demo.sh --clean         # remove what the playbook installed on the test hosts
#
# Real on the test hosts: etcd (Debian's etcd-server), docker (Debian's docker.io, with its
# containerd and runc) and conntrack, which the playbook installs through apt from the
# testbed's package mirror (test/testbed/mirror.sh). No Kubernetes or flannel binary exists
# for them: the release tarballs written here hold STAND-INS, small sh scripts named like
# the real binaries, that refuse any flag the real component of the guide's version does not
# have and then stay running (flanneld takes a real subnet lease in etcd first), so systemd
# units, handlers and restarts are exercised for real. The tarballs are named and laid out
# as the real ones, and playbooks/artifacts.ts assembles artifacts_dir from them as an
# operator does: each checked against its checksum (the stand-ins' own, in testbed.yaml),
# then unpacked and listed in SHA256SUMS, which the cluster playbook checks first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
state="$repo/test/testbed/state"
out="${CLUSTER_DEMO_DIR:-$state/cluster}"
prepare_only=false
if [[ "${1:-}" == "--prepare-only" ]]; then prepare_only=true; shift; fi
if [[ "${1:-}" == "--clean" ]]; then
  for ip in 10.77.0.11 10.77.0.12 10.77.0.13; do
    ssh -i "$state/id_ed25519" -o UserKnownHostsFile="$state/known_hosts" -o BatchMode=yes "root@$ip" sh < "$here/cluster/clean-host.sh"
  done
  rm -rf "$out"
  echo "removed the cluster from the test hosts and $out"
  exit 0
fi
[[ "${1:-}" == "--" ]] && shift

# one command on a fresh machine: the tools and the test hosts are set up when missing
if [[ ! -f "$state/inventory.ini" ]]; then
  [[ $(id -u) == 0 ]] || { echo "the test hosts are not up, and setting them up needs root: sudo npm run demo" >&2; exit 1; }
  bash "$here/install-tools.sh"
  bash "$here/testbed/up.sh"
fi

mkdir -p "$out/inventory/group_vars" "$out/downloads"
cp "$repo/inventory/group_vars/all.yaml" "$out/inventory/group_vars/all.yaml"
cat > "$out/inventory/hosts.ini" <<INI
# written by test/demo.sh: the guide's layout on the test hosts
[etcd]
h1 ansible_host=10.77.0.11 node_ip=10.77.0.11 etcd_name=infra1
h2 ansible_host=10.77.0.12 node_ip=10.77.0.12 etcd_name=infra2
h3 ansible_host=10.77.0.13 node_ip=10.77.0.13 etcd_name=infra3

[master]
h1

[node]
h1
h2
h3

[all:vars]
ansible_user=root
ansible_ssh_private_key_file=$state/id_ed25519
ansible_ssh_common_args='-o UserKnownHostsFile=$state/known_hosts'
INI
# the test hosts' differences from the example, as extra vars
cat > "$out/testbed.yaml" <<YAML
pki_dir: $out/pki
artifacts_dir: $out/artifacts
addons_dir: $out/addons
etcd_from: packages
etcd_packages: [etcd-server, etcd-client]
docker_from: packages
docker_packages: [docker.io]
conntrack_packages: [conntrack]
install_packages: true
# no kube-apiserver runs (stand-ins): skip the kubectl steps against it
kube_api_tasks: false
YAML
# the release tarballs, as STAND-INS, and their own checksums
bash "$here/cluster/stand-in-downloads.sh" "$out/downloads" >> "$out/testbed.yaml"
cd "$repo"
./bin/tsplay.js playbooks/artifacts.ts -i "$out/inventory" -e "@$out/testbed.yaml" -e "downloads_dir=$out/downloads" >&2

$prepare_only && exit 0
./bin/tsplay.js playbooks/cluster.ts -i "$out/inventory" -e "@$out/testbed.yaml" "$@" || exit $?
[[ " $* " == *" --check "* || " $* " == *" -C "* ]] && exit 0
echo
echo "docker on flannel's subnet (flanneld's lease in etcd, docker0 of Debian's dockerd):"
for ip in 10.77.0.11 10.77.0.12 10.77.0.13; do
  ssh -i "$state/id_ed25519" -o UserKnownHostsFile="$state/known_hosts" -o BatchMode=yes "root@$ip" \
    'printf "%s  %s  docker0 %s\n" "$(hostname)" "$(grep FLANNEL_SUBNET /run/flannel/subnet.env)" "$(ip -4 -o addr show docker0 | awk "{print \$4}")"' || true
done
