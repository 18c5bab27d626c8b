/**
 * The tasks that took longest, as Ansible's `profile_tasks` lists them: a task's time is
 * from its first host's start to its last host's end, since the next task waits for all.
 */
import type { RecordedTask, RunRecord } from "./record";

export interface SlowTask {
  task: RecordedTask;
  wallMs: number;
  hosts: number;
  /** the host that took longest, and how long */
  slowest: { host: string; durationMs: number };
}

export function slowestTasks(record: RunRecord, count = 15): SlowTask[] {
  const byTask = new Map<number, { start: number; end: number; hosts: number; slowest: SlowTask["slowest"] }>();
  for (const r of record.results) {
    if (r.status === "skipped") continue;
    const seen = byTask.get(r.task);
    const end = r.startMs + r.durationMs;
    if (!seen) {
      byTask.set(r.task, { start: r.startMs, end, hosts: 1, slowest: { host: r.host, durationMs: r.durationMs } });
      continue;
    }
    seen.start = Math.min(seen.start, r.startMs);
    seen.end = Math.max(seen.end, end);
    seen.hosts++;
    if (r.durationMs > seen.slowest.durationMs) seen.slowest = { host: r.host, durationMs: r.durationMs };
  }
  return [...byTask.entries()]
    .map(([index, t]) => ({ task: record.tasks[index]!, wallMs: t.end - t.start, hosts: t.hosts, slowest: t.slowest }))
    .sort((a, b) => b.wallMs - a.wallMs)
    .slice(0, count);
}
