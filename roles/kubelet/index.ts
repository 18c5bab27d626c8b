/**
 * kubelet: on each `node` (seed-cluster-guide.md 2.7.2): swap off (now and in /etc/fstab),
 * the unit and /etc/kubernetes/kubelet, TLS bootstrapping with bootstrap.kubeconfig (never
 * the admin credentials), and the approval of the kubelets' certificate requests with
 * kubectl on the controller.
 */
import { handler, role, task, type HostContext } from "../../engine";
import { file, kubectl, shell, systemd, template } from "../../modules";
import { kubernetesBinary } from "../shared/kubernetes-files";
import { restartForSharedFiles } from "../shared/restart-for-shared-files";
import { settings } from "../shared/settings";
import { unitFile } from "../shared/unit";

const restartKubelet = handler("restart kubelet", systemd({ name: "kubelet", state: "restarted" }));

// what is on: "active" when swap is in use, "fstab" when /etc/fstab mounts swap at boot
const swapState = task(
  "is swap on",
  shell({ cmd: "swapon --noheadings --show=NAME | grep -q . && echo active; grep -Eq '^[^#[:space:]]+[[:space:]]+[^[:space:]]+[[:space:]]+swap[[:space:]]' /etc/fstab && echo fstab; true" }),
  { checkMode: false, changedWhen: () => false },
);
const swapOn = (h: HostContext, what: string) => (h.result(swapState)?.stdout ?? "").split("\n").includes(what);

export const kubelet = role({
  name: "kubelet",
  dir: import.meta.dirname,
  handlers: [restartKubelet],
  tasks: [
    swapState,
    task("swap off", shell({ cmd: "swapoff -a" }), { when: (h) => swapOn(h, "active") }),
    task("no swap at boot", shell({ cmd: "sed -i -E 's/^([^#[:space:]]+[[:space:]]+[^[:space:]]+[[:space:]]+swap[[:space:]])/#\\1/' /etc/fstab" }), { when: (h) => swapOn(h, "fstab") }),
    task("kubelet folder", file({ path: "/var/lib/kubelet", state: "directory", mode: "0755" })),
    kubernetesBinary("kubelet", [restartKubelet]),
    // ca.pem, bootstrap.kubeconfig and /etc/kubernetes/config come from the cluster-files role
    restartForSharedFiles("kubelet", ["changed_ca", "changed_bootstrap_kubeconfig", "changed_kube_config"], [restartKubelet]),
    task("/etc/kubernetes/kubelet", template({ src: "kubelet.mustache", dest: "/etc/kubernetes/kubelet", mode: "0644" }), { notify: [restartKubelet] }),
    ...unitFile("kubelet.service", { notify: [restartKubelet] }),
    task("kubelet enabled and running", systemd({ name: "kubelet", state: "started", enabled: true })),
    task("approve the kubelets' certificate requests", kubectl({ approveCsrs: "kubelet-bootstrap", kubeconfig: "{{pki_dir}}/admin.kubeconfig" }), {
      delegateTo: "localhost",
      runOnce: true,
      when: (h) => settings(h).kube_api_tasks,
    }),
  ],
});
