/**
 * Changes and failures, each told once for all the hosts it happened to alike: on a
 * 60-host run the same file changed the same way on every host is one entry naming 60
 * hosts, which keeps the report readable and small.
 */
import type { FileDiff } from "../../module";
import type { RecordedResult, RecordedTask, RunRecord } from "./record";

export interface ResultGroup {
  task: RecordedTask;
  /** the task's name as the hosts of this group saw it */
  name: string;
  status: RecordedResult["status"];
  ignored: boolean;
  msg: string;
  diff?: FileDiff[];
  output?: RecordedResult["output"];
  delegatedTo?: string;
  hosts: string[];
}

function groups(record: RunRecord, wanted: (r: RecordedResult) => boolean): ResultGroup[] {
  const found = new Map<string, ResultGroup>();
  for (const r of record.results) {
    if (!wanted(r)) continue;
    const task = record.tasks[r.task]!;
    const name = r.name ?? task.name;
    const key = JSON.stringify([r.task, name, r.status, r.ignored, r.msg, r.diff ?? null, r.output ?? null, r.delegatedTo ?? null]);
    const group = found.get(key);
    if (group) group.hosts.push(r.host);
    else found.set(key, { task, name, status: r.status, ignored: r.ignored, msg: r.msg, diff: r.diff, output: r.output, delegatedTo: r.delegatedTo, hosts: [r.host] });
  }
  // hosts as the run names them, not as they happened to finish
  const order = new Map(record.hosts.map((h, i) => [h, i]));
  for (const group of found.values()) group.hosts.sort((a, b) => order.get(a)! - order.get(b)!);
  return [...found.values()];
}

/** Every changed task (in check mode: every task that would change), in run order. */
export const changeGroups = (record: RunRecord) => groups(record, (r) => r.status === "changed");

/** Every failure, ignored ones included, and every unreachable host, in run order. */
export const failureGroups = (record: RunRecord) => groups(record, (r) => r.status === "failed" || r.status === "unreachable");
