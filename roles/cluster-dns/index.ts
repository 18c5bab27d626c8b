/**
 * cluster-dns: the DNS add-on of the guide's era, kube-dns 1.14 (kube-dns, dnsmasq, sidecar),
 * whose Service answers at `cluster_dns`, the address every kubelet gives its pods
 * (--cluster-dns). The manifest is rendered from templates/kube-dns.yaml.mustache into
 * `addons_dir` on the controller, so `--check --diff` shows it, then applied there with
 * kubectl and the admin kubeconfig, once for the cluster. A changed cluster_dns replaces the
 * Service (its clusterIP cannot change in place).
 *
 *   play({ name: "cluster DNS", hosts: "master", roles: [{ role: clusterDns, tags: ["dns"] }] })
 */
import { role, task } from "../../engine";
import { file, kubectl, template } from "../../modules";
import { settings } from "../shared/settings";

const onController = { delegateTo: "localhost", runOnce: true };

export const clusterDns = role({
  name: "cluster-dns",
  dir: import.meta.dirname,
  tasks: [
    task("add-ons folder", file({ path: "{{addons_dir}}", state: "directory", mode: "0755" }), onController),
    task("kube-dns manifest", template({ src: "kube-dns.yaml.mustache", dest: "{{addons_dir}}/kube-dns.yaml", mode: "0644" }), onController),
    // under --check the manifest read is the one the task above would write
    task("kube-dns applied", kubectl({ src: "{{addons_dir}}/kube-dns.yaml", force: true, kubeconfig: "{{pki_dir}}/admin.kubeconfig" }), {
      ...onController,
      when: (h) => settings(h).kube_api_tasks,
    }),
  ],
});
