/**
 * How to reach a host, read from its merged vars. Ansible's names, with tsplay_ aliases
 * (tsplay_host, tsplay_port, tsplay_user, tsplay_key, tsplay_jump); when both are set the ansible_ name wins.
 */
import { InventoryError } from "./errors";
import { LOCALHOST_NAMES, type Vars } from "./inventory";
import { shlexSplit } from "./shlex";

export interface ConnectionSettings {
  connection: "local" | "ssh";
  address: string;
  port: number;
  user?: string;
  privateKeyFile?: string;
  password?: string;
  become: boolean;
  becomeUser: string;
  becomePassword?: string;
  sshCommonArgs?: string;
  /** [user@]host[:port] to jump through, from ProxyJump / -J / a `ssh -W` ProxyCommand in ansible_ssh_common_args, or tsplay_jump */
  jumpHost?: string;
  /** known_hosts file, from `-o UserKnownHostsFile=...` in ansible_ssh_common_args, or tsplay_known_hosts */
  knownHostsFile?: string;
}

export function connectionSettings(hostName: string, vars: Vars): ConnectionSettings {
  const problem = (what: string) => new InventoryError(`host '${hostName}': ${what}`);
  const pick = (...names: string[]) => names.map((n) => [n, vars[n]] as const).find(([, v]) => v !== undefined && v !== null);
  const text = (...names: string[]): string | undefined => {
    const found = pick(...names);
    if (!found) return undefined;
    const [name, value] = found;
    if (typeof value !== "string" && typeof value !== "number") throw problem(`${name} must be a string, got ${JSON.stringify(value)}`);
    return String(value);
  };

  const settings: ConnectionSettings = {
    connection: connectionType(text("ansible_connection"), hostName, problem),
    address: text("ansible_host", "ansible_ssh_host", "tsplay_host") ?? hostName,
    port: 22,
    become: false,
    becomeUser: text("ansible_become_user") ?? "root",
  };
  const port = pick("ansible_port", "ansible_ssh_port", "tsplay_port");
  if (port) settings.port = toPort(port[1], () => problem(`${port[0]} must be a port number (1-65535), got ${JSON.stringify(port[1])}`));
  const become = pick("ansible_become");
  if (become) settings.become = toBoolean(become[1], () => problem(`ansible_become must be yes/no or true/false, got ${JSON.stringify(become[1])}`));
  const optional = {
    user: text("ansible_user", "ansible_ssh_user", "tsplay_user"),
    privateKeyFile: text("ansible_ssh_private_key_file", "ansible_private_key_file", "tsplay_key"),
    password: text("ansible_password", "ansible_ssh_pass", "ansible_ssh_password"),
    becomePassword: text("ansible_become_password", "ansible_become_pass"),
    sshCommonArgs: text("ansible_ssh_common_args"),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(settings, { [key]: value });
  const jumpHost = (settings.sshCommonArgs && jumpHostFromSshArgs(settings.sshCommonArgs)) || text("tsplay_jump");
  if (jumpHost) settings.jumpHost = jumpHost;
  const knownHosts = (settings.sshCommonArgs && sshOption(settings.sshCommonArgs, "UserKnownHostsFile")) || text("tsplay_known_hosts");
  if (knownHosts) settings.knownHostsFile = knownHosts;
  return settings;
}

function connectionType(value: string | undefined, hostName: string, problem: (what: string) => Error): "local" | "ssh" {
  if (value === undefined) return LOCALHOST_NAMES.has(hostName) ? "local" : "ssh";
  if (value === "local") return "local";
  if (["ssh", "smart", "paramiko", "paramiko_ssh"].includes(value)) return "ssh";
  throw problem(`ansible_connection '${value}' is not supported (use local or ssh)`);
}

/** Ansible's boolean(): yes/no, on/off, true/false, y/n, t/f, 1/0, any case, and real booleans and numbers. */
export function toBoolean(value: unknown, error: () => Error): boolean {
  if (typeof value === "boolean") return value;
  const s = String(value).trim().toLowerCase();
  if (["y", "yes", "on", "1", "true", "t", "1.0"].includes(s)) return true;
  if (["n", "no", "off", "0", "false", "f", "0.0"].includes(s)) return false;
  throw error();
}

function toPort(value: unknown, error: () => Error): number {
  const n = typeof value === "number" ? value : /^\s*\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw error();
  return n;
}

/** The value of `-o Name=value` (or `-o "Name value"`) in ssh arguments. */
export function sshOption(args: string, name: string): string | undefined {
  let words: string[];
  try {
    words = shlexSplit(args, false);
  } catch {
    return undefined;
  }
  for (let i = 0; i < words.length; i++) {
    const option = words[i] === "-o" ? words[++i] : words[i]!.startsWith("-o") ? words[i]!.slice(2) : undefined;
    const m = option === undefined ? null : /^(\w+)(?:\s*=\s*|\s+)(.+)$/.exec(option);
    if (m && m[1]!.toLowerCase() === name.toLowerCase()) return m[2];
  }
  return undefined;
}

/** The jump host in ssh arguments: `-J u@h:p`, `-o ProxyJump=u@h:p`, or `-o ProxyCommand="ssh -W %h:%p [-p P] [-l U] u@h"`. */
export function jumpHostFromSshArgs(args: string): string | undefined {
  let words: string[];
  try {
    words = shlexSplit(args, false);
  } catch {
    return undefined;
  }
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const jump = w === "-J" ? words[++i] : w.startsWith("-J") ? w.slice(2) : undefined;
    if (jump !== undefined) return jump === "none" ? undefined : jump;
    const option = w === "-o" ? words[++i] : w.startsWith("-o") ? w.slice(2) : undefined;
    const m = option === undefined ? null : /^(ProxyJump|ProxyCommand)(?:\s*=\s*|\s+)(.+)$/i.exec(option);
    if (!m) continue;
    if (m[1].toLowerCase() === "proxyjump") return m[2] === "none" ? undefined : m[2];
    const viaSsh = proxyCommandJump(m[2]);
    if (viaSsh) return viaSsh;
  }
  return undefined;
}

/** `ssh -W %h:%p -q -p 2222 admin@bastion` -> admin@bastion:2222 */
function proxyCommandJump(command: string): string | undefined {
  let words: string[];
  try {
    words = shlexSplit(command, false);
  } catch {
    return undefined;
  }
  if (!/(^|\/)ssh$/.test(words[0] ?? "") || !words.includes("-W")) return undefined;
  let host: string | undefined;
  let user: string | undefined;
  let port: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (/^-[^-]/.test(w)) {
      const letter = w[1];
      const arg = w.length > 2 ? w.slice(2) : "BbcDEeFIiJLlmOoPpQRSWw".includes(letter) ? words[++i] : undefined;
      if (letter === "p") port = arg;
      if (letter === "l") user = arg;
    } else host ??= w;
  }
  if (!host) return undefined;
  const withUser = user && !host.includes("@") ? `${user}@${host}` : host;
  return port ? `${withUser}:${port}` : withUser;
}
