/**
 * `npm run bench`: the same work done by Ansible and by tsplay, on the same hosts, in one
 * run, alternating, several times; prints medians and ratios and writes them as JSON to
 * test/bench/results/. Needs Debian's `ansible` package (and `time`, for peak memory); root,
 * `openssh-server` and the test hosts (`npm run testbed:up`) for the workloads on hosts.
 *
 *   npm run bench                                   # everything, default repetitions
 *   npm run bench -- --only tasks --reps 3          # one workload, fewer runs
 *   npm run bench -- --only hosts --sizes 3,10 --keep-hosts
 *
 * Workloads (README.md in this folder says more):
 *   startup  `tsplay --version` and `--help` against `node -e 0`; `tsplay playbooks/cluster.ts -i inventory
 *            --list-tasks` (type check cached, and right after an edit) against `ansible-playbook --list-tasks`
 *   tasks    workload.ts / workload.yml (50 tasks) on the 3 test hosts: first run on clean hosts, then a no-op re-run
 *   hosts    the same playbook, first run, on 3, 10, 30 and 60 light hosts (hosts-up.sh)
 *   cluster  playbooks/cluster.ts on the 3 test hosts, first run and re-run (tsplay only)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { testbedUp } from "../e2e/testbed";
import { BENCH, lightHosts, log, sh, STATE, testHosts } from "./bench-hosts";
import { cluster, firstAndRerun, RESULTS, roundTrips, startup, type Cell } from "./measure";

const WORKLOADS = ["startup", "tasks", "hosts", "cluster"];

interface Options {
  only: Set<string>;
  reps: number;
  sizes: number[];
  /** runs per side for each size of workload 2 (default: fewer for the large ones) */
  hostReps: Map<number, number>;
  keepHosts: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { only: new Set(WORKLOADS), reps: 5, sizes: [3, 10, 30, 60], hostReps: new Map(), keepHosts: false };
  for (let i = 0; i < argv.length; i++) {
    const value = () => argv[++i] ?? "";
    switch (argv[i]) {
      case "--only":
        options.only = new Set(value().split(","));
        for (const w of options.only) if (!WORKLOADS.includes(w)) throw new Error(`unknown workload ${w} (one of ${WORKLOADS.join(", ")})`);
        break;
      case "--reps":
        options.reps = Number(value());
        break;
      case "--sizes":
        options.sizes = value().split(",").map(Number);
        break;
      case "--host-reps": // 3:5,10:3,30:1
        for (const pair of value().split(",")) {
          const [size, reps] = pair.split(":").map(Number);
          options.hostReps.set(size!, reps!);
        }
        break;
      case "--keep-hosts":
        options.keepHosts = true;
        break;
      default:
        throw new Error(`unknown option ${argv[i]} (see the comment at the top of test/bench/run.ts)`);
    }
  }
  if (!(options.reps >= 1) || options.sizes.some((n) => !(n >= 1 && n <= 250))) throw new Error("--reps must be ≥ 1 and --sizes between 1 and 250");
  return options;
}

function machine() {
  const ansibleVersion = spawnSync("ansible", ["--version"], { encoding: "utf8" }).stdout.split("\n")[0] ?? "";
  return {
    date: new Date().toISOString(),
    nproc: cpus().length,
    cpu: cpus()[0]?.model,
    loadavgAtStart: loadavg().map((x) => Number(x.toFixed(2))),
    node: process.version,
    ansible: ansibleVersion.trim(),
  };
}

function table(cells: Cell[]): string {
  const rows = [["workload", "hosts", "runs", "baseline", "baseline median s", "tsplay median s", "ratio", "tsplay peak MiB"]];
  for (const c of cells) {
    const base = c.ansibleMedian === null ? "-" : c.ansibleMedian.toFixed(c.hosts ? 2 : 3);
    const peak = c.tsplayPeakMiBMedian === null ? "-" : c.tsplayPeakMiBMedian.toFixed(0);
    rows.push([c.workload, String(c.hosts), String(c.runs), c.baseline, base, c.tsplayMedian.toFixed(c.hosts ? 2 : 3), c.ratio === null ? "-" : `${c.ratio.toFixed(c.ratio < 10 ? 2 : 1)}×`, peak]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((v, i) => v.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(rows[0]!), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.slice(1).map(line)].join("\n");
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // start-up runs no host: it needs neither root nor sshd
  const onHosts = [...options.only].some((w) => w !== "startup");
  if (onHosts && process.getuid?.() !== 0) throw new Error("the benchmark needs root (network namespaces, sshd)");
  for (const tool of ["ansible-playbook", ...(onHosts ? ["/usr/sbin/sshd"] : [])]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is missing: apt-get install -y ansible openssh-server time`);
  }
  if ((options.only.has("tasks") || options.only.has("cluster")) && !testbedUp) throw new Error("the tasks and cluster workloads need the test hosts: npm run testbed:up");
  mkdirSync(RESULTS, { recursive: true });
  const info = machine();
  log(`machine: ${info.nproc} CPUs, load ${info.loadavgAtStart.join(" ")}, ${info.ansible}, node ${info.node}`);
  const cells: Cell[] = [];
  let trips: Record<string, Record<string, number>> | undefined;
  const startedLight = !existsSync(join(STATE, "known_hosts"));
  const file = join(RESULTS, `bench-${info.date.replace(/[:.]/g, "-")}.json`);
  const result = () => ({ machine: { ...info, loadavgAtEnd: loadavg().map((x) => Number(x.toFixed(2))) }, cells, roundTripsPerTaskAndHost: trips });
  // written after every workload: a long run stopped half-way keeps what it measured
  const save = () => {
    const text = `${JSON.stringify(result(), null, 2)}\n`;
    writeFileSync(file, text);
    writeFileSync(join(RESULTS, "latest.json"), text);
  };
  try {
    if (options.only.has("startup")) {
      cells.push(...startup(options.reps));
      save();
    }
    if (options.only.has("tasks")) {
      const hosts = testHosts();
      trips = roundTrips(hosts);
      cells.push(...(await firstAndRerun("tasks (50)", hosts, options.reps, true)));
      save();
    }
    if (options.only.has("hosts")) {
      for (const size of options.sizes) {
        const reps = options.hostReps.get(size) ?? (size >= 60 ? 1 : size >= 30 ? 2 : Math.min(3, options.reps));
        cells.push(...(await firstAndRerun("hosts", lightHosts(size), reps, false)));
        save();
      }
    }
    if (options.only.has("cluster")) {
      cells.push(...(await cluster(Math.min(3, options.reps))));
      save();
    }
  } finally {
    if (!options.keepHosts && startedLight && existsSync(join(STATE, "known_hosts"))) sh("bash", [join(BENCH, "hosts-down.sh")]);
  }
  save();
  console.log(table(cells));
  if (trips) {
    console.log("\ncommand round trips per task and host (TSPLAY_TRACE=1):");
    for (const [run, kinds] of Object.entries(trips)) console.log(`  ${run}: ${Object.entries(kinds).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  }
  console.log(`\nmachine: ${info.nproc} CPUs (${info.cpu}), load ${info.loadavgAtStart.join(" ")} at start, ${result().machine.loadavgAtEnd.join(" ")} at end; ${info.ansible}; node ${info.node}`);
  console.log(`written: ${file}`);
}

main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.message}\n`);
  process.exitCode = 1;
});
