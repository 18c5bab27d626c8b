/**
 * What the end-to-end tests of the cluster's playbooks share: the demo's inventory prepared
 * in a folder of the test's own, tsplay run on it with JSON output, the changes a run
 * reports as "host:task" lines, and what the tests look at on the hosts.
 *
 *   const cluster = clusterRun("tsplay-nodes-");
 *   beforeAll(() => cluster.prepare());
 *   cluster.converge("playbooks/cluster.ts");   // --check, the run, a re-run: exact and idempotent
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { jsonLines, REPO } from "../cli/cli";
import { onHost, TESTBED_STATE, testbedScript } from "./testbed";

export const RUN_TIMEOUT = 300_000;

type Events = Record<string, any>[];

/** the tasks a run changed, as sorted "host:task" lines */
export const changed = (events: Events) =>
  events
    .filter((e) => e.type === "task" && e.status === "changed")
    .map((e) => `${e.host}:${e.task}`)
    .sort();
/** the tasks that failed, unreachable hosts' too */
export const failed = (events: Events) => events.filter((e) => e.type === "task" && (e.status === "failed" || e.status === "unreachable"));

/** hex, as sha256sum and SHA256SUMS write it */
export const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** a command on a test host that must succeed: its output */
export const sh = (host: string, command: string) => {
  const r = onHost(host, command);
  expect(r.code, `${host}: ${command}\n${r.stderr}`).toBe(0);
  return r.stdout;
};

/** the services playbooks/cluster.ts runs on a host of the demo's inventory (h1 its master) */
export const clusterUnits = (host: string) => {
  const everywhere = ["etcd", "flanneld", "docker", "kubelet", "kube-proxy"];
  return host === "h1" ? [...everywhere, "kube-apiserver", "kube-controller-manager", "kube-scheduler"] : everywhere;
};
/** unit → "MainPID ActiveEnterTimestampMonotonic": equal before and after means not restarted */
export const serviceStamps = (host: string, units = clusterUnits(host)) => {
  const out = sh(host, `for u in ${units.join(" ")}; do echo "$u $(systemctl show -p MainPID --value $u) $(systemctl show -p ActiveEnterTimestampMonotonic --value $u)"; done`);
  return Object.fromEntries(out.trim().split("\n").map((line) => [line.split(" ")[0]!, line.split(" ").slice(1).join(" ")]));
};
/** etcdctl's v2 API on a host, to all three members with the cluster's client certificate */
export const ETCD_V2 =
  "ETCDCTL_API=2 etcdctl --endpoints=https://10.77.0.11:2379,https://10.77.0.12:2379,https://10.77.0.13:2379 --ca-file=/etc/kubernetes/ssl/ca.pem --cert-file=/etc/kubernetes/ssl/kubernetes.pem --key-file=/etc/kubernetes/ssl/kubernetes-key.pem";

/** what playbooks/cluster.ts installed, removed from the hosts (test/cluster/clean-host.sh) */
export const cleanHosts = (hosts: readonly string[]) => {
  const script = readFileSync(join(REPO, "test/cluster/clean-host.sh"), "utf8");
  for (const host of hosts) onHost(host, script);
};
/** the fourth test host gone, should a test that adds it have stopped before removing it */
export const removeFourthHost = () => {
  if (readdirSync(TESTBED_STATE).includes("h4")) testbedScript("remove-host.sh", "h4");
};

/** tsplay with a command line of the test's own (a subcommand, say): its exit code, output and JSON events */
export const tsplayCommand = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(process.execPath, [join(REPO, "bin/tsplay.js"), ...args], {
    cwd: REPO,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
    timeout: RUN_TIMEOUT,
  });
  return { code: r.status, out: r.stdout + r.stderr, events: r.status === null ? [] : jsonLines(r.stdout) };
};

/** `env`: variables of the runs, asked for at each run (a PATH to a folder made after prepare(), say) */
export function clusterRun(prefix: string, env: () => NodeJS.ProcessEnv = () => ({})) {
  let dir = "";
  /** a playbook's command line on the demo's inventory and settings, with JSON output */
  const args = (playbook: string, ...extra: string[]) => [playbook, "-i", `${dir}/inventory`, "-e", `@${dir}/testbed.yaml`, "--output", "json", ...extra];
  const tsplay = (playbook: string, ...extra: string[]) => tsplayCommand(args(playbook, ...extra), env());
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
    args,
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
