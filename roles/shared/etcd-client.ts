/**
 * etcdctl's v3 words for the cluster's TLS client (the member certificate), as the day-2
 * playbooks run it on a member: one endpoint, or the member itself.
 *
 *   command({ argv: (h) => [...etcdctlV3(h, [`https://${h.vars.node_ip}:2379`]), "snapshot", "save", file], env: { ETCDCTL_API: "3" } })
 */
import type { HostContext } from "../../engine";
import { settings } from "./settings";

export function etcdctlV3(h: HostContext, endpoints: string[]): string[] {
  const ssl = settings(h).ssl_dir;
  return ["etcdctl", `--endpoints=${endpoints.join(",")}`, `--cacert=${ssl}/ca.pem`, `--cert=${ssl}/kubernetes.pem`, `--key=${ssl}/kubernetes-key.pem`, "--dial-timeout=3s", "--command-timeout=60s"];
}
