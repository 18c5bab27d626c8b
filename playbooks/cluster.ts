/**
 * The binary Kubernetes deployment of seed-cluster-guide.md (2.1-2.7), on the hosts of an
 * inventory with groups etcd, master and node (see inventory/):
 *
 *   tsplay playbooks/cluster.ts -i inventory
 *   tsplay playbooks/cluster.ts -i inventory --check --diff
 *   tsplay playbooks/cluster.ts -i inventory --tags kubelet
 *
 * Plays run in the guide's order; each role is tagged with its name. etcd members whose
 * files changed restart one at a time (a play with serial: 1), so the cluster keeps quorum.
 * The last play runs the guide's checks. Before all of them, the release files the run will
 * copy are checked against artifacts_dir's manifest (playbooks/artifacts.ts writes it).
 */
import { play, playbook, task } from "../engine";
import { assert, etcdctl, kubectl } from "../modules";
import { ca } from "../roles/ca";
import { clusterDns } from "../roles/cluster-dns";
import { clusterFiles } from "../roles/cluster-files";
import { docker } from "../roles/docker";
import { etcd, etcdRollingRestart } from "../roles/etcd";
import { flannel } from "../roles/flannel";
import { kubeLb } from "../roles/kube-lb";
import { kubeProxy } from "../roles/kube-proxy";
import { kubelet } from "../roles/kubelet";
import { master } from "../roles/master";
import { clusterFacts } from "../roles/shared/cluster-facts";
import { verifyArtifacts } from "../roles/shared/verify-artifacts";

const flannelConfig = task("flannel's network config is in etcd", etcdctl({ action: "get", api: "v2", key: "{{flannel_etcd_prefix}}/config" }), {
  register: "flannel_config",
  runOnce: true,
});

export default playbook([
  verifyArtifacts(),
  play({ name: "PKI on the controller (2.1, 2.2, 2.4.2)", hosts: "localhost", gatherFacts: false, preTasks: [clusterFacts()], roles: [{ role: ca, tags: ["ca"] }] }),
  // untagged as a role: each of its tasks carries the tags of the roles that use its file
  play({ name: "certificates and shared files on every host (2.1.7, 2.2.4)", hosts: "etcd:master:node", gatherFacts: false, preTasks: [clusterFacts()], roles: [clusterFiles] }),
  play({ name: "etcd cluster (2.3)", hosts: "etcd", preTasks: [clusterFacts()], roles: [{ role: etcd, tags: ["etcd"] }] }),
  etcdRollingRestart,
  play({ name: "master (2.5)", hosts: "master", gatherFacts: false, preTasks: [clusterFacts()], roles: [{ role: master, tags: ["master"] }] }),
  play({
    name: "nodes: flannel, docker, kubelet, kube-proxy (2.6, 2.7)",
    hosts: "node",
    preTasks: [clusterFacts()],
    roles: [
      { role: flannel, tags: ["flannel"] },
      { role: docker, tags: ["docker"] },
      { role: kubeLb, tags: ["kube-lb"] },
      { role: kubelet, tags: ["kubelet"] },
      { role: kubeProxy, tags: ["kube-proxy"] },
    ],
  }),
  // the kubelets point at cluster_dns: kube-dns answers there (tag dns; kubectl on the controller)
  play({ name: "cluster DNS add-on (kube-dns)", hosts: "master", gatherFacts: false, preTasks: [clusterFacts()], roles: [{ role: clusterDns, tags: ["dns"] }] }),
  play({
    name: "the guide's checks",
    hosts: "etcd",
    gatherFacts: false,
    tags: ["check"],
    preTasks: [clusterFacts()],
    tasks: [
      task("etcd cluster is healthy (2.3.4)", etcdctl({ action: "health", timeout: 60 }), { runOnce: true }),
      flannelConfig,
      task(
        "flannel's config is the inventory's (2.6)",
        assert({
          that: (h) => {
            const json = h.result(flannelConfig)?.json as { Network?: string; Backend?: { Type?: string } } | undefined;
            return json?.Network === h.vars.pod_network && json?.Backend?.Type === h.vars.flannel_backend;
          },
          failMsg: "the flannel network config in etcd is missing or differs from pod_network / flannel_backend",
        }),
        { runOnce: true, when: (h) => !h.vars.ansible_check_mode || h.result(flannelConfig)?.exists === true },
      ),
      task("component statuses (2.5.4)", kubectl({ get: ["componentstatuses"], kubeconfig: "{{pki_dir}}/admin.kubeconfig" }), {
        delegateTo: "localhost",
        runOnce: true,
        when: (h) => h.vars.kube_api_tasks !== false,
      }),
    ],
  }),
]);
