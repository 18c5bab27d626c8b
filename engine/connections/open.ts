/** Picks the transport a host's connection settings ask for. */
import { UserError } from "../errors";
import { userInfo } from "node:os";
import type { Connection } from "../connection";
import type { ConnectionSettings } from "../inventory";
import { LocalConnection } from "./local";
import { SshConnection, type SshJump } from "./ssh";

export interface SshPolicy {
  knownHostsFile?: string;
  acceptNew: boolean;
  checkHostKeys: boolean;
}

/** `[user@]host[:port]` (the first hop only, when ProxyJump lists several) */
export function parseJump(spec: string): SshJump {
  const first = spec.split(",")[0]!.trim();
  const at = first.lastIndexOf("@");
  const user = at >= 0 ? first.slice(0, at) : undefined;
  const rest = at >= 0 ? first.slice(at + 1) : first;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(rest);
  const match = bracketed ?? plain;
  if (!match) throw new UserError(`cannot read jump host '${spec}' (expected [user@]host[:port])`);
  return { address: match[1]!, port: match[2] ? Number(match[2]) : undefined, user };
}

export function connectionFactory(policy: SshPolicy) {
  return (hostName: string, settings: ConnectionSettings): Connection => {
    if (settings.connection === "local") return new LocalConnection(hostName);
    return new SshConnection(hostName, {
      address: settings.address,
      port: settings.port,
      user: settings.user ?? userInfo().username,
      privateKeyFile: settings.privateKeyFile,
      password: settings.password,
      knownHostsFile: policy.knownHostsFile ?? settings.knownHostsFile,
      acceptNew: policy.acceptNew,
      checkHostKeys: policy.checkHostKeys,
      jump: settings.jumpHost ? parseJump(settings.jumpHost) : undefined,
    });
  };
}
