/**
 * kube-proxy: on each `node` (seed-cluster-guide.md 2.7.3): conntrack (`conntrack_packages`:
 * conntrack-tools on CentOS, conntrack on Debian; the guide's "contrack" does not exist),
 * the unit, /etc/kubernetes/proxy and kube-proxy.kubeconfig.
 */
import { handler, role, task } from "../../engine";
import { systemd, template } from "../../modules";
import { packagesTask } from "../shared/packages";
import { kubernetesBinary } from "../shared/kubernetes-files";
import { restartForSharedFiles } from "../shared/restart-for-shared-files";
import { settings } from "../shared/settings";
import { unitFile } from "../shared/unit";

const restartKubeProxy = handler("restart kube-proxy", systemd({ name: "kube-proxy", state: "restarted" }));

export const kubeProxy = role({
  name: "kube-proxy",
  dir: import.meta.dirname,
  handlers: [restartKubeProxy],
  tasks: [
    packagesTask("conntrack", (h) => settings(h).conntrack_packages),
    kubernetesBinary("kube-proxy", [restartKubeProxy]),
    // kube-proxy.kubeconfig and /etc/kubernetes/config come from the cluster-files role
    restartForSharedFiles("kube-proxy", ["changed_kube_proxy_kubeconfig", "changed_kube_config"], [restartKubeProxy]),
    task("/etc/kubernetes/proxy", template({ src: "proxy.mustache", dest: "/etc/kubernetes/proxy", mode: "0644" }), { notify: [restartKubeProxy] }),
    ...unitFile("kube-proxy.service", { notify: [restartKubeProxy] }),
    task("kube-proxy enabled and running", systemd({ name: "kube-proxy", state: "started", enabled: true })),
  ],
});
