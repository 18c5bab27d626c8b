#!/usr/bin/env bash
# Debian tools the tests check tsplay's work with: openssl (certificates), etcd
# (a real TLS handshake), kubectl (kubeconfigs), what the package tests build
# local repositories with, chromium (the run report, rendered as a person sees
# it), and ansible-core (its ansible-vault and what tsplay's vault writes must agree
# both ways). Installs only what is missing.
set -euo pipefail
missing=()
command -v openssl >/dev/null || missing+=(openssl)
command -v etcd >/dev/null || missing+=(etcd-server)
command -v etcdctl >/dev/null || missing+=(etcd-client)
command -v kubectl >/dev/null || missing+=(kubernetes-client)
# for the package tests: a local RPM repository (rpmbuild, createrepo_c) and apt repository
command -v rpmbuild >/dev/null || missing+=(rpm)
command -v createrepo_c >/dev/null || missing+=(createrepo-c)
command -v dpkg-scanpackages >/dev/null || missing+=(dpkg-dev)
# for the report tests: playwright-core drives Debian's browser, it never downloads one
[ -x /usr/bin/chromium ] || missing+=(chromium)
# for the vault tests: files either tool encrypts, the other decrypts
command -v ansible-vault >/dev/null || missing+=(ansible-core)
((${#missing[@]} == 0)) && exit 0
[ "$(id -u)" = 0 ] || { echo "install-tools: run as root to install ${missing[*]}" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
echo "install-tools: installed ${missing[*]}"
