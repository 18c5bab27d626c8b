/**
 * Text output of `tsplay adhoc`, in the shape of Ansible's ad-hoc lines: a command's output
 * under `host | CHANGED | rc=0 >>`, other modules' results as indented JSON after
 * `host | SUCCESS =>`, `debug -a var=x` as `{"x": value}`. No banners and no recap, as in
 * Ansible; `--output json` and `--report` are the same as for a playbook.
 *
 *   web1 | CHANGED | rc=0 >>
 *    10:04:01 up 3 days,  2:11,  0 users,  load average: 0.00, 0.01, 0.00
 *   web1 | SUCCESS => {
 *       "etcd_name": "infra1"
 *   }
 */
import type { RunEventBus, RunEvents } from "../events";
import { unifiedDiff } from "./diff-text";
import { printable, printableName } from "./printable";
import { sortedJson } from "../sorted-json";

type HostResult = RunEvents["host-result"];

/** What the JSON after `=>` shows of a result (and the task's message): debug shows the value under its variable's name. */
export type ResultShape = (result: Record<string, unknown>, msg: string) => Record<string, unknown>;

/** The result, with the module's one-line message where the result has none. */
export const wholeResult: ResultShape = (result, msg) => (msg && result.msg === undefined ? { ...result, msg } : result);

function caption(e: HostResult, failedWord: string): string {
  return e.status === "failed" ? failedWord : e.status === "changed" ? "CHANGED" : "SUCCESS";
}

export function adhocLine(e: HostResult, shape: ResultShape): string {
  const host = printableName(e.host);
  const result = e.result ?? {};
  if (e.status === "skipped") return `${host} | SKIPPED`;
  if (e.status === "unreachable") return `${host} | UNREACHABLE! => ${sortedJson({ changed: false, msg: e.msg, unreachable: true })}`;
  // a command that ran: its output as it printed it
  if (typeof result.rc === "number" && typeof result.cmd === "string") {
    const output = [result.stdout, result.stderr, e.status === "failed" ? result.msg : undefined].filter((s) => typeof s === "string" && s !== "");
    return printable(`${host} | ${caption(e, "FAILED")} | rc=${result.rc} >>\n${output.join("\n")}`);
  }
  const shown = e.status === "failed" ? { ...result, msg: e.msg } : shape(result, e.msg);
  return printable(`${host} | ${caption(e, "FAILED!")} => ${sortedJson(shown)}`);
}

export function attachAdhocOutput(events: RunEventBus, write: (line: string) => void, shape: ResultShape = wholeResult): void {
  events
    .on("host-result", (e) => {
      for (const d of e.diff ?? []) write(printable(unifiedDiff(d)));
      write(adhocLine(e, shape));
    })
    .on("warning", (e) => write(`[WARNING]: ${printable(e.msg)}`));
}
