/**
 * The hosts a benchmark runs on: the shared test hosts (systemd containers, test/testbed/)
 * or light hosts (an sshd per network namespace, hosts-up.sh), and what the runner does
 * on them outside the timings: cleaning up, and a digest of what a run left behind.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { HOSTS, onHost as onTestHost, TESTBED_INVENTORY } from "../e2e/testbed";

export const BENCH = import.meta.dirname;
export const REPO = resolve(BENCH, "../..");
export const STATE = join(BENCH, "state");

export interface Hosts {
  kind: string;
  inventory: string;
  names: string[];
  /** where the workload writes on each host */
  roots: Map<string, string>;
  /** extra arguments both tools get */
  extraArgs: string[];
  /** runs a shell command on a host (to clean it and look at it), outside the timings */
  onHost(name: string, command: string): string;
}

export const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** Runs a program to completion; its stdout, or an error with its stderr. */
export function sh(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): string {
  const r = spawnSync(command, args, { encoding: "utf8", env: options.env ?? process.env, input: options.input, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

function sshOn(address: string, key: string, knownHosts: string, command: string): string {
  return sh("ssh", ["-i", key, "-o", `UserKnownHostsFile=${knownHosts}`, "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", `root@${address}`, command]);
}

function inventoryHosts(file: string): { name: string; address: string; root?: string }[] {
  const hosts: { name: string; address: string; root?: string }[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^(h\d+)\s+ansible_host=(\S+)(?:\s+root=(\S+))?/.exec(line);
    if (m) hosts.push({ name: m[1]!, address: m[2]!, root: m[3] });
  }
  return hosts;
}

/** The shared test hosts h1..h3 (systemd containers); `npm run testbed:up` starts them. */
export function testHosts(): Hosts {
  const root = `/tmp/tsbench-${process.pid}`;
  return {
    kind: "test hosts (systemd containers)",
    inventory: TESTBED_INVENTORY,
    names: [...HOSTS],
    roots: new Map(HOSTS.map((h) => [h, root])),
    extraArgs: ["-e", `root=${root}`, "--limit", HOSTS.join(",")],
    onHost: (name, command) => {
      const r = onTestHost(name, command);
      if (r.code !== 0) throw new Error(`${name}: ${command.split("\n")[0]} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
  };
}

/** `n` light hosts, started (or reused) by hosts-up.sh. */
export function lightHosts(n: number): Hosts {
  sh("bash", [join(BENCH, "hosts-up.sh"), String(n)]);
  const inventory = join(STATE, `inventory-${n}.ini`);
  const hosts = inventoryHosts(inventory);
  return {
    kind: "light hosts (an sshd per network namespace)",
    inventory,
    names: hosts.map((h) => h.name),
    roots: new Map(hosts.map((h) => [h.name, h.root!])),
    extraArgs: [],
    onHost: (name, command) => sshOn(hosts.find((h) => h.name === name)!.address, join(STATE, "id_ed25519"), join(STATE, "known_hosts"), command),
  };
}

/** Removes what the workload wrote below each host's root. */
export function clean(hosts: Hosts): void {
  const light = hosts.kind.startsWith("light");
  for (const name of hosts.names) {
    const root = hosts.roots.get(name)!;
    // light hosts share this machine's file system: no SSH needed to clean them
    if (light) rmSync(root, { recursive: true, force: true });
    else hosts.onHost(name, `rm -rf '${root}'`);
  }
}

/** What a run left on the hosts: types, modes, owners, sizes and content hashes below root. */
export function stateDigest(hosts: Hosts): string {
  const hash = createHash("sha256");
  for (const name of hosts.names) {
    const root = hosts.roots.get(name)!;
    hash.update(hosts.onHost(name, `cd '${root}' && find . -printf '%y %m %u:%g %s %p\\n' | LC_ALL=C sort && find . -type f -exec sha256sum {} + | LC_ALL=C sort -k2`));
  }
  return hash.digest("hex").slice(0, 16);
}
