/**
 * The cluster settings (inventory/group_vars/all.yaml) that roles read in code, typed and
 * checked where they are read: a setting of the wrong type fails the task naming it, rather
 * than reaching a host as "undefined" or "[object Object]". Templates read settings as they are.
 *
 *   packagesTask("docker packages", (h) => settings(h).docker_packages)
 */
import type { HostContext } from "../../engine";

const EXAMPLE = {
  pki_dir: "",
  ssl_dir: "",
  cluster_domain: "",
  service_cluster_ip_range: "",
  cluster_dns: "",
  kubernetes_extra_sans: [] as string[],
  kube_log_level: 0,
  etcd_from: "",
  etcd_packages: [] as string[],
  flannel_from: "",
  docker_from: "",
  docker_packages: [] as string[],
  conntrack_packages: [] as string[],
  install_packages: true,
  kube_api_tasks: true,
  etcd_health_timeout: 0,
};

export type ClusterSettings = typeof EXAMPLE;

const kind = (value: unknown) => (Array.isArray(value) ? "list" : typeof value);

export function settings(h: Pick<HostContext, "vars">): ClusterSettings {
  return new Proxy(EXAMPLE, {
    get: (example, key: string) => {
      const value = h.vars[key];
      const wanted = kind(example[key as keyof ClusterSettings]);
      if (kind(value) !== wanted || (Array.isArray(value) && value.some((v) => typeof v !== "string"))) {
        throw new Error(`the cluster setting '${key}' must be a ${wanted === "list" ? "list of strings" : wanted}, got ${value === undefined ? "nothing" : JSON.stringify(value)} (inventory/group_vars/all.yaml)`);
      }
      return value;
    },
  });
}
