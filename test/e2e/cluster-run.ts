/**
 * What the end-to-end tests of the cluster's playbooks share: the demo's inventory prepared
 * in a folder of the test's own, tsplay run on it with JSON output, and the changes a run
 * reports as "host:task" lines.
 *
 *   const cluster = clusterRun("tsplay-nodes-");
 *   beforeAll(() => cluster.prepare());
 *   cluster.converge("playbooks/cluster.ts");   // --check, the run, a re-run: exact and idempotent
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { jsonLines, REPO } from "../cli/cli";
import { onHost } from "./testbed";

export const RUN_TIMEOUT = 300_000;

type Events = Record<string, any>[];

/** the tasks a run changed, as sorted "host:task" lines */
export const changed = (events: Events) =>
  events
    .filter((e) => e.type === "task" && e.status === "changed")
    .map((e) => `${e.host}:${e.task}`)
    .sort();
export const failed = (events: Events) => events.filter((e) => e.type === "task" && (e.status === "failed" || e.status === "unreachable"));

/** a command on a test host that must succeed: its output */
export const sh = (host: string, command: string) => {
  const r = onHost(host, command);
  expect(r.code, `${host}: ${command}\n${r.stderr}`).toBe(0);
  return r.stdout;
};

/** what playbooks/cluster.ts installed, removed from the hosts (test/cluster/clean-host.sh) */
export const cleanHosts = (hosts: readonly string[]) => {
  const script = readFileSync(join(REPO, "test/cluster/clean-host.sh"), "utf8");
  for (const host of hosts) onHost(host, script);
};

export function clusterRun(prefix: string) {
  let dir = "";
  const tsplay = (playbook: string, ...extra: string[]) => {
    const r = spawnSync(process.execPath, [join(REPO, "bin/tsplay.js"), playbook, "-i", `${dir}/inventory`, "-e", `@${dir}/testbed.yaml`, "--output", "json", ...extra], {
      cwd: REPO,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
      timeout: RUN_TIMEOUT,
    });
    return { code: r.status, out: r.stdout + r.stderr, events: r.status === null ? [] : jsonLines(r.stdout) };
  };
  return {
    get dir() {
      return dir;
    },
    /** a folder of the test's own with test/demo.sh's inventory, settings and stand-ins */
    prepare() {
      dir = mkdtempSync(join(tmpdir(), prefix));
      const prepared = spawnSync("bash", [join(REPO, "test/demo.sh"), "--prepare-only"], { encoding: "utf8", env: { ...process.env, CLUSTER_DEMO_DIR: dir } });
      expect(prepared.status, prepared.stderr).toBe(0);
    },
    remove() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    tsplay,
    /** --check, then the run: both must name the same changes; then a re-run changes nothing */
    converge(playbook: string, ...extra: string[]) {
      const check = tsplay(playbook, "--check", ...extra);
      expect(check.code, check.out).toBe(0);
      const real = tsplay(playbook, ...extra);
      expect(real.code, real.out).toBe(0);
      expect(changed(real.events)).toEqual(changed(check.events));
      const again = tsplay(playbook, ...extra);
      expect(again.code, again.out).toBe(0);
      expect(changed(again.events)).toEqual([]);
      return real;
    },
  };
}
