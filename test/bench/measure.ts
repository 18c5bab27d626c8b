/**
 * One benchmark cell at a time: runs the tools, times them from process start to exit,
 * checks what each run reported (and left behind), and keeps every single time.
 */
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH, clean, log, REPO, sh, stateDigest, testHosts, type Hosts } from "./bench-hosts";

export const RESULTS = join(BENCH, "results");
const TSPLAY = join(REPO, "bin/tsplay.js");

export interface Cell {
  workload: string;
  hosts: number;
  hostKind: string;
  runs: number;
  /** what tsplay is measured against: Ansible, or `node -e 0` for the bare start of a Node process */
  baseline: string;
  /** every time in seconds; empty when Ansible has no twin of this workload */
  ansible: number[];
  tsplay: number[];
  /** CPU seconds (user + system) the tool's processes used on this machine, per run */
  ansibleCpu: number[];
  tsplayCpu: number[];
  /** the largest resident set of the command's own process (the controller), MiB, per run; empty without /usr/bin/time */
  ansiblePeakMiB: number[];
  tsplayPeakMiB: number[];
  ansibleMedian: number | null;
  tsplayMedian: number;
  tsplayPeakMiBMedian: number | null;
  /** the baseline's median ÷ tsplay's */
  ratio: number | null;
  note?: string;
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Timed {
  seconds: number;
  cpu: number;
  /** MiB, when /usr/bin/time measured it */
  peak?: number;
}

const peaks = (runs: Timed[]) => runs.flatMap((t) => (t.peak === undefined ? [] : [t.peak]));

function cell(workload: string, hosts: number, hostKind: string, ansible: Timed[], tsplay: Timed[], note?: string, baseline = "ansible-playbook"): Cell {
  const ansibleMedian = ansible.length ? median(ansible.map((t) => t.seconds)) : null;
  const tsplayMedian = median(tsplay.map((t) => t.seconds));
  const ratio = ansibleMedian === null ? null : ansibleMedian / tsplayMedian;
  return {
    workload,
    hosts,
    hostKind,
    runs: tsplay.length,
    baseline: ansible.length ? baseline : "-",
    ansible: ansible.map((t) => t.seconds),
    tsplay: tsplay.map((t) => t.seconds),
    ansibleCpu: ansible.map((t) => t.cpu),
    tsplayCpu: tsplay.map((t) => t.cpu),
    ansiblePeakMiB: peaks(ansible),
    tsplayPeakMiB: peaks(tsplay),
    ansibleMedian,
    tsplayMedian,
    tsplayPeakMiBMedian: peaks(tsplay).length ? median(peaks(tsplay)) : null,
    ratio,
    ...(note ? { note } : {}),
  };
}

type Tool = "ansible" | "tsplay";
type Recap = Map<string, { changed: number; failed: number }>;
interface Invocation {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

function workloadCommand(tool: Tool, hosts: Hosts): Invocation {
  const forks = String(Math.max(hosts.names.length, 1));
  if (tool === "ansible") {
    return {
      command: "ansible-playbook",
      args: ["-i", hosts.inventory, "-f", forks, ...hosts.extraArgs, join(BENCH, "workload.yml")],
      env: { ...process.env, ANSIBLE_CONFIG: join(BENCH, "ansible.cfg"), ANSIBLE_NOCOLOR: "1" },
    };
  }
  return tsplayCommand([join(BENCH, "workload.ts"), "-i", hosts.inventory, "--forks", forks, ...hosts.extraArgs]);
}

const tsplayCommand = (args: string[]): Invocation => ({ command: process.execPath, args: [TSPLAY, ...args, "--output", "json"], env: { ...process.env } });

/**
 * Runs a command, then prints the CPU time its processes used (the shell's `times`) to
 * stderr; under GNU time (Debian's `time` package), when it is there, which also prints the
 * largest resident set of the command's own process: the controller's peak memory.
 */
const WITH_CPU_TIME = `if [ -x /usr/bin/time ]; then /usr/bin/time -f "${"tsbench-peak-kib %M"}" "$@"; else "$@"; fi; code=$?; times >&2; exit $code`;

/** The children's user and system time from the last line `times` printed ("0m1.230000s 0m0.450000s"). */
function cpuSeconds(stderr: string): number {
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(stderr);
  if (!m) throw new Error("no CPU times at the end of the output");
  return Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
}

/** The peak resident set GNU time printed, in MiB; undefined without it. */
function peakMiB(stderr: string): number | undefined {
  const m = /^tsbench-peak-kib (\d+)$/m.exec(stderr);
  return m ? Number(m[1]) / 1024 : undefined;
}

const measured = (seconds: number, stderr: string): Timed => ({ seconds, cpu: cpuSeconds(stderr), peak: peakMiB(stderr) });

/**
 * Runs one tool once, timed from start to exit (the CPU time its processes used is kept
 * too). `expect` says what is wrong with the recap (undefined: nothing); a failed run
 * keeps its output in results/.
 */
async function timedRun(tool: Tool, run: Invocation, expect: (recap: Recap) => string | undefined): Promise<Timed> {
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn("sh", ["-c", WITH_CPU_TIME, "sh", run.command, ...run.args], { cwd: REPO, env: run.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("exit", (exitCode) => done({ code: exitCode, stdout: out, stderr: err }));
  });
  const seconds = (performance.now() - started) / 1000;
  const wrong = code === 0 ? expect(tool === "ansible" ? ansibleRecap(stdout) : tsplayRecap(stdout)) : "it failed";
  if (wrong) {
    const file = join(RESULTS, `failed-${tool}-${Date.now()}.log`);
    writeFileSync(file, `${run.command} ${run.args.join(" ")}\nexit ${code}\n${stdout}\n${stderr}`);
    throw new Error(`${tool} exited ${code}: ${wrong} (output in ${file})`);
  }
  return measured(seconds, stderr);
}

/** A recap check: every host changed exactly `changed` tasks (any number when undefined) and failed none. */
const everyHost =
  (names: string[], changed: number | undefined) =>
  (recap: Recap): string | undefined => {
    const wrong = names.filter((h) => !recap.has(h) || recap.get(h)!.failed !== 0 || (changed !== undefined && recap.get(h)!.changed !== changed));
    return wrong.length ? `hosts without ${changed ?? "any number of"} changed and 0 failed tasks: ${wrong.join(",")}` : undefined;
  };

function ansibleRecap(stdout: string): Recap {
  const counts: Recap = new Map();
  for (const m of stdout.matchAll(/^(\S+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)) {
    counts.set(m[1]!, { changed: Number(m[2]), failed: Number(m[3]) + Number(m[4]) });
  }
  return counts;
}

function tsplayRecap(stdout: string): Recap {
  const counts: Recap = new Map();
  const recap = stdout.trim().split("\n").map((l) => JSON.parse(l)).find((e) => e.type === "recap");
  for (const [host, s] of Object.entries(recap?.hosts ?? {}) as [string, { changed: number; failed: number; unreachable: number }][]) {
    counts.set(host, { changed: s.changed, failed: s.failed + s.unreachable });
  }
  return counts;
}

/**
 * The 50-task workload on `hosts`: first run on clean hosts (and, when asked, a no-op
 * re-run) for both tools, `reps` times, alternating which tool goes first. Both must leave
 * the same end state.
 */
export async function firstAndRerun(workload: string, hosts: Hosts, reps: number, withRerun: boolean): Promise<Cell[]> {
  const times = { first: { ansible: [] as Timed[], tsplay: [] as Timed[] }, rerun: { ansible: [] as Timed[], tsplay: [] as Timed[] } };
  const digests: Record<Tool, string> = { ansible: "", tsplay: "" };
  // fills tsplay's type-check cache, as any earlier run of the playbook would have
  sh(process.execPath, [TSPLAY, join(BENCH, "workload.ts"), "-i", hosts.inventory, "--list-tasks"]);
  for (let rep = 0; rep < reps; rep++) {
    const order: Tool[] = rep % 2 === 0 ? ["ansible", "tsplay"] : ["tsplay", "ansible"];
    for (const tool of order) {
      clean(hosts);
      const first = await timedRun(tool, workloadCommand(tool, hosts), everyHost(hosts.names, 50));
      times.first[tool].push(first);
      if (rep === 0) digests[tool] = stateDigest(hosts);
      let line = `${workload} ${hosts.names.length} hosts, run ${rep + 1}/${reps}: ${tool} first ${first.seconds.toFixed(2)} s (CPU ${first.cpu.toFixed(2)} s)`;
      if (withRerun) {
        const again = await timedRun(tool, workloadCommand(tool, hosts), everyHost(hosts.names, 0));
        times.rerun[tool].push(again);
        line += `, re-run ${again.seconds.toFixed(2)} s (CPU ${again.cpu.toFixed(2)} s)`;
      }
      log(`${line} (load ${loadavg()[0]!.toFixed(1)})`);
    }
  }
  clean(hosts);
  if (digests.ansible !== digests.tsplay) throw new Error(`${workload}: Ansible and tsplay left different end states (${digests.ansible} vs ${digests.tsplay})`);
  const n = hosts.names.length;
  const cells = [cell(`${workload}: first run`, n, hosts.kind, times.first.ansible, times.first.tsplay)];
  if (withRerun) cells.push(cell(`${workload}: no-op re-run`, n, hosts.kind, times.rerun.ansible, times.rerun.tsplay));
  return cells;
}

/**
 * Command round trips per task and host, from TSPLAY_TRACE=1 lines on one host: the trace
 * (stderr) and the JSON events (stdout) go to one pipe, so they stay in order. Tasks are
 * grouped by their name without the number ("directory", "copy", "line").
 */
export function roundTrips(hosts: Hosts): Record<string, Record<string, number>> {
  const host = hosts.names[0]!;
  const counts: Record<string, Record<string, number>> = {};
  clean(hosts);
  for (const run of ["first run", "re-run"]) {
    const { command, args } = workloadCommand("tsplay", hosts);
    const r = spawnSync("sh", ["-c", 'exec "$@" 2>&1', "sh", command, ...args, "--limit", host], { cwd: REPO, encoding: "utf8", env: { ...process.env, TSPLAY_TRACE: "1" } });
    const perKind: Record<string, { tasks: number; commands: number }> = {};
    let pending = 0;
    for (const line of r.stdout.split("\n")) {
      if (line.startsWith(`tsplay-trace ${host} shell`) || line.startsWith(`tsplay-trace ${host} exec`)) pending++;
      if (!line.startsWith("{")) continue;
      const event = JSON.parse(line);
      if (event.type !== "task") continue;
      const kind = String(event.task).replace(/ \d+$/, "");
      perKind[kind] ??= { tasks: 0, commands: 0 };
      perKind[kind].tasks++;
      perKind[kind].commands += pending;
      pending = 0;
    }
    counts[run] = Object.fromEntries(Object.entries(perKind).map(([kind, c]) => [kind, c.commands / c.tasks]));
  }
  clean(hosts);
  return counts;
}

function timeCommand({ command, args, env }: Invocation): Timed {
  const started = performance.now();
  const r = spawnSync("sh", ["-c", WITH_CPU_TIME, "sh", command, ...args], { cwd: REPO, env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${r.stderr}`);
  return measured((performance.now() - started) / 1000, r.stderr);
}

interface StartupPair {
  workload: string;
  baseline: string;
  base: Invocation;
  tsplay: Invocation;
  /** done before each timed tsplay run, outside its time */
  before?: () => void;
  note: string;
}

/**
 * Start-up, a new process each time: `tsplay --version` and `--help` against a bare
 * `node -e 0`, and `tsplay --list-tasks` of the cluster playbook against Ansible listing
 * the workload's tasks, with the playbook's type check cached (any start after the first
 * one since an edit) and right after an edit (tsc checks it again). The edit is a comment
 * appended to a copy of the cluster playbook beside it (playbooks/.bench-edited-cluster.ts,
 * removed afterwards), before each run and outside its time; the compiled engine stays
 * cached, as it does for anyone who edits a playbook.
 */
export function startup(reps: number): Cell[] {
  const ansible: Invocation = {
    command: "ansible-playbook",
    args: ["--list-tasks", "-i", "localhost,", join(BENCH, "workload.yml")],
    env: { ...process.env, ANSIBLE_CONFIG: join(BENCH, "ansible.cfg") },
  };
  const node: Invocation = { command: process.execPath, args: ["-e", "0"], env: process.env };
  const tsplay = (...args: string[]): Invocation => ({ command: process.execPath, args: [TSPLAY, ...args], env: process.env });
  const cluster = join(REPO, "playbooks/cluster.ts");
  const edited = join(REPO, "playbooks/.bench-edited-cluster.ts");
  let edits = 0;
  const edit = () => appendFileSync(edited, `// bench edit ${++edits}\n`);
  const pairs: StartupPair[] = [
    { workload: "start-up: tsplay --version", baseline: "node -e 0", base: node, tsplay: tsplay("--version"), note: "against a Node process that runs nothing" },
    { workload: "start-up: tsplay --help", baseline: "node -e 0", base: node, tsplay: tsplay("--help"), note: "against a Node process that runs nothing" },
    {
      workload: "start-up: --list-tasks",
      baseline: "ansible-playbook",
      base: ansible,
      tsplay: tsplay("playbooks/cluster.ts", "-i", "inventory", "--list-tasks"),
      note: "tsplay lists playbooks/cluster.ts (type check cached: the playbook is unchanged since its last check); Ansible lists workload.yml",
    },
    {
      workload: "start-up: --list-tasks right after an edit",
      baseline: "ansible-playbook",
      base: ansible,
      tsplay: tsplay(edited, "-i", "inventory", "--list-tasks"),
      before: edit,
      note: "as above, right after an edit to the playbook (a comment appended to a copy of it): tsc checks it again while it is compiled and loaded",
    },
  ];
  copyFileSync(cluster, edited);
  try {
    // each once before timing: the OS file cache equally warm for all, the engine compiled, tsc's incremental state made
    for (const pair of pairs) {
      pair.before?.();
      timeCommand(pair.tsplay);
      timeCommand(pair.base);
    }
    const times = pairs.map(() => ({ base: [] as Timed[], tsplay: [] as Timed[] }));
    for (let rep = 0; rep < reps; rep++) {
      pairs.forEach((pair, i) => {
        const runTsplay = () => {
          pair.before?.();
          times[i]!.tsplay.push(timeCommand(pair.tsplay));
        };
        const runBase = () => times[i]!.base.push(timeCommand(pair.base));
        // the tool that goes first changes with each repetition
        if (rep % 2 === 0) [runBase, runTsplay].forEach((run) => run());
        else [runTsplay, runBase].forEach((run) => run());
      });
    }
    const list = (xs: Timed[]) => xs.map((x) => x.seconds.toFixed(3)).join(" ");
    pairs.forEach((pair, i) => log(`${pair.workload}: ${pair.baseline} ${list(times[i]!.base)}; tsplay ${list(times[i]!.tsplay)} (load ${loadavg()[0]!.toFixed(1)})`));
    return pairs.map((pair, i) => cell(pair.workload, 0, "none", times[i]!.base, times[i]!.tsplay, pair.note, pair.baseline));
  } finally {
    rmSync(edited, { force: true });
  }
}

/**
 * The cluster playbook on the three test hosts, as test/demo.sh runs it: first run on
 * clean hosts (certificates issued afresh too) and a no-op re-run, tsplay only: there is
 * no Ansible twin of playbooks/cluster.ts.
 */
export async function cluster(reps: number): Promise<Cell[]> {
  const hosts = testHosts();
  const dir = mkdtempSync(join(tmpdir(), "tsbench-cluster-"));
  const cleanHost = readFileSync(join(REPO, "test/cluster/clean-host.sh"), "utf8");
  try {
    sh("bash", [join(REPO, "test/demo.sh"), "--prepare-only"], { env: { ...process.env, CLUSTER_DEMO_DIR: dir } });
    const run = tsplayCommand(["playbooks/cluster.ts", "-i", join(dir, "inventory"), "-e", `@${join(dir, "testbed.yaml")}`]);
    sh(process.execPath, [TSPLAY, "playbooks/cluster.ts", "-i", join(dir, "inventory"), "--list-tasks"]);
    const first: Timed[] = [];
    const rerun: Timed[] = [];
    for (let rep = 0; rep < reps; rep++) {
      for (const name of hosts.names) hosts.onHost(name, cleanHost);
      rmSync(join(dir, "pki"), { recursive: true, force: true });
      first.push(await timedRun("tsplay", run, everyHost(hosts.names, undefined)));
      rerun.push(await timedRun("tsplay", run, everyHost(hosts.names, 0)));
      log(`cluster, run ${rep + 1}/${reps}: first ${first.at(-1)!.seconds.toFixed(2)} s, re-run ${rerun.at(-1)!.seconds.toFixed(2)} s (load ${loadavg()[0]!.toFixed(1)})`);
    }
    const note = "tsplay only: no Ansible twin of playbooks/cluster.ts exists; etcd and systemd are real, Kubernetes binaries are stand-ins (test/demo.sh)";
    return [cell("cluster: first run", 3, hosts.kind, [], first, note), cell("cluster: no-op re-run", 3, hosts.kind, [], rerun, note)];
  } finally {
    for (const name of hosts.names) hosts.onHost(name, cleanHost);
    rmSync(dir, { recursive: true, force: true });
  }
}
