/**
 * The test hosts as the SSH connection tests see them: the few inventory.ini lines
 * test/testbed/up.sh writes (`hN ansible_host=ADDRESS` and the key file).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const STATE = join(import.meta.dirname, "..", "testbed", "state");
export const INVENTORY = join(STATE, "inventory.ini");
export const KNOWN_HOSTS = join(STATE, "known_hosts");
export const isRoot = process.getuid?.() === 0;

export interface TestHost {
  name: string;
  address: string;
}

export function readTestbed(): { hosts: TestHost[]; keyFile: string } {
  if (!existsSync(INVENTORY)) {
    throw new Error(`no test hosts: ${INVENTORY} is missing. Start them with: npm run testbed:up`);
  }
  const hosts: TestHost[] = [];
  let keyFile = "";
  for (const line of readFileSync(INVENTORY, "utf8").split("\n")) {
    const host = /^(h\d+)\s+ansible_host=(\S+)/.exec(line);
    if (host) hosts.push({ name: host[1]!, address: host[2]! });
    const key = /^ansible_ssh_private_key_file=(.+)$/.exec(line);
    if (key) keyFile = key[1]!;
  }
  return { hosts, keyFile };
}
