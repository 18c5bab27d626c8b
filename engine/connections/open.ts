/** Picks the transport a host's connection settings ask for. */
import type { Connection } from "../connection";
import type { ConnectionSettings } from "../inventory";
import { LocalConnection } from "./local";

export interface SshPolicy {
  knownHostsFile?: string;
  acceptNew: boolean;
  checkHostKeys: boolean;
}

export function connectionFactory(_ssh: SshPolicy) {
  return (hostName: string, settings: ConnectionSettings): Connection => {
    if (settings.connection === "local") return new LocalConnection(hostName);
    throw new Error(`${hostName}: the ssh connection is not available yet`);
  };
}
