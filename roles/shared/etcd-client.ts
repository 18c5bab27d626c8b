/**
 * etcdctl's words for the cluster's TLS client (the member certificate), as the day-2
 * playbooks run it on a member; v2 and v3 name the TLS flags differently.
 *
 *   command({ argv: (h) => [...etcdctlV3(h, [`https://${h.vars.node_ip}:2379`]), "snapshot", "save", file], env: { ETCDCTL_API: "3" } })
 */
import type { HostContext } from "../../engine";
import { settings } from "./settings";

export function etcdctlV3(h: HostContext, endpoints: string[]): string[] {
  const ssl = settings(h).ssl_dir;
  return ["etcdctl", `--endpoints=${endpoints.join(",")}`, `--cacert=${ssl}/ca.pem`, `--cert=${ssl}/kubernetes.pem`, `--key=${ssl}/kubernetes-key.pem`, "--dial-timeout=3s", "--command-timeout=60s"];
}

export function etcdctlV2(h: HostContext, endpoints: string[]): string[] {
  const ssl = settings(h).ssl_dir;
  return ["etcdctl", `--endpoints=${endpoints.join(",")}`, `--ca-file=${ssl}/ca.pem`, `--cert-file=${ssl}/kubernetes.pem`, `--key-file=${ssl}/kubernetes-key.pem`, "--timeout=10s"];
}
