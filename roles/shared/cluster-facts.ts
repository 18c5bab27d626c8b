/**
 * The values every role derives from the inventory: addresses come from each host's
 * `node_ip` (or `ansible_host`), lists from the `etcd` and `master` groups. Computed once
 * per play by a task tagged `always`, so `--tags kubelet` still sees them; no address is
 * ever written into a role.
 */
import { task, type HostContext, type Vars } from "../../engine";
import { setFact } from "../../modules";
import { checkClusterDns, firstServiceAddress } from "./service-range";
import { settings } from "./settings";

const groupOf = (h: HostContext, group: string): readonly string[] => {
  const members = h.groups[group] ?? [];
  if (members.length === 0) throw new Error(`the inventory has no '${group}' group: the cluster playbook needs etcd, master and node groups`);
  return members;
};

const hostVars = (h: HostContext, name: string): Vars => ((h.vars.hostvars as Record<string, Vars>)[name] ?? {}) as Vars;

/** The address the cluster uses for a host: its node_ip, else ansible_host. */
export function addressOf(h: HostContext, name: string): string {
  const vars = hostVars(h, name);
  const address = vars.node_ip ?? vars.ansible_host;
  if (typeof address !== "string" || address === "") throw new Error(`host ${name} has neither node_ip nor ansible_host in the inventory`);
  return address;
}

function etcdMemberName(h: HostContext, name: string): string {
  return String(hostVars(h, name).etcd_name ?? name);
}

/** The facts, as a setFact task; each play of the cluster playbook starts with it. */
export const clusterFacts = () =>
  task(
    "cluster facts from the inventory",
    setFact({
      // the inventory's, checked in every play's first task: kube-apiserver would refuse an address outside the service range
      cluster_dns: (h) => checkClusterDns(settings(h).cluster_dns, settings(h).service_cluster_ip_range),
      node_ip: (h) => (h.groups.all?.includes(h.host) ? addressOf(h, h.host) : "127.0.0.1"),
      etcd_endpoints: (h) => groupOf(h, "etcd").map((n) => `https://${addressOf(h, n)}:2379`).join(","),
      etcd_initial_cluster: (h) => groupOf(h, "etcd").map((n) => `${etcdMemberName(h, n)}=https://${addressOf(h, n)}:2380`).join(","),
      etcd_member_name: (h) => etcdMemberName(h, h.host),
      etcd_bin: (h) => (h.vars.etcd_from === "packages" ? "/usr/bin/etcd" : "/usr/local/bin/etcd"),
      flanneld_bin: (h) => (h.vars.flannel_from === "packages" ? "/usr/bin/flanneld" : "/usr/local/bin/flanneld"),
      mk_docker_opts_bin: (h) => (h.vars.flannel_from === "packages" ? "/usr/libexec/flannel/mk-docker-opts.sh" : "/usr/local/bin/mk-docker-opts.sh"),
      // Debian's docker.io: dockerd in /usr/sbin, started through docker.socket, with containerd as a service of its own
      dockerd_bin: (h) => (h.vars.docker_from !== "packages" ? "/usr/local/bin/dockerd" : h.facts.os_family === "Debian" ? "/usr/sbin/dockerd" : "/usr/bin/dockerd"),
      docker_debian_package: (h) => h.vars.docker_from === "packages" && h.facts.os_family === "Debian",
      // the etcdctl module's default connection: the member certificate, which flanneld also uses
      etcd_client: (h) => ({
        endpoints: groupOf(h, "etcd").map((n) => `https://${addressOf(h, n)}:2379`),
        ca: `${settings(h).ssl_dir}/ca.pem`,
        cert: `${settings(h).ssl_dir}/kubernetes.pem`,
        key: `${settings(h).ssl_dir}/kubernetes-key.pem`,
      }),
      // a node reaches the API through its local load balancer when there are several masters
      // (roles/kube-lb); the controller's kubectl (admin.kubeconfig) through the first master
      kube_apiserver_url: (h) =>
        groupOf(h, "master").length > 1 ? `https://127.0.0.1:${String(h.vars.kube_lb_port)}` : `https://${addressOf(h, groupOf(h, "master")[0]!)}:${String(h.vars.apiserver_secure_port)}`,
      kube_admin_url: (h) => `https://${addressOf(h, groupOf(h, "master")[0]!)}:${String(h.vars.apiserver_secure_port)}`,
      kube_lb_masters: (h) => groupOf(h, "master").map((name) => ({ name, address: addressOf(h, name), port: String(h.vars.apiserver_secure_port) })),
      apiserver_count: (h) => String(groupOf(h, "master").length),
      kubernetes_hosts: (h) => {
        const addresses = [...groupOf(h, "etcd"), ...groupOf(h, "master")].map((n) => addressOf(h, n));
        const domain = settings(h).cluster_domain;
        const names = ["kubernetes", "kubernetes.default", "kubernetes.default.svc", `kubernetes.default.svc.${domain.split(".")[0]}`, `kubernetes.default.svc.${domain}`];
        return [...new Set(["127.0.0.1", ...addresses, firstServiceAddress(settings(h).service_cluster_ip_range), ...names, ...settings(h).kubernetes_extra_sans])];
      },
    }),
    { tags: ["always"] },
  );
