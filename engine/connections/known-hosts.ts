/**
 * OpenSSH known_hosts files: parsing, matching a host against its entries (plain,
 * wildcard, negated, `[host]:port` and hashed `|1|salt|hash` names), and recording a
 * newly trusted key. Keys are compared as the raw public key blob the server sends.
 */
import { createHash, createHmac } from "node:crypto";
import { appendFile, mkdir, readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";

export interface KnownHostEntry {
  file: string;
  line: number;
  marker?: "cert-authority" | "revoked";
  /** the hostnames field as written: comma-separated patterns, or one hashed name */
  hosts: string;
  keyType: string;
  key: Buffer;
}

export type HostKeyStatus =
  | { status: "known" }
  | { status: "unknown" }
  | { status: "revoked"; entry: KnownHostEntry }
  | { status: "changed"; entries: KnownHostEntry[] };

export function parseKnownHosts(text: string, file = "known_hosts"): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry["marker"];
    if (fields[0] === "@cert-authority" || fields[0] === "@revoked") {
      marker = fields.shift()!.slice(1) as KnownHostEntry["marker"];
    } else if (fields[0]?.startsWith("@")) {
      return; // an unknown marker: OpenSSH ignores the line too
    }
    const [hosts, keyType, keyText] = fields;
    if (!hosts || !keyType || !keyText) return;
    const key = Buffer.from(keyText, "base64");
    if (key.length === 0) return;
    entries.push({ file, line: index + 1, marker, hosts, keyType, key });
  });
  return entries;
}

/** How OpenSSH names a host in known_hosts: the bare host on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port = 22): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/** Whether an entry's hostnames field names this host (OpenSSH's match_hostname rules). */
export function hostsFieldMatches(hosts: string, host: string, port = 22): boolean {
  const name = knownHostName(host, port);
  if (hosts.startsWith("|1|")) return hashedNameMatches(hosts, name);
  let matched = false;
  for (const pattern of hosts.split(",")) {
    const negated = pattern.startsWith("!");
    if (wildcardMatches(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function hashedNameMatches(hashed: string, name: string): boolean {
  const [, , salt, hash] = hashed.split("|");
  if (!salt || !hash) return false;
  const digest = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64");
  return digest === hash;
}

function wildcardMatches(pattern: string, name: string): boolean {
  const source = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`).test(name);
}

/** A hashed hostnames field as `ssh-keygen -H` writes it (salt is random unless given). */
export function hashKnownHostName(name: string, salt: Buffer): string {
  return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`;
}

export function checkHostKey(entries: KnownHostEntry[], host: string, port: number, key: Buffer): HostKeyStatus {
  const forHost = entries.filter((e) => e.marker !== "cert-authority" && hostsFieldMatches(e.hosts, host, port));
  const revoked = forHost.find((e) => e.marker === "revoked" && e.key.equals(key));
  if (revoked) return { status: "revoked", entry: revoked };
  const plain = forHost.filter((e) => e.marker === undefined);
  if (plain.some((e) => e.key.equals(key))) return { status: "known" };
  if (plain.length > 0) return { status: "changed", entries: plain };
  return { status: "unknown" };
}

/** The algorithm name inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return "unknown";
  const length = key.readUInt32BE(0);
  return key.subarray(4, 4 + length).toString("latin1");
}

/** `SHA256:...` as `ssh-keygen -l` and ssh's own prompts show it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

export function knownHostsLine(host: string, port: number, key: Buffer): string {
  return `${knownHostName(host, port)} ${keyTypeOf(key)} ${key.toString("base64")}`;
}

export async function readKnownHostsFiles(files: string[]): Promise<KnownHostEntry[]> {
  const all: KnownHostEntry[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    all.push(...parseKnownHosts(text, file));
  }
  return all;
}

/** Appends one line; a single O_APPEND write, so hosts recorded concurrently never interleave. */
export async function recordKnownHost(file: string, host: string, port: number, key: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  let needsNewline = false;
  try {
    const { size } = await stat(file);
    if (size > 0) needsNewline = !(await readFile(file)).subarray(-1).equals(Buffer.from("\n"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await appendFile(file, `${needsNewline ? "\n" : ""}${knownHostsLine(host, port, key)}\n`, { mode: 0o644 });
}
