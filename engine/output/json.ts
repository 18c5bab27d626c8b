/**
 * `--output json`: one JSON object per line on stdout, and nothing else there. Task events
 * name their play, their role use (when in a role) and the file:line the task was written at.
 * With `--report` the last line, the recap, names the report file.
 */
import type { RunEventBus } from "../events";

export function attachJsonOutput(events: RunEventBus, write: (line: string) => void, { report }: { report?: string } = {}): void {
  const emit = (object: Record<string, unknown>) => write(JSON.stringify(object));
  events
    .on("play-start", (e) => emit({ type: "play", name: e.name, hosts: e.hosts, check: e.check }))
    .on("host-result", (e) =>
      emit({
        type: "task",
        play: e.play,
        ...(e.role ? { role: e.role } : {}),
        task: e.task,
        ...(e.source ? { source: e.source } : {}),
        host: e.host,
        ...(e.delegatedTo ? { delegatedTo: e.delegatedTo } : {}),
        status: e.status,
        msg: e.msg,
        ...(e.ignored ? { ignored: true } : {}),
        ...(e.diff ? { diff: e.diff } : {}),
        durationMs: e.durationMs,
        result: e.result,
      }),
    )
    .on("warning", (e) => emit({ type: "warning", msg: e.msg }))
    .on("recap", (e) => emit({ type: "recap", hosts: e.hosts, ...(report ? { report } : {}) }));
}
