/**
 * A node (or a master) taken out of the cluster:
 *
 *   tsplay playbooks/remove-node.ts -i inventory -e node=h4
 *
 * Through the API, where one runs (kube_api_tasks): the node cordoned and drained first,
 * its Node object deleted last. On the host: its flannel subnet lease released in etcd, the
 * services the cluster playbook started there stopped and disabled (kubelet, kube-proxy,
 * docker, flanneld, and the master's and load balancer's where it has them), and the files
 * it installed moved aside to /var/lib/tsplay-removed-TIME (never deleted). Refuses the
 * last master, and a host that is an etcd member (playbooks/etcd-remove-member.ts first).
 * Then take the host out of the inventory; a cluster playbook run changes nothing.
 */
import { play, playbook, task, type HostContext } from "../engine";
import { assert, command, etcdctl, systemd } from "../modules";
import { adminKubectl } from "../roles/shared/admin-kubectl";
import { addressOf, clusterFacts } from "../roles/shared/cluster-facts";
import { settings } from "../roles/shared/settings";

const target = (h: HostContext) => {
  const value = h.vars.node;
  if (typeof value !== "string" || value === "") throw new Error("name the host to remove: -e node=NAME (its inventory name)");
  return value;
};
const isTarget = (h: HostContext) => h.host === target(h);
const inGroup = (h: HostContext, group: string) => (h.groups[group] ?? []).includes(target(h));
/** the Node's name in the API: kubelet registers with --hostname-override=node_ip */
const nodeName = (h: HostContext) => addressOf(h, target(h));
const api = (h: HostContext) => settings(h).kube_api_tasks;

const subnetEnv = task("flannel's lease of this node", command({ argv: ["cat", "/run/flannel/subnet.env"] }), {
  when: isTarget,
  checkMode: false,
  changedWhen: () => false,
  failedWhen: () => false,
});
/** FLANNEL_SUBNET=172.30.2.1/24 → PREFIX/subnets/172.30.2.0-24, the key flannel leased */
const leaseKey = (h: HostContext) => {
  const subnet = /^FLANNEL_SUBNET=(\d+)\.(\d+)\.(\d+)\.\d+\/(\d+)$/m.exec(h.result(subnetEnv)?.stdout ?? "");
  return subnet ? `${String(h.vars.flannel_etcd_prefix)}/subnets/${subnet[1]}.${subnet[2]}.${subnet[3]}.0-${subnet[4]}` : undefined;
};

// the files the cluster playbook installed, moved aside in one folder: $1 the folder, then the paths
const MOVE_ASIDE = 'set -e; dest=$1; shift; mkdir -p -m 0700 "$dest"; for p in "$@"; do if [ -e "$p" ]; then mkdir -p "$dest$(dirname "$p")"; mv "$p" "$dest$p"; fi; done; systemctl daemon-reload';
const INSTALLED = [
  "/etc/kubernetes",
  "/var/lib/kubelet",
  "/etc/sysconfig/flanneld",
  "/run/flannel",
  "/etc/haproxy/haproxy.cfg",
  ...["kubelet", "kube-proxy", "docker", "flanneld", "kube-apiserver", "kube-controller-manager", "kube-scheduler"].map((unit) => `/etc/systemd/system/${unit}.service`),
  ...["kubelet", "kube-proxy", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "flanneld", "mk-docker-opts.sh"].map((binary) => `/usr/local/bin/${binary}`),
];

const services = (h: HostContext) => [
  "kubelet",
  "kube-proxy",
  "docker",
  ...(h.vars.docker_debian_package === true ? ["docker.socket"] : []),
  "flanneld",
  ...(inGroup(h, "master") ? ["kube-apiserver", "kube-controller-manager", "kube-scheduler"] : []),
  ...((h.groups.master ?? []).length > 1 ? ["haproxy"] : []),
];

export default playbook([
  play({
    name: "the node leaves the cluster's API",
    hosts: "localhost",
    gatherFacts: false,
    anyErrorsFatal: true,
    tasks: [
      task(
        "the node can be removed",
        assert({
          that: (h) => [(h.groups.all ?? []).includes(target(h)), !(inGroup(h, "master") && (h.groups.master ?? []).length === 1), !inGroup(h, "etcd")],
          failMsg: (h) =>
            !(h.groups.all ?? []).includes(target(h))
              ? `${target(h)} is not in the inventory`
              : inGroup(h, "etcd")
                ? `refusing to remove ${target(h)}: it is an etcd member; remove it from etcd first (playbooks/etcd-remove-member.ts -e member=${target(h)})`
                : `refusing to remove ${target(h)}: it is the last master`,
        }),
      ),
      task("cordoned", adminKubectl((h) => ["cordon", nodeName(h)]), { when: api }),
      task("drained", adminKubectl((h) => ["drain", nodeName(h), "--ignore-daemonsets", "--delete-local-data", "--force", "--timeout=300s"]), { when: api }),
    ],
  }),
  play({
    name: "the node's services stopped, its lease released, its files moved aside",
    hosts: "etcd:master:node",
    gatherFacts: false,
    preTasks: [clusterFacts()],
    tasks: [
      subnetEnv,
      task("flannel's lease released", etcdctl({ action: "delete", api: "v2", key: (h) => leaseKey(h)! }), { when: (h) => isTarget(h) && leaseKey(h) !== undefined }),
      task("stopped and disabled", systemd({ name: "{{item}}", state: "stopped", enabled: false }), { when: isTarget, loop: services }),
      task(
        "installed files moved aside",
        command({ argv: (h) => ["sh", "-c", MOVE_ASIDE, "sh", `/var/lib/tsplay-removed-${new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14)}`, ...INSTALLED], removes: "/etc/kubernetes" }),
        { when: isTarget },
      ),
    ],
  }),
  play({
    name: "the Node object deleted",
    hosts: "localhost",
    gatherFacts: false,
    tasks: [task("Node deleted", adminKubectl((h) => ["delete", "node", nodeName(h), "--ignore-not-found"]), { when: api })],
  }),
]);
