/**
 * The guide's kubectl steps (2.5, 2.7) with the real kubectl on h1, against the kube API
 * STAND-IN the test runs on the controller (test/e2e/kube-api-stand-in.ts): the
 * kubelet-bootstrap binding made if absent, manifests applied, kubelets' CSRs approved.
 * The stand-in serves no OpenAPI schema, hence `validate: false`.
 */
import { play, playbook, task } from "../../../engine";
import { copy, file } from "../../../modules";
import { kubectl } from "../../../modules/kubectl";

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: stand-in
  cluster: {server: "{{server}}", certificate-authority-data: "{{ca_data}}"}
users:
- name: admin
  user: {token: "{{token}}"}
contexts:
- name: default
  context: {cluster: stand-in, user: admin}
current-context: default
`;

export default playbook([
  play({
    name: "kubectl",
    hosts: "h1",
    gatherFacts: false,
    // the kubeconfig every kubectl task of this play uses, set once
    vars: { kubectl_kubeconfig: "/root/tsplay-kube/admin.kubeconfig", setting: "1" },
    tasks: [
      task("kubeconfig folder", file({ path: "/root/tsplay-kube", state: "directory", mode: "0700" })),
      task("kubeconfig", copy({ dest: "{{kubectl_kubeconfig}}", content: kubeconfig, mode: "0600" }), { noLog: true }),
      task(
        "kubelet-bootstrap binding",
        kubectl({ create: ["clusterrolebinding", "kubelet-bootstrap", "--clusterrole=system:node-bootstrapper", "--user=kubelet-bootstrap"], validate: false }),
      ),
      task(
        "settings",
        kubectl({ apply: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "tsplay-settings" }, data: { setting: "{{setting}}", port: 2379, nasty: "$(touch /tmp/pwned) `id` 'q' \"dq\" ; ü\n" } }], validate: false }),
      ),
      task("manifest file", kubectl({ src: "tsplay-objects.yaml", validate: false })),
      task("approve kubelets", kubectl({ approveCsrs: "kubelet-bootstrap" })),
      task("csrs", kubectl({ get: ["csr"] })),
    ],
  }),
]);
