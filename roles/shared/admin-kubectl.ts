/**
 * kubectl on the controller with the cluster's admin kubeconfig, for the day-2 playbooks'
 * cordon, drain, uncordon and delete node. Through the kubectl module, not `command`: with
 * the PKI folder kept in the vault the kubeconfig is vault text, and the module hands kubectl
 * a private decrypted copy (engine/vault/plaintext-copy.ts).
 *
 *   task("cordoned", adminKubectl((h) => ["cordon", nodeName(h)]), { when: api })
 */
import type { HostContext } from "../../engine";
import { kubectl } from "../../modules";
import { settings } from "./settings";

const adminKubeconfig = (h: HostContext) => `${settings(h).pki_dir}/admin.kubeconfig`;

/** A kubectl command (the words after `kubectl`), run as a change. */
export const adminKubectl = (words: (h: HostContext) => string[]) => kubectl({ run: words, kubeconfig: adminKubeconfig });

/** Objects read (the words after `kubectl get`), never a change. */
export const adminKubectlGet = (words: (h: HostContext) => string[]) => kubectl({ get: words, kubeconfig: adminKubeconfig });
