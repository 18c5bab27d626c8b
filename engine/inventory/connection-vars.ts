/**
 * How to reach a host, read from its merged vars. Ansible's names, with tsplay_ aliases
 * (tsplay_host, tsplay_port, tsplay_user, tsplay_key, tsplay_jump); when both are set the ansible_ name wins.
 * The same rules check each value where an inventory writes it, so a bad one is reported with its file and line.
 */
import { InventoryError } from "./errors";
import { LOCALHOST_NAMES, type Inventory, type Vars } from "./inventory";
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

/** A variable's value as a setting takes it; throws an InventoryError naming the variable, with no location. */
type Reader<T> = (name: string, value: unknown) => T;

const asText: Reader<string> = (name, value) => {
  if (typeof value !== "string" && typeof value !== "number") throw new InventoryError(`${name} must be a string, got ${JSON.stringify(value)}`);
  return String(value);
};

/** Like asText, but the message says only what kind of value it got: error output is logged, passwords must not be. */
const asSecret: Reader<string> = (name, value) => {
  if (typeof value !== "string" && typeof value !== "number") throw new InventoryError(`${name} must be a string, got ${kindOf(value)}`);
  return String(value);
};

const asPort: Reader<number> = (name, value) => {
  const n = typeof value === "number" ? value : /^\s*\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InventoryError(`${name} must be a port number (1-65535), got ${JSON.stringify(value)}`);
  return n;
};

const asBoolean: Reader<boolean> = (name, value) =>
  toBoolean(value, () => new InventoryError(`${name} must be yes/no or true/false, got ${JSON.stringify(value)}`));

const asConnection: Reader<"local" | "ssh"> = (name, value) => {
  const kind = asText(name, value);
  if (kind === "local") return "local";
  if (["ssh", "smart", "paramiko", "paramiko_ssh"].includes(kind)) return "ssh";
  throw new InventoryError(`${name} '${kind}' is not supported (use local or ssh)`);
};

/** Each setting read from vars: the variables that give it (the first one set wins) and how its value is read. */
const VARIABLES = {
  connection: { names: ["ansible_connection"], read: asConnection },
  address: { names: ["ansible_host", "ansible_ssh_host", "tsplay_host"], read: asText },
  port: { names: ["ansible_port", "ansible_ssh_port", "tsplay_port"], read: asPort },
  become: { names: ["ansible_become"], read: asBoolean },
  becomeUser: { names: ["ansible_become_user"], read: asText },
  user: { names: ["ansible_user", "ansible_ssh_user", "tsplay_user"], read: asText },
  privateKeyFile: { names: ["ansible_ssh_private_key_file", "ansible_private_key_file", "tsplay_key"], read: asText },
  password: { names: ["ansible_password", "ansible_ssh_pass", "ansible_ssh_password"], read: asSecret },
  becomePassword: { names: ["ansible_become_password", "ansible_become_pass"], read: asSecret },
  sshCommonArgs: { names: ["ansible_ssh_common_args"], read: asText },
  jumpHost: { names: ["tsplay_jump"], read: asText },
  knownHostsFile: { names: ["tsplay_known_hosts"], read: asText },
} as const;

/** Variables holding passwords: no message may show their values. */
export const SECRET_VARIABLES: readonly string[] = [...VARIABLES.password.names, ...VARIABLES.becomePassword.names];

type Setting = keyof typeof VARIABLES;
type SettingValue<S extends Setting> = ReturnType<(typeof VARIABLES)[S]["read"]>;

const READER_OF = new Map<string, Reader<unknown>>(
  Object.values(VARIABLES).flatMap(({ names, read }) => names.map((name) => [name, read] as const)),
);

/**
 * Throws an InventoryError, with no location, when `name` is a connection variable whose value
 * connectionSettings would refuse: inventories check each such value where it is written, with the same rules.
 */
export function checkConnectionVar(name: string, value: unknown): void {
  if (value !== undefined && value !== null) READER_OF.get(name)?.(name, value);
}

export function connectionSettings(hostName: string, vars: Vars): ConnectionSettings {
  const setting = <S extends Setting>(key: S): SettingValue<S> | undefined => {
    const { names, read } = VARIABLES[key];
    const name = names.find((n) => vars[n] !== undefined && vars[n] !== null);
    if (name === undefined) return undefined;
    try {
      return read(name, vars[name]) as SettingValue<S>;
    } catch (e) {
      throw e instanceof InventoryError ? new InventoryError(`host '${hostName}': ${e.message}`) : e;
    }
  };

  const settings: ConnectionSettings = {
    connection: setting("connection") ?? (LOCALHOST_NAMES.has(hostName) ? "local" : "ssh"),
    address: setting("address") ?? hostName,
    port: setting("port") ?? 22,
    become: setting("become") ?? false,
    becomeUser: setting("becomeUser") ?? "root",
  };
  const optional = {
    user: setting("user"),
    privateKeyFile: setting("privateKeyFile"),
    password: setting("password"),
    becomePassword: setting("becomePassword"),
    sshCommonArgs: setting("sshCommonArgs"),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(settings, { [key]: value });
  const jumpHost = (settings.sshCommonArgs && jumpHostFromSshArgs(settings.sshCommonArgs)) || setting("jumpHost");
  if (jumpHost) settings.jumpHost = jumpHost;
  const knownHosts = (settings.sshCommonArgs && sshOption(settings.sshCommonArgs, "UserKnownHostsFile")) || setting("knownHostsFile");
  if (knownHosts) settings.knownHostsFile = knownHosts;
  return settings;
}

/**
 * Reads every host's settings from its merged vars, as a run will. The parsers check each value where it is
 * written; this is for a host whose merged settings are wrong all the same (a source that sets vars unchecked),
 * so that no run learns of it only when it reaches the host.
 */
export function checkHostConnections(inv: Inventory): void {
  for (const host of [...inv.hosts.values(), ...inv.implicitHosts()]) connectionSettings(host.name, inv.varsFor(host.name));
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value instanceof Date) return "a date";
  return typeof value === "object" ? "a mapping" : `a ${typeof value}`;
}

/** Ansible's boolean(): yes/no, on/off, true/false, y/n, t/f, 1/0, any case, and real booleans and numbers. */
export function toBoolean(value: unknown, error: () => Error): boolean {
  if (typeof value === "boolean") return value;
  const s = String(value).trim().toLowerCase();
  if (["y", "yes", "on", "1", "true", "t", "1.0"].includes(s)) return true;
  if (["n", "no", "off", "0", "false", "f", "0.0"].includes(s)) return false;
  throw error();
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
