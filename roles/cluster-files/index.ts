/**
 * cluster-files: the files several roles share on a host, each written once per host and
 * run: /etc/kubernetes and its ssl folder, /etc/kubernetes/config, and the PKI files the
 * ca role made on the controller — to the hosts whose groups use them (the CA key to
 * masters only; kubelets get bootstrap.kubeconfig, never admin credentials).
 *
 * Why one place and not a copy in each role: the guide's first host is etcd member, master
 * and node at once, and --check cannot know that an earlier role's task would already have
 * written the same file, so it would predict changes a real run does not make. A file that
 * changes sets a fact (`changed_ca`, ...), and each role restarts the services that read it
 * (see `restartForSharedFiles`). Each task carries the tags of the roles that use the file,
 * so `--tags kubelet` still brings kubelet's files.
 */
import { handler, role, task, type HostContext } from "../../engine";
import { copy, file, setFact } from "../../modules";
import { settings } from "../shared/settings";

export const SHARED_FILE_FACTS = ["changed_ca", "changed_ca_key", "changed_kubernetes_cert", "changed_token", "changed_bootstrap_kubeconfig", "changed_kube_proxy_kubeconfig", "changed_kube_config"] as const;
export type SharedFileFact = (typeof SHARED_FILE_FACTS)[number];

const noted = Object.fromEntries(SHARED_FILE_FACTS.map((fact) => [fact, handler(`note ${fact}`, setFact({ [fact]: true }))])) as Record<SharedFileFact, ReturnType<typeof handler>>;

const inGroup = (h: HostContext, ...groups: string[]) => groups.some((g) => h.groupNames.includes(g));

// KUBE_MASTER points at the insecure port on the master itself: the guide bound it to the
// master's network address, where anyone on the network has full access without a credential
const KUBE_CONFIG = (h: HostContext) => `###
# kubernetes system config, managed by tsplay: read by kube-apiserver, kube-controller-manager,
# kube-scheduler, kubelet and kube-proxy
KUBE_LOGTOSTDERR="--logtostderr=true"
KUBE_LOG_LEVEL="--v=${settings(h).kube_log_level}"
KUBE_ALLOW_PRIV="--allow-privileged=true"
# used by kube-controller-manager and kube-scheduler, which run beside kube-apiserver
KUBE_MASTER="--master=http://127.0.0.1:8080"
`;

interface Shared {
  name: string;
  dest: string;
  mode: string;
  fact: SharedFileFact;
  groups: string[];
  tags: string[];
}

const PKI: Shared[] = [
  { name: "ca.pem", dest: "{{ssl_dir}}/ca.pem", mode: "0644", fact: "changed_ca", groups: ["etcd", "master", "node"], tags: ["etcd", "master", "flannel", "kubelet"] },
  // flanneld reaches etcd with the member certificate, as the guide has it
  { name: "kubernetes.pem", dest: "{{ssl_dir}}/kubernetes.pem", mode: "0644", fact: "changed_kubernetes_cert", groups: ["etcd", "master", "node"], tags: ["etcd", "master", "flannel"] },
  { name: "kubernetes-key.pem", dest: "{{ssl_dir}}/kubernetes-key.pem", mode: "0600", fact: "changed_kubernetes_cert", groups: ["etcd", "master", "node"], tags: ["etcd", "master", "flannel"] },
  // the CA key: controller-manager signs kubelet certificates with it; masters only
  { name: "ca-key.pem", dest: "{{ssl_dir}}/ca-key.pem", mode: "0600", fact: "changed_ca_key", groups: ["master"], tags: ["master"] },
  { name: "token.csv", dest: "/etc/kubernetes/token.csv", mode: "0600", fact: "changed_token", groups: ["master"], tags: ["master"] },
  { name: "bootstrap.kubeconfig", dest: "/etc/kubernetes/bootstrap.kubeconfig", mode: "0600", fact: "changed_bootstrap_kubeconfig", groups: ["node"], tags: ["kubelet"] },
  { name: "kube-proxy.kubeconfig", dest: "/etc/kubernetes/kube-proxy.kubeconfig", mode: "0600", fact: "changed_kube_proxy_kubeconfig", groups: ["node"], tags: ["kube-proxy"] },
];

const ALL_TAGS = ["etcd", "master", "flannel", "kubelet", "kube-proxy"];

export const clusterFiles = role({
  name: "cluster-files",
  dir: import.meta.dirname,
  handlers: Object.values(noted),
  tasks: [
    task("/etc/kubernetes", file({ path: "/etc/kubernetes", state: "directory", mode: "0755" }), { tags: ALL_TAGS }),
    task("ssl folder", file({ path: "{{ssl_dir}}", state: "directory", mode: "0755" }), { tags: ALL_TAGS }),
    ...PKI.map((f) =>
      // under --check, what the ca play would have issued (engine/controller-files.ts)
      task(`${f.name} from the controller`, copy({ src: `{{pki_dir}}/${f.name}`, dest: f.dest, mode: f.mode }), {
        when: (h) => inGroup(h, ...f.groups),
        notify: [noted[f.fact]],
        tags: f.tags,
        noLog: f.mode === "0600",
      }),
    ),
    task("/etc/kubernetes/config", copy({ dest: "/etc/kubernetes/config", content: KUBE_CONFIG, mode: "0644" }), {
      when: (h) => inGroup(h, "master", "node"),
      notify: [noted.changed_kube_config],
      tags: ["master", "kubelet", "kube-proxy"],
    }),
  ],
});
