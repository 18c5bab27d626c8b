#!/usr/bin/env bash
# Debian tools the tests check tsplay's work with: openssl (certificates), etcd
# (a real TLS handshake), kubectl (kubeconfigs). Installs only what is missing.
set -euo pipefail
missing=()
command -v openssl >/dev/null || missing+=(openssl)
command -v etcd >/dev/null || missing+=(etcd-server)
command -v etcdctl >/dev/null || missing+=(etcd-client)
command -v kubectl >/dev/null || missing+=(kubernetes-client)
((${#missing[@]} == 0)) && exit 0
[ "$(id -u)" = 0 ] || { echo "install-tools: run as root to install ${missing[*]}" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
echo "install-tools: installed ${missing[*]}"
