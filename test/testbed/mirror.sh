# The test hosts' package mirror (sourced by lib.sh, not run). The hosts have no route out,
# so the .deb files the cluster playbook installs are fetched here, on the controller, with
# apt's own tools, indexed as a real apt repository and served over HTTP on the testbed
# bridge only. Each host's only apt source is this mirror: `pkg` installs through apt there
# exactly as it would from a mirror on a real network.

MIRROR=$CACHE/mirror
MIRROR_PORT=8690
MIRROR_URL="http://$CONTROLLER_IP:$MIRROR_PORT"
# What the cluster playbook installs on Debian hosts, and busybox-static, whose binary the
# tests make a container image of (no registry is reachable).
MIRROR_PACKAGES="docker.io conntrack haproxy nginx busybox-static"

# Fetches what the base root filesystem lacks of MIRROR_PACKAGES (dependencies resolved
# against its own dpkg status; the hosts install without recommends, see configure_host),
# then indexes it. Kept until the package list or the base changes.
build_mirror() {
  local key tmp
  key=$(printf '%s\n' "$MIRROR_PACKAGES" | cat - "$ROOTFS/var/lib/dpkg/status" | sha256sum | cut -d' ' -f1)
  [ "$(cat "$MIRROR/key" 2>/dev/null)" = "$key" ] && return 0
  echo "testbed: fetching the packages of the hosts' mirror" >&2
  tmp=$CACHE/mirror.tmp.$$
  rm -rf "$tmp" && mkdir -p "$tmp/partial"
  local apt=(apt-get -q -y -o Debug::NoLocking=1 -o "Dir::State::status=$ROOTFS/var/lib/dpkg/status"
    -o APT::Install-Recommends=false -o "Dir::Cache::archives=$tmp" --download-only install $MIRROR_PACKAGES)
  # a fresh machine may have no package lists yet
  "${apt[@]}" >"$CACHE/mirror.log" 2>&1 || { apt-get update -q >>"$CACHE/mirror.log" 2>&1 && "${apt[@]}" >>"$CACHE/mirror.log" 2>&1; } ||
    die "could not fetch the mirror's packages, see $CACHE/mirror.log"
  rm -rf "$tmp/partial" "$tmp/lock"
  (cd "$tmp" && dpkg-scanpackages --multiversion . /dev/null >Packages 2>>"$CACHE/mirror.log" && gzip -9kn Packages) ||
    die "dpkg-scanpackages failed, see $CACHE/mirror.log"
  write_release "$tmp" >"$tmp/Release"
  echo "$key" >"$tmp/key"
  rm -rf "$MIRROR"
  mv "$tmp" "$MIRROR"
}

# A flat repository's Release file: what apt checks the downloaded indexes against.
write_release() {
  local dir=$1 f
  printf 'Origin: tsplay-testbed\nLabel: tsplay-testbed\nSuite: testbed\nCodename: testbed\nDate: %s\nSHA256:\n' "$(date -Ru)"
  for f in Packages Packages.gz; do
    printf ' %s %s %s\n' "$(sha256sum <"$dir/$f" | cut -d' ' -f1)" "$(stat -c %s "$dir/$f")" "$f"
  done
}

# The running mirror server's pid, or nothing (a recorded pid counts only while it is ours).
mirror_pid() {
  local pid
  pid=$(cat "$STATE/mirror.pid" 2>/dev/null) || return 0
  [ -r "/proc/$pid/cmdline" ] || return 0
  if [[ $(tr '\0' ' ' <"/proc/$pid/cmdline") == *"http.server --bind $CONTROLLER_IP $MIRROR_PORT "* ]]; then echo "$pid"; fi
}

# Python's own static file server, bound to the bridge address: reachable from the hosts only.
start_mirror() {
  [ -z "$(mirror_pid)" ] || return 0
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-"; fi
    done
    exec setsid python3 -m http.server --bind "$CONTROLLER_IP" "$MIRROR_PORT" --directory "$MIRROR"
  ) </dev/null >"$STATE/mirror.log" 2>&1 &
  echo $! >"$STATE/mirror.pid"
  local i
  for i in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/$CONTROLLER_IP/$MIRROR_PORT") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "the package mirror did not start on $MIRROR_URL, see $STATE/mirror.log"
}

stop_mirror() {
  local pid
  pid=$(mirror_pid)
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
  rm -f "$STATE/mirror.pid"
}

# apt inside a host: the mirror as its only source, no recommends (what a minimal server
# installs; the mirror holds dependencies only).
host_apt_config() {
  local root=$1
  printf 'deb [trusted=yes] %s ./\n' "$MIRROR_URL" | write_if_changed "$root/etc/apt/sources.list" 0644
  printf 'APT::Install-Recommends "false";\nAcquire::Retries "0";\n' | write_if_changed "$root/etc/apt/apt.conf.d/90tsplay-testbed" 0644
}
