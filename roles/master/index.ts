/**
 * master: kube-apiserver, kube-controller-manager and kube-scheduler (seed-cluster-guide.md
 * 2.5) on the `master` group, their files under /etc/kubernetes, and the kubelet-bootstrap
 * clusterrolebinding (2.7.2), made with kubectl on the controller. Each service restarts
 * only when one of the files it reads changed.
 */
import { handler, role, task } from "../../engine";
import { kubectl, systemd, template } from "../../modules";
import { kubernetesBinary } from "../shared/kubernetes-files";
import { restartForSharedFiles } from "../shared/restart-for-shared-files";
import { settings } from "../shared/settings";
import { unitFile } from "../shared/unit";

const restartApiserver = handler("restart kube-apiserver", systemd({ name: "kube-apiserver", state: "restarted" }));
const restartControllerManager = handler("restart kube-controller-manager", systemd({ name: "kube-controller-manager", state: "restarted" }));
const restartScheduler = handler("restart kube-scheduler", systemd({ name: "kube-scheduler", state: "restarted" }));
const all = [restartApiserver, restartControllerManager, restartScheduler];

export const master = role({
  name: "master",
  dir: import.meta.dirname,
  handlers: all,
  tasks: [
    kubernetesBinary("kube-apiserver", [restartApiserver]),
    kubernetesBinary("kube-controller-manager", [restartControllerManager]),
    kubernetesBinary("kube-scheduler", [restartScheduler]),
    // the certificates, the CA key, token.csv and /etc/kubernetes/config come from the cluster-files role
    restartForSharedFiles("kube-apiserver", ["changed_ca", "changed_ca_key", "changed_kubernetes_cert", "changed_token", "changed_kube_config"], [restartApiserver]),
    restartForSharedFiles("kube-controller-manager", ["changed_ca", "changed_ca_key", "changed_kube_config"], [restartControllerManager]),
    restartForSharedFiles("kube-scheduler", ["changed_kube_config"], [restartScheduler]),
    task("/etc/kubernetes/apiserver", template({ src: "apiserver.mustache", dest: "/etc/kubernetes/apiserver", mode: "0644" }), { notify: [restartApiserver] }),
    task("/etc/kubernetes/controller-manager", template({ src: "controller-manager.mustache", dest: "/etc/kubernetes/controller-manager", mode: "0644" }), { notify: [restartControllerManager] }),
    task("/etc/kubernetes/scheduler", template({ src: "scheduler.mustache", dest: "/etc/kubernetes/scheduler", mode: "0644" }), { notify: [restartScheduler] }),
    ...unitFile("kube-apiserver.service", { notify: [restartApiserver] }),
    ...unitFile("kube-controller-manager.service", { notify: [restartControllerManager] }),
    ...unitFile("kube-scheduler.service", { notify: [restartScheduler] }),
    task("kube-apiserver enabled and running", systemd({ name: "kube-apiserver", state: "started", enabled: true })),
    task("kube-controller-manager enabled and running", systemd({ name: "kube-controller-manager", state: "started", enabled: true })),
    task("kube-scheduler enabled and running", systemd({ name: "kube-scheduler", state: "started", enabled: true })),
    task(
      "kubelet-bootstrap may request certificates",
      kubectl({ create: ["clusterrolebinding", "kubelet-bootstrap", "--clusterrole=system:node-bootstrapper", "--user=kubelet-bootstrap"], kubeconfig: "{{pki_dir}}/admin.kubeconfig" }),
      { delegateTo: "localhost", runOnce: true, when: (h) => settings(h).kube_api_tasks },
    ),
  ],
});
