/**
 * The guide's cfssl JSON files (seed-cluster-guide.md 2.1.2–2.1.5), as the tests feed them
 * to the cert module, and the tools the tests check the results with.
 */
import { spawnSync } from "node:child_process";

const names = (O = "k8s") => [{ C: "CN", ST: "BeiJing", L: "BeiJing", O, OU: "System" }];
const rsa = { algo: "rsa", size: 2048 };

export const caConfig = {
  signing: {
    default: { expiry: "87600h" },
    profiles: { kubernetes: { usages: ["signing", "key encipherment", "server auth", "client auth"], expiry: "87600h" } },
  },
};
export const kubernetesProfile = caConfig.signing.profiles.kubernetes;

export const caCsr = { CN: "kubernetes", key: rsa, names: names() };
export const kubernetesHosts = [
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
];
export const kubernetesCsr = { CN: "kubernetes", hosts: kubernetesHosts, key: rsa, names: names() };
export const adminCsr = { CN: "admin", hosts: [], key: rsa, names: names("system:masters") };
export const kubeProxyCsr = { CN: "system:kube-proxy", hosts: [], key: rsa, names: names() };

/** Runs a tool the tests check with (openssl, kubectl, etcdctl); fails the test with its stderr. */
export function tool(command: string, args: string[], options: { input?: string; allowFailure?: boolean } = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { encoding: "utf8", input: options.input, timeout: 60_000 });
  if (r.error) throw new Error(`${command} could not run (${r.error.message}): the PKI tests need the Debian packages openssl, etcd-server, etcd-client and kubernetes-client`);
  if (r.status !== 0 && !options.allowFailure) throw new Error(`${command} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const openssl = (...args: string[]) => tool("openssl", args).stdout;
export const certText = (path: string) => openssl("x509", "-noout", "-text", "-in", path);
