/** Ansible-like lines, for logs and pipes (no TTY). */
import type { RunEventBus, RunEvents } from "../events";
import { unifiedDiff } from "./diff-text";
import { printable, printableName } from "./printable";
import { recapLine } from "./recap-line";

const banner = (title: string) => `\n${title} ${"*".repeat(Math.max(3, 72 - title.length))}`;

const LABEL: Record<"ok" | "changed" | "skipped", string> = { ok: "ok", changed: "changed", skipped: "skipping" };

/** Ansible's "role : task", naming the role use where a play uses the role more than once. */
export const taskLabel = (e: { name: string; role?: string }) => printableName(e.role ? `${e.role} : ${e.name}` : e.name);

export function hostLine(e: RunEvents["host-result"], verbose: number): string {
  const where = printableName(e.delegatedTo ? `[${e.host} -> ${e.delegatedTo}]` : `[${e.host}]`);
  const time = e.status === "skipped" ? "" : ` (${e.durationMs} ms)`;
  if (e.status === "failed") return `${e.ignored ? "failed (ignored)" : "fatal"}: ${where}: FAILED! ${printable(e.msg)}${time}`;
  if (e.status === "unreachable") return `fatal: ${where}: UNREACHABLE! ${printable(e.msg)}`;
  const msg = e.msg ? ` ${printable(e.msg)}` : "";
  // JSON escapes control characters itself
  const details = verbose > 0 && e.result ? ` => ${JSON.stringify(e.result)}` : "";
  return `${LABEL[e.status]}: ${where}${msg}${time}${details}`;
}

export function attachPlainOutput(events: RunEventBus, write: (line: string) => void, verbose: number): void {
  events
    .on("play-start", (e) => write(banner(`PLAY [${printableName(e.name)}]${e.check ? " (check mode)" : ""}`)))
    .on("task-start", (e) => write(banner(`${e.handler ? "RUNNING HANDLER" : "TASK"} [${taskLabel(e)}]`)))
    .on("host-result", (e) => {
      write(hostLine(e, verbose));
      for (const d of e.diff ?? []) write(printable(unifiedDiff(d)));
    })
    .on("warning", (e) => write(`[WARNING]: ${printable(e.msg)}`))
    .on("recap", (e) => {
      write(banner("PLAY RECAP"));
      const width = Math.max(0, ...Object.keys(e.hosts).map((h) => h.length));
      for (const [host, stats] of Object.entries(e.hosts)) write(recapLine(printableName(host), stats, width));
    });
}
