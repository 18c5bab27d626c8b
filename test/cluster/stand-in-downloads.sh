#!/usr/bin/env bash
# Packs the STAND-INS of write-stand-ins.sh as the release tarballs they stand in for, named
# and laid out as on the release pages, into the folder given, for playbooks/artifacts.ts
# to check and unpack as it does the real ones:
#   kubernetes-server-linux-amd64.tar.gz   kubernetes/server/bin/{kube-apiserver,...,kube-proxy}
#   flannel-v0.7.1-linux-amd64.tar.gz      flanneld, mk-docker-opts.sh
# and prints, as YAML extra vars, the checksums of these tarballs: their own, NOT the
# published ones (those are for the real tarballs, in inventory/group_vars/all.yaml).
# Usage: stand-in-downloads.sh DEST [KUBE_VERSION] >> extra-vars.yaml   (v1.8.4 by default)
# Another Kubernetes version needs a DEST of its own: the tarball's name has no version.
# The tarballs are the same bytes on every run (fixed times, owners and order), their
# checksums too.
set -euo pipefail
dest=$1
version=${2:-v1.8.4}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$here/write-stand-ins.sh" "$work/bin" "$version"
mkdir -p "$work/kubernetes/server" "$dest"
cp -a "$work/bin/kubernetes-$version/server/bin" "$work/kubernetes/server/"

pack() { # TARBALL FOLDER NAMES...
  local tarball=$1 folder=$2
  shift 2
  tar -C "$folder" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - "$@" | gzip -n > "$dest/$tarball"
}
pack kubernetes-server-linux-amd64.tar.gz "$work" kubernetes
pack flannel-v0.7.1-linux-amd64.tar.gz "$work/bin/flannel-v0.7.1" flanneld mk-docker-opts.sh

checksum() { local sum; sum=$(sha256sum < "$dest/$1"); echo "sha256:${sum%% *}"; }
cat <<YAML
# the STAND-IN tarballs' own checksums (test/cluster/stand-in-downloads.sh), not the published ones
kubernetes_server_checksums: { $version: "$(checksum kubernetes-server-linux-amd64.tar.gz)" }
flannel_checksums: { v0.7.1: "$(checksum flannel-v0.7.1-linux-amd64.tar.gz)" }
YAML
