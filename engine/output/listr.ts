/**
 * Progress on a terminal: each task is a listr2 list with a row per host that
 * settles as that host's result arrives. Tasks render one after another, as they run.
 */
import { Listr } from "listr2";
import type { RunEventBus, RunEvents } from "../events";
import { unifiedDiff } from "./diff-text";
import { taskLabel } from "./plain";
import { printable, printableName } from "./printable";
import { recapLine } from "./recap-line";

type HostResult = RunEvents["host-result"];

export interface TerminalOutput {
  /** resolves when everything received so far is on the screen */
  settled(): Promise<void>;
}

export function attachListrOutput(events: RunEventBus, write: (line: string) => void): TerminalOutput {
  let chain: Promise<void> = Promise.resolve();
  const later = (step: () => void | Promise<void>) => {
    chain = chain.then(step);
  };
  let pending = new Map<string, (result: HostResult) => void>();

  events.on("play-start", (e) => later(() => write(`\nPLAY [${printableName(e.name)}]${e.check ? " (check mode)" : ""}`)));
  events.on("warning", (e) => later(() => write(`warning: ${printable(e.msg)}`)));
  events.on("task-start", (e) => {
    const waiting = new Map<string, (result: HostResult) => void>();
    const rows = e.hosts.map((host) => {
      const result = new Promise<HostResult>((resolve) => waiting.set(host, resolve));
      return {
        title: printableName(host),
        task: async (_ctx: unknown, row: { title: string; skip(msg?: string): void }) => {
          const r = await result;
          const detail = r.msg ? ` ${printableName(r.msg.split("\n")[0]!)}` : "";
          row.title = `${printableName(host)}: ${r.status}${r.ignored ? " (ignored)" : ""}${detail} (${r.durationMs} ms)`;
          if (r.status === "skipped") row.skip(`${printableName(host)}: skipped`);
          if (r.status === "failed" && !r.ignored) throw new Error(row.title);
          if (r.status === "unreachable") throw new Error(row.title);
        },
      };
    });
    pending = waiting;
    // Ctrl-C is the CLI's: it stops the run gracefully, listr2 would exit the process
    const list = new Listr(rows, { concurrent: true, exitOnError: false, registerSignalListeners: false, rendererOptions: { collapseSubtasks: false, collapseErrors: false } });
    later(async () => {
      write(`${e.handler ? "HANDLER" : "TASK"} [${taskLabel(e)}]`);
      await list.run().catch(() => undefined);
    });
  });
  events.on("host-result", (e) => {
    pending.get(e.host)?.(e);
    if (e.diff?.length) later(() => e.diff!.forEach((d) => write(printable(unifiedDiff(d)))));
  });
  events.on("recap", (e) =>
    later(() => {
      write("\nPLAY RECAP");
      const width = Math.max(0, ...Object.keys(e.hosts).map((h) => h.length));
      for (const [host, stats] of Object.entries(e.hosts)) write(recapLine(printableName(host), stats, width));
    }),
  );
  return { settled: () => chain };
}
