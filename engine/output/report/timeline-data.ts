/**
 * The timeline's data as the page's script reads it: compact arrays rather than one
 * element per bar in the HTML, so that a 60-host run of a long playbook stays small.
 *
 *   { spanMs: 8120, hosts: ["h1", ...], tasks: [["etcd : config", "roles/etcd/tasks.ts:12"], ...],
 *     results: [[host, task, startMs, durationMs, status, name?], ...] }
 */
import type { HostStatus } from "../../events";
import { taskLabel } from "../plain";
import { printableName } from "../printable";
import { shownSource, type RunRecord } from "./record";

/** status codes as the page's script knows them; 5 is a failure that was ignored */
export const STATUS_CODE: Record<HostStatus, number> = { ok: 0, changed: 1, failed: 2, unreachable: 3, skipped: 4 };
export const IGNORED_CODE = 5;

export interface TimelineData {
  spanMs: number;
  check: boolean;
  hosts: string[];
  tasks: [label: string, source: string][];
  results: (number | string)[][];
}

export function timelineData(record: RunRecord): TimelineData {
  const hostIndex = new Map(record.hosts.map((h, i) => [h, i]));
  const spanMs = Math.max(1, ...record.results.map((r) => r.startMs + r.durationMs));
  return {
    spanMs,
    check: record.check,
    hosts: record.hosts.map(printableName),
    tasks: record.tasks.map((t) => [taskLabel(t), printableName(shownSource(t.source))]),
    results: record.results.map((r) => {
      const code = r.ignored ? IGNORED_CODE : STATUS_CODE[r.status];
      const row: (number | string)[] = [hostIndex.get(r.host)!, r.task, r.startMs, r.durationMs, code];
      if (r.name !== undefined) row.push(taskLabel({ name: r.name, role: record.tasks[r.task]!.role }));
      return row;
    }),
  };
}
