/**
 * flannel: the pod network (seed-cluster-guide.md 2.6) on the `node` group: the network
 * config in etcd (v2 API, where flannel 0.7 reads it), /etc/sysconfig/flanneld and the
 * unit, ordered before docker. flanneld writes /run/flannel/docker for docker (2.7.1).
 */
import { handler, role, task, type HostContext } from "../../engine";
import { copy, etcdctl, file, systemd, template } from "../../modules";
import { packagesTask } from "../shared/packages";
import { restartForSharedFiles } from "../shared/restart-for-shared-files";
import { settings } from "../shared/settings";
import { unitFile } from "../shared/unit";

const restartFlanneld = handler("restart flanneld", systemd({ name: "flanneld", state: "restarted" }));
const fromArtifacts = (h: HostContext) => settings(h).flannel_from !== "packages";

export const flannel = role({
  name: "flannel",
  dir: import.meta.dirname,
  handlers: [restartFlanneld],
  tasks: [
    packagesTask("flannel package", "flannel", (h) => !fromArtifacts(h)),
    task(
      "flannel binaries from the release",
      copy({ src: "{{artifacts_dir}}/flannel-{{flannel_version}}/{{item}}", dest: "/usr/local/bin/{{item}}", mode: "0755" }),
      { loop: ["flanneld", "mk-docker-opts.sh"], when: fromArtifacts, notify: [restartFlanneld] },
    ),
    // ca.pem, kubernetes.pem and its key (flanneld's etcd client certificate) come from the cluster-files role
    restartForSharedFiles("flanneld", ["changed_ca", "changed_kubernetes_cert"], [restartFlanneld]),
    task(
      "pod network config in etcd",
      etcdctl({
        action: "put",
        api: "v2",
        key: "{{flannel_etcd_prefix}}/config",
        value: (h) => ({ Network: h.vars.pod_network, SubnetLen: h.vars.flannel_subnet_len, Backend: { Type: h.vars.flannel_backend } }),
      }),
      // from an etcd member, which has its certificates already: also under --check, and when a new node joins alone
      { runOnce: true, delegateTo: (h) => (h.groups.etcd ?? [])[0]! },
    ),
    task("/etc/sysconfig", file({ path: "/etc/sysconfig", state: "directory", mode: "0755" })),
    task("/etc/sysconfig/flanneld", template({ src: "flanneld.mustache", dest: "/etc/sysconfig/flanneld", mode: "0644" }), { notify: [restartFlanneld] }),
    ...unitFile("flanneld.service", { notify: [restartFlanneld] }),
    task("flanneld enabled and running", systemd({ name: "flanneld", state: "started", enabled: true })),
  ],
});
