/**
 * What the HTML report is made of: the run's events as they arrive, kept in order. It sees
 * only what the events carry, so a no-log task's output and diff are as hidden here as in
 * `--diff` and `--output json`.
 *
 *   const record = recordRun(events);   // before the run
 *   ... runPlaybook(...) ...
 *   reportHtml(record, info);           // after it (or at Ctrl-C, with what ran)
 */
import type { HostStats, HostStatus, RunEventBus, RunEvents } from "../../events";
import type { FileDiff } from "../../module";

/** One task as the run started it: a task of a later play or batch is a new one. */
export interface RecordedTask {
  name: string;
  play: string;
  role?: string;
  /** file:line where the task was written */
  source?: string;
  handler: boolean;
}

export interface RecordedResult {
  /** index into RunRecord.tasks */
  task: number;
  host: string;
  /** the task's name on this host, where a templated name renders differently */
  name?: string;
  status: HostStatus;
  ignored: boolean;
  msg: string;
  diff?: FileDiff[];
  delegatedTo?: string;
  /** milliseconds since the run's start */
  startMs: number;
  durationMs: number;
  /** what a failed command said (rc, and the end of stderr and stdout) */
  output?: { rc?: number; stderr?: string; stdout?: string };
}

export interface RunRecord {
  /** epoch milliseconds when recording began: the timeline's zero */
  startedAt: number;
  check: boolean;
  plays: RunEvents["play-start"][];
  /** every host that took part, in the order the run named them */
  hosts: string[];
  tasks: RecordedTask[];
  results: RecordedResult[];
  warnings: string[];
  recap?: Record<string, HostStats>;
}

/** file:line as the report shows it: relative to the folder tsplay ran in, when below it. */
export function shownSource(where: string | undefined): string {
  const base = `${process.cwd()}/`;
  return where?.startsWith(base) ? where.slice(base.length) : (where ?? "");
}

// a failed command's output is for recognising the failure; the whole of it is in --output json
const OUTPUT_TAIL_LINES = 20;
const OUTPUT_TAIL_CHARS = 4000;

function tail(text: unknown): string | undefined {
  if (typeof text !== "string" || text === "") return undefined;
  const lines = text.split("\n");
  const kept = lines.length > OUTPUT_TAIL_LINES ? [`[${lines.length - OUTPUT_TAIL_LINES} lines before]`, ...lines.slice(-OUTPUT_TAIL_LINES)].join("\n") : text;
  return kept.length > OUTPUT_TAIL_CHARS ? `[…]${kept.slice(-OUTPUT_TAIL_CHARS)}` : kept;
}

function failureOutput(result: Record<string, unknown> | undefined): RecordedResult["output"] {
  if (!result || result.censored !== undefined) return undefined;
  const output = { rc: typeof result.rc === "number" ? result.rc : undefined, stderr: tail(result.stderr), stdout: tail(result.stdout) };
  return output.rc === undefined && !output.stderr && !output.stdout ? undefined : output;
}

export function recordRun(events: RunEventBus, now: () => number = Date.now): RunRecord {
  const record: RunRecord = { startedAt: now(), check: false, plays: [], hosts: [], tasks: [], results: [], warnings: [] };
  const known = new Set<string>();
  const addHost = (host: string) => {
    if (!known.has(host)) record.hosts.push(host), known.add(host);
  };
  // the linear strategy runs one task at a time: a result belongs to the task started last
  let current = -1;
  events
    .on("play-start", (e) => {
      record.plays.push(e);
      record.check ||= e.check;
      e.hosts.forEach(addHost);
    })
    .on("task-start", (e) => {
      current = record.tasks.push({ name: e.name, play: e.play, role: e.role, source: e.source, handler: e.handler }) - 1;
    })
    .on("host-result", (e) => {
      if (current < 0 || record.tasks[current]!.play !== e.play) {
        current = record.tasks.push({ name: e.task, play: e.play, role: e.role, source: e.source, handler: false }) - 1;
      }
      addHost(e.host);
      // The event is emitted the moment the host's task ends, so its start is now less its duration.
      const endMs = now() - record.startedAt;
      const failed = e.status === "failed" || e.status === "unreachable";
      record.results.push({
        task: current,
        host: e.host,
        ...(e.task !== record.tasks[current]!.name ? { name: e.task } : {}),
        status: e.status,
        ignored: e.ignored === true,
        msg: e.msg,
        ...(e.diff?.length ? { diff: e.diff } : {}),
        ...(e.delegatedTo ? { delegatedTo: e.delegatedTo } : {}),
        startMs: Math.max(0, endMs - e.durationMs),
        durationMs: e.durationMs,
        ...(failed ? { output: failureOutput(e.result) } : {}),
      });
    })
    .on("warning", (e) => record.warnings.push(e.msg))
    .on("recap", (e) => {
      record.recap = e.hosts;
      Object.keys(e.hosts).forEach(addHost);
    });
  return record;
}
