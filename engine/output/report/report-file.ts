/**
 * `--report FILE.html`: the file is written when the run starts (a page saying the run is
 * under way, so a path that cannot be written fails before any host is touched) and
 * replaced by the report when it ends, however it ends: finished, failed, stopped by an
 * error, or interrupted. Writes are synchronous so that a second Ctrl-C, which ends the
 * process at once, still leaves the report of what ran.
 *
 *   const report = ReportFile.start("run.html", info);
 *   report.record(events);
 *   ...
 *   report.finish(exitCode);
 */
import { renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { UserError } from "../../errors";
import type { RunEventBus } from "../../events";
import { inProgressHtml, reportHtml, type RunInfo } from "./html";
import { recordRun, type RunRecord } from "./record";

export class ReportPathError extends UserError {}

type StartInfo = Omit<RunInfo, "startedAt" | "endedAt" | "exitCode" | "error">;

export class ReportFile {
  private recorded: RunRecord | undefined;
  private finished = false;
  /** the file's absolute path, as `--output json` names it */
  readonly path: string;

  private constructor(
    path: string,
    private readonly info: StartInfo,
    private readonly startedAt: number,
    private readonly diffs: boolean,
  ) {
    this.path = resolve(path);
  }

  static start(path: string, info: StartInfo, { diffs = true }: { diffs?: boolean } = {}): ReportFile {
    const report = new ReportFile(path, info, Date.now(), diffs);
    try {
      report.write(inProgressHtml({ title: info.title, startedAt: report.startedAt }));
    } catch (error) {
      throw new ReportPathError(`--report ${path}: cannot write it: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    return report;
  }

  record(events: RunEventBus): void {
    this.recorded = recordRun(events);
  }

  /** Writes the report once; later calls (the run ending after a forced exit began) do nothing. */
  finish(exitCode: number, error?: string): void {
    if (this.finished) return;
    this.finished = true;
    const record = this.recorded ?? { startedAt: this.startedAt, check: this.info.check, plays: [], hosts: [], tasks: [], results: [], warnings: [] };
    this.write(reportHtml(record, { ...this.info, startedAt: this.startedAt, endedAt: Date.now(), exitCode, error }, { diffs: this.diffs }));
  }

  // beside the target, then renamed: a reader never sees half a report
  private write(html: string): void {
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, html);
    renameSync(temp, this.path);
  }
}
