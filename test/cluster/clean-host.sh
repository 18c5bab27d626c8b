# Removes what playbooks/cluster.ts installed on a test host (run there as root, by
# test/e2e/cluster.test.ts and `bash test/demo.sh --clean`). etcd is left stopped; Debian's
# own etcd unit and its data in /var/lib/etcd/default are kept.
units="kube-proxy kubelet haproxy docker flanneld kube-scheduler kube-controller-manager kube-apiserver etcd"
for u in $units; do systemctl disable --now "$u.service" >/dev/null 2>&1; done
for u in $units; do rm -f "/etc/systemd/system/$u.service"; done
systemctl daemon-reload
for u in $units; do systemctl reset-failed "$u.service" >/dev/null 2>&1; done
# what the docker and kube-proxy roles installed from the testbed's mirror, and docker's state
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q docker.io containerd runc conntrack haproxy >/dev/null 2>&1
DEBIAN_FRONTEND=noninteractive apt-get autoremove --purge -y -q >/dev/null 2>&1
ip link del docker0 2>/dev/null
rm -rf /var/lib/docker /var/lib/containerd /run/docker /run/containerd /etc/docker /etc/haproxy /var/lib/tsplay-removed-*
rm -rf /var/lib/etcd-backup /var/lib/etcd-restore /var/lib/etcd/member.* /var/lib/etcd/tsplay-restored-from
rm -rf /etc/kubernetes /etc/etcd /etc/sysconfig/flanneld /run/flannel /var/lib/kubelet /var/lib/etcd/member \
  /var/log/kube-apiserver-audit.log /usr/local/bin/kube-apiserver /usr/local/bin/kube-controller-manager \
  /usr/local/bin/kube-scheduler /usr/local/bin/kubelet /usr/local/bin/kube-proxy /usr/local/bin/flanneld \
  /usr/local/bin/mk-docker-opts.sh /usr/local/bin/dockerd /usr/local/bin/etcd /usr/local/bin/etcdctl
true
