/**
 * ca: the cluster's PKI on the controller (seed-cluster-guide.md 2.1, 2.2, 2.4.2), in
 * `pki_dir`: the CA, the kubernetes certificate (SANs from the inventory's etcd and master
 * addresses, 127.0.0.1, the service range's first address and the kubernetes.default
 * names), admin and kube-proxy certificates, token.csv with the bootstrap token, and the
 * bootstrap, kube-proxy and admin kubeconfigs. Runs in a play on `localhost`: the CA key
 * stays on the controller; other roles copy what their hosts need.
 */
import { role, task } from "../../engine";
import { assert, file } from "../../modules";
import { bootstrapToken } from "../../modules/bootstrap-token";
import { cert } from "../../modules/cert";
import { kubeconfig } from "../../modules/kubeconfig";

/** the guide's ca-config.json "kubernetes" profile and CSR JSON files; lifetimes from the inventory (the guide's 87600h) */
const profile = { usages: ["signing", "key encipherment", "server auth", "client auth"], expiry: "{{cert_expiry}}" };
const names = (O: string) => [{ C: "CN", ST: "BeiJing", L: "BeiJing", O, OU: "System" }];
const key = { algo: "rsa", size: 2048 };
const caCsr = { CN: "kubernetes", key, names: names("k8s"), ca: { expiry: "{{ca_expiry}}" } };
// certificates within this of their end are issued again by a normal run
const renewBefore = "{{cert_renew_before}}";
const adminCsr = { CN: "admin", hosts: [], key, names: names("system:masters") };
const kubeProxyCsr = { CN: "system:kube-proxy", hosts: [], key, names: names("k8s") };

const dir = "{{pki_dir}}";
const caFile = "{{pki_dir}}/ca.pem";

export const ca = role({
  name: "ca",
  dir: import.meta.dirname,
  tasks: [
    task("pki_dir is an absolute folder", assert({ that: (h) => typeof h.vars.pki_dir === "string" && h.vars.pki_dir.startsWith("/"), failMsg: "set pki_dir (group_vars or -e pki_dir=/dir)" })),
    // 0700: the CA key lives here and leaves only for the masters
    task("pki folder", file({ path: dir, state: "directory", mode: "0700" })),
    task("CA", cert({ dir, name: "ca", isCa: true, csr: caCsr, renewBefore })),
    task("kubernetes certificate", cert({ dir, name: "kubernetes", csr: (h) => ({ CN: "kubernetes", hosts: h.vars.kubernetes_hosts, key, names: names("k8s") }), profile, renewBefore })),
    task("admin certificate", cert({ dir, name: "admin", csr: adminCsr, profile, renewBefore })),
    task("kube-proxy certificate", cert({ dir, name: "kube-proxy", csr: kubeProxyCsr, profile, renewBefore })),
    task("bootstrap token", bootstrapToken({ dest: "{{pki_dir}}/token.csv" })),
    task("bootstrap.kubeconfig", kubeconfig({ dest: "{{pki_dir}}/bootstrap.kubeconfig", server: "{{kube_apiserver_url}}", certificateAuthority: caFile, user: "kubelet-bootstrap", token: "{{bootstrap_token}}" })),
    task(
      "kube-proxy.kubeconfig",
      kubeconfig({ dest: "{{pki_dir}}/kube-proxy.kubeconfig", server: "{{kube_apiserver_url}}", certificateAuthority: caFile, user: "kube-proxy", clientCertificate: "{{pki_dir}}/kube-proxy.pem", clientKey: "{{pki_dir}}/kube-proxy-key.pem" }),
    ),
    // 2.4.2's ~/.kube/config, kept with the other secrets; kubectl on the controller uses it
    task(
      "admin kubeconfig",
      kubeconfig({ dest: "{{pki_dir}}/admin.kubeconfig", server: "{{kube_admin_url}}", certificateAuthority: caFile, user: "admin", context: "kubernetes", clientCertificate: "{{pki_dir}}/admin.pem", clientKey: "{{pki_dir}}/admin-key.pem" }),
    ),
  ],
});
