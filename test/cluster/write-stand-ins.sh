#!/usr/bin/env bash
# Writes STAND-INS for the release binaries the cluster playbook installs, laid out as the
# releases unpack (one folder per version), into the folder given:
#   kubernetes-VERSION/server/bin/{kube-apiserver,kube-controller-manager,kube-scheduler,kubelet,kube-proxy}
#   flannel-v0.7.1/{flanneld,mk-docker-opts.sh}   docker/dockerd
# Usage: write-stand-ins.sh DEST [KUBE_VERSION...]   (Kubernetes v1.8.4 by default)
# (test/demo.sh does not put them in artifacts_dir itself: stand-in-downloads.sh packs them as
# the release tarballs, which playbooks/artifacts.ts checks and unpacks there.)
# Each is a small sh script: `--version` prints its version as the real one does; it refuses
# (exit 2, "unknown flag") any flag the real component of its version (Kubernetes 1.8 or
# 1.9, flannel 0.7.1, docker 17.12) does not have — the lists below are the flags of those
# versions that the roles may pass, and each version's feature gates — then stays running. kube-apiserver answers TCP
# connections on its --secure-port (a line naming its host and version: enough for a load
# balancer's health checks and a test's connection through one). Type=notify units get
# READY=1 from python3, which the script execs (with its arguments, so they stay visible in
# /proc) so that the notification comes from the main process. A test makes one fail to
# start on one host by naming it in that host's /etc/kubernetes/stand-in-fails.
set -euo pipefail
dest=$1
shift
versions=("${@:-v1.8.4}")
mkdir -p "$dest/flannel-v0.7.1" "$dest/docker"

# the feature gates a Kubernetes version knows (its pkg/features and apiserver's), each taken
# as NAME=true|false: 1.8's, and from 1.9 on three alpha gates 1.8 refuses
feature_gates() { # VERSION
  local gates="Accelerators AdvancedAuditing AllAlpha APIListChunking AppArmor CPUManager CustomResourceValidation DebugContainers DynamicKubeletConfig EnableEquivalenceClassCache ExpandPersistentVolumes ExperimentalCriticalPodAnnotation ExperimentalHostUserNamespaceDefaulting Initializers LocalStorageCapacityIsolation MountPropagation PersistentLocalVolumes PodPriority RotateKubeletClientCertificate RotateKubeletServerCertificate ServiceNodeExclusion StreamingProxyRedirects TaintBasedEvictions TaintNodesByCondition"
  case $1 in v1.[0-8].*) ;; v1.*) gates="$gates BlockVolume CSIPersistentVolume CustomPodDNS" ;; esac
  echo "$gates"
}

stand_in() { # PATH NAME NOTIFY PRELUDE FLAGS...
  local path=$1 name=$2 notify=$3 prelude=$4; shift 4
  {
    echo '#!/bin/sh'
    echo "# STAND-IN for $name (tsplay tests): checks its flags, then stays running. Not the real program."
    echo "version='${name#* }'"
    echo 'if [ "$*" = --version ]; then case $version in v[0-9]*) echo "Kubernetes $version" ;; *) echo "$version" ;; esac; exit 0; fi'
    echo 'if grep -qx "$(basename "$0")" /etc/kubernetes/stand-in-fails 2>/dev/null; then echo "failing on purpose (stand-in-fails)" >&2; exit 1; fi'
    echo "accepted=' $* '"
    echo "gates=' $(feature_gates "${name#* }") '"
    cat <<'SH'
for arg in "$@"; do
  case "$arg" in
    -*) flag=${arg#-}; flag=${flag#-}; flag=${flag%%=*}
        case "$accepted" in *" $flag "*) ;; *) echo "unknown flag: $arg" >&2; exit 2 ;; esac
        if [ "$flag" = feature-gates ]; then
          for gate in $(echo "${arg#*=}" | tr ',' ' '); do
            case "$gates" in *" ${gate%%=*} "*) ;; *) echo "unrecognized feature gate: ${gate%%=*}" >&2; exit 2 ;; esac
            case "${gate#*=}" in true|false) ;; *) echo "invalid value of $gate" >&2; exit 2 ;; esac
          done
        fi ;;
    *) echo "unexpected argument: $arg" >&2; exit 2 ;;
  esac
done
SH
    echo "$prelude"
    if [ "$notify" = serve ]; then
      echo "$SERVE"
    elif [ "$notify" = notify ]; then
      echo "exec python3 -c 'import os, socket, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
a = os.environ[\"NOTIFY_SOCKET\"]
s.connect(\"\\0\" + a[1:] if a.startswith(\"@\") else a)
s.send(b\"READY=1\")
time.sleep(10**9)' \"\$@\""
    else
      echo 'exec sleep infinity'
    fi
  } > "$path"
  chmod 0755 "$path"
}

# kube-apiserver's main process: READY=1, then one line to every TCP connection on
# --bind-address:--secure-port
SERVE=$(cat <<'PY'
exec python3 -c 'import os, socket, sys
args = dict(a.lstrip("-").split("=", 1) for a in sys.argv[1:] if "=" in a)
server = socket.create_server((args.get("bind-address", "0.0.0.0"), int(args.get("secure-port", "6443"))))
n = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
a = os.environ["NOTIFY_SOCKET"]
n.connect("\0" + a[1:] if a.startswith("@") else a)
n.send(b"READY=1")
while True:
    c, _ = server.accept()
    c.sendall(("kube-apiserver %s %s\n" % (socket.gethostname(), os.environ.get("STAND_IN_VERSION", ""))).encode())
    c.close()' "$@"
PY
)
common="logtostderr v"
for version in "${versions[@]}"; do
k8s="$dest/kubernetes-$version/server/bin"
mkdir -p "$k8s"
stand_in "$k8s/kube-apiserver" "kube-apiserver $version" serve 'export STAND_IN_VERSION=$version' $common \
  etcd-servers advertise-address bind-address insecure-bind-address insecure-port secure-port allow-privileged \
  service-cluster-ip-range admission-control authorization-mode runtime-config kubelet-https \
  experimental-bootstrap-token-auth enable-bootstrap-token-auth token-auth-file service-node-port-range \
  tls-cert-file tls-private-key-file client-ca-file service-account-key-file etcd-cafile etcd-certfile \
  etcd-keyfile etcd-prefix enable-swagger-ui apiserver-count audit-log-maxage audit-log-maxbackup \
  audit-log-maxsize audit-log-path event-ttl kubelet-port
stand_in "$k8s/kube-controller-manager" "kube-controller-manager $version" plain "" $common \
  master kubeconfig address port service-cluster-ip-range cluster-name cluster-cidr allocate-node-cidrs \
  cluster-signing-cert-file cluster-signing-key-file service-account-private-key-file root-ca-file leader-elect \
  experimental-cluster-signing-duration feature-gates
stand_in "$k8s/kube-scheduler" "kube-scheduler $version" plain "" $common master kubeconfig address port leader-elect
stand_in "$k8s/kubelet" "kubelet $version" plain "" $common \
  address port hostname-override allow-privileged cgroup-driver cluster-dns cluster-domain \
  experimental-bootstrap-kubeconfig bootstrap-kubeconfig kubeconfig require-kubeconfig cert-dir \
  hairpin-mode serialize-image-pulls fail-swap-on pod-infra-container-image rotate-certificates feature-gates
stand_in "$k8s/kube-proxy" "kube-proxy $version" plain "" $common \
  master kubeconfig bind-address hostname-override cluster-cidr masquerade-all proxy-mode
done

# flanneld: takes a subnet lease in etcd (v2 API) as flannel 0.7 does: its own lease again
# if one names its public address, else the first free subnet of the network config (a
# PREFIX/subnets/A.B.C.D-LEN key, made only if absent, with a 24 h TTL), then writes
# /run/flannel/subnet.env from it. It neither renews the lease nor sets up routes.
flanneld_lease=$(cat <<'PRELUDE'
python3 - "$@" <<'PY' || exit 1
import ipaddress, json, os, subprocess, sys
opts = dict(a.lstrip("-").split("=", 1) for a in sys.argv[1:] if "=" in a)
prefix, ip = opts["etcd-prefix"], opts["public-ip"]
def etcd(*args):
    tls = ["--ca-file", opts["etcd-cafile"], "--cert-file", opts["etcd-certfile"], "--key-file", opts["etcd-keyfile"]]
    return subprocess.run(["etcdctl", "--endpoints", opts["etcd-endpoints"], *tls, *args], env=dict(os.environ, ETCDCTL_API="2"), capture_output=True, text=True)
got = etcd("get", prefix + "/config")
if got.returncode:
    sys.exit("flanneld (stand-in): no network config at %s/config: %s" % (prefix, got.stderr.strip()))
config = json.loads(got.stdout)
network, length = ipaddress.ip_network(config["Network"]), int(config.get("SubnetLen", 24))
backend = config.get("Backend", {}).get("Type", "udp")
lease = None
for key in etcd("ls", prefix + "/subnets").stdout.split():
    if json.loads(etcd("get", key).stdout or "{}").get("PublicIP") == ip:
        lease = key.rsplit("/", 1)[1]
        break
for subnet in list(network.subnets(new_prefix=length))[1:] if lease is None else []:
    key = "%s-%d" % (subnet.network_address, length)
    made = etcd("mk", "--ttl", "86400", "%s/subnets/%s" % (prefix, key), json.dumps({"PublicIP": ip, "BackendType": backend}))
    if made.returncode == 0:
        lease = key
        break
    if "already exists" not in made.stderr:
        sys.exit("flanneld (stand-in): could not take a lease: " + made.stderr.strip())
if lease is None:
    sys.exit("flanneld (stand-in): no free subnet in " + str(network))
subnet = ipaddress.ip_network(lease.replace("-", "/"))
os.makedirs("/run/flannel", exist_ok=True)
with open("/run/flannel/subnet.env", "w") as env:
    env.write("FLANNEL_NETWORK=%s\nFLANNEL_SUBNET=%s/%d\nFLANNEL_MTU=%d\nFLANNEL_IPMASQ=false\n" % (network, subnet.network_address + 1, length, 1450 if backend == "vxlan" else 1500))
PY
PRELUDE
)
stand_in "$dest/flannel-v0.7.1/flanneld" "flanneld v0.7.1" notify "$flanneld_lease" \
  etcd-endpoints etcd-prefix etcd-cafile etcd-certfile etcd-keyfile iface public-ip ip-masq subnet-file v
# mk-docker-opts.sh: -k KEY -d FILE, from /run/flannel/subnet.env, as the real script writes it
cat > "$dest/flannel-v0.7.1/mk-docker-opts.sh" <<'SH'
#!/bin/sh
# STAND-IN for flannel's mk-docker-opts.sh (tsplay tests): -k KEY -d FILE only.
key=DOCKER_OPTS; file=/run/docker_opts.env
while getopts "k:d:" opt; do case $opt in k) key=$OPTARG ;; d) file=$OPTARG ;; *) exit 2 ;; esac; done
. /run/flannel/subnet.env
printf 'DOCKER_OPT_BIP="--bip=%s"\nDOCKER_OPT_IPMASQ="--ip-masq=true"\nDOCKER_OPT_MTU="--mtu=%s"\n%s=" --bip=%s --ip-masq=true --mtu=%s"\n' \
  "$FLANNEL_SUBNET" "$FLANNEL_MTU" "$key" "$FLANNEL_SUBNET" "$FLANNEL_MTU" > "$file"
SH
chmod 0755 "$dest/flannel-v0.7.1/mk-docker-opts.sh"
# dockerd: only for docker_from: artifacts; the tests install Debian's docker.io instead
stand_in "$dest/docker/dockerd" "dockerd 17.12" notify "" bip ip-masq mtu exec-opt H host iptables log-level containerd
