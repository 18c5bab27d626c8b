/** Where the test hosts are, and an independent way (OpenSSH's own client) to look at them. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export const TESTBED_SCRIPTS = resolve(import.meta.dirname, "../testbed");
export const TESTBED_STATE = `${TESTBED_SCRIPTS}/state`;
export const TESTBED_INVENTORY = `${TESTBED_STATE}/inventory.ini`;
export const TESTBED_KNOWN_HOSTS = `${TESTBED_STATE}/known_hosts`;
export const TESTBED_KEY = `${TESTBED_STATE}/id_ed25519`;
/** the hosts' apt repository (test/testbed/mirror.sh), cached beside the root filesystem */
export const TESTBED_MIRROR = resolve(TESTBED_SCRIPTS, "../../.cache/testbed/mirror");
export const HOSTS = ["h1", "h2", "h3"] as const;
export const addressOf = (host: string) => `10.77.0.${10 + Number(host.slice(1))}`;

/** true when the hosts are up (global setup made them, or skipped without root or with TSPLAY_TESTBED=off) */
export const testbedUp = process.env.TSPLAY_TESTBED !== "off" && existsSync(TESTBED_INVENTORY);

/** Runs a shell command on a test host as root through the system's ssh client. */
export function onHost(host: string, command: string, input?: Buffer): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(
    "ssh",
    ["-i", TESTBED_KEY, "-o", `UserKnownHostsFile=${TESTBED_KNOWN_HOSTS}`, "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", `root@${addressOf(host)}`, command],
    { encoding: "utf8", timeout: 60_000, input },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function testbedScript(name: string, ...args: string[]): void {
  const r = spawnSync("bash", [`${TESTBED_SCRIPTS}/${name}`, ...args], { encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${name} ${args.join(" ")} failed: ${r.stderr}`);
}
