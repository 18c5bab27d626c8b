/**
 * The guide's PKI (seed-cluster-guide.md 2.1–2.2), made on the controller: the CA, the
 * kubernetes, admin and kube-proxy certificates, token.csv, and the bootstrap and
 * kube-proxy kubeconfigs, all in the folder given as `-e pki_dir=DIR`. The CSR and
 * profile objects below are the guide's cfssl JSON files as they are. A re-run changes
 * nothing; --check says what would be issued and why.
 *
 *   tsplay playbooks/pki-example.ts -i localhost -e pki_dir=$(mktemp -d)
 *   tsplay playbooks/pki-example.ts -i localhost -e pki_dir=DIR -e kube_apiserver=https://10.0.0.1:6443
 *   tsplay playbooks/pki-example.ts -i localhost -e pki_dir=DIR -e '{"kubernetes_hosts": ["127.0.0.1", "10.254.0.1", "kubernetes"]}'
 */
import { play, playbook, task } from "../engine";
import { assert, file } from "../modules";
import { bootstrapToken } from "../modules/bootstrap-token";
import { cert } from "../modules/cert";
import { kubeconfig } from "../modules/kubeconfig";

/** ca-config.json */
const caConfig = {
  signing: {
    default: { expiry: "87600h" },
    profiles: { kubernetes: { usages: ["signing", "key encipherment", "server auth", "client auth"], expiry: "87600h" } },
  },
};
const profile = caConfig.signing.profiles.kubernetes;

const names = (O: string) => [{ C: "CN", ST: "BeiJing", L: "BeiJing", O, OU: "System" }];
const key = { algo: "rsa", size: 2048 };

/** ca-csr.json, kubernetes-csr.json (its hosts from `kubernetes_hosts`), admin-csr.json, kube-proxy-csr.json */
const caCsr = { CN: "kubernetes", key, names: names("k8s") };
const kubernetesCsr = (hosts: unknown) => ({ CN: "kubernetes", hosts, key, names: names("k8s") });
const adminCsr = { CN: "admin", hosts: [], key, names: names("system:masters") };
const kubeProxyCsr = { CN: "system:kube-proxy", hosts: [], key, names: names("k8s") };

const dir = "{{pki_dir}}";
const caFile = "{{pki_dir}}/ca.pem";

export default playbook([
  play({
    name: "cluster PKI and kubeconfigs",
    hosts: "localhost",
    gatherFacts: false,
    vars: {
      kube_apiserver: "https://192.168.5.78:6443",
      kubernetes_hosts: [
        "127.0.0.1",
        "192.168.5.78",
        "192.168.5.79",
        "192.168.5.80",
        "10.254.0.1",
        "kubernetes",
        "kubernetes.default",
        "kubernetes.default.svc",
        "kubernetes.default.svc.cluster",
        "kubernetes.default.svc.cluster.local",
      ],
    },
    tasks: [
      task("pki_dir is an absolute folder", assert({ that: (h) => typeof h.vars.pki_dir === "string" && h.vars.pki_dir.startsWith("/"), failMsg: "pass -e pki_dir=/some/dir" }), {
        tags: ["always"],
      }),
      // 0700: the CA key lives here, and it never leaves this folder unless a task copies it
      task("pki folder", file({ path: dir, state: "directory", mode: "0700" })),
      task("CA", cert({ dir, name: "ca", isCa: true, csr: caCsr }), { tags: ["certs"] }),
      task("kubernetes certificate", cert({ dir, name: "kubernetes", csr: (h) => kubernetesCsr(h.vars.kubernetes_hosts), profile }), { tags: ["certs"] }),
      task("admin certificate", cert({ dir, name: "admin", csr: adminCsr, profile }), { tags: ["certs"] }),
      task("kube-proxy certificate", cert({ dir, name: "kube-proxy", csr: kubeProxyCsr, profile }), { tags: ["certs"] }),
      task("bootstrap token", bootstrapToken({ dest: "{{pki_dir}}/token.csv" }), { tags: ["kubeconfig"] }),
      task(
        "bootstrap.kubeconfig",
        kubeconfig({ dest: "{{pki_dir}}/bootstrap.kubeconfig", server: "{{kube_apiserver}}", certificateAuthority: caFile, user: "kubelet-bootstrap", token: "{{bootstrap_token}}" }),
        { tags: ["kubeconfig"] },
      ),
      task(
        "kube-proxy.kubeconfig",
        kubeconfig({
          dest: "{{pki_dir}}/kube-proxy.kubeconfig",
          server: "{{kube_apiserver}}",
          certificateAuthority: caFile,
          user: "kube-proxy",
          clientCertificate: "{{pki_dir}}/kube-proxy.pem",
          clientKey: "{{pki_dir}}/kube-proxy-key.pem",
        }),
        { tags: ["kubeconfig"] },
      ),
    ],
  }),
]);
