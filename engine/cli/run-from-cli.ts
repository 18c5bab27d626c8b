/**
 * A run started from the command line, playbook or ad-hoc: the output the options ask for,
 * the report, Ctrl-C, host key checking, then the runner; and how the command ends (the
 * report written whatever happened, errors as one line, the exit code). Every output sees
 * the events with the vault's secrets masked, and errors are masked alike.
 *
 *   const exitCode = await runFromCli({ playbook, inventory, settings, opts, write, report });
 */
import { connectionFactory } from "../connections/open";
import type { Playbook } from "../dsl";
import { describeError } from "../errors";
import { RunEventBus } from "../events";
import type { Inventory } from "../inventory";
import { attachJsonOutput } from "../output/json";
import { maskedEvents } from "../output/masked-events";
import { attachPlainOutput } from "../output/plain";
import type { ReportFile } from "../output/report/report-file";
import { withoutDiffs } from "../output/without-diffs";
import { EXIT, runPlaybook } from "../run/playbook-runner";
import type { RunSettings } from "../run/settings";
import type { SecretValues } from "../vault/secret-values";
import type { RunOptionValues } from "./run-options";

export interface CliRun {
  playbook: Playbook;
  inventory: Inventory;
  settings: RunSettings;
  opts: RunOptionValues;
  write: (line: string) => void;
  report?: ReportFile;
  /** text output other than a playbook's (the ad-hoc command's Ansible-like lines) */
  textOutput?: (events: RunEventBus, write: (line: string) => void, verbose: number) => void;
}

/**
 * Ctrl-C: the first stops the run from starting anything more and lets what is in flight
 * finish (a file being written lands whole or not at all), then the recap is printed and
 * the exit code is 130; a second one ends the process at once, after `beforeExit`.
 */
function onCtrlC(events: RunEventBus, beforeExit: () => void): AbortSignal {
  const controller = new AbortController();
  process.on("SIGINT", () => {
    if (controller.signal.aborted) {
      beforeExit();
      process.exit(EXIT.interrupted);
    }
    controller.abort();
    events.emit("warning", { msg: "interrupted: letting the tasks in flight finish, then stopping (Ctrl-C again to end at once)" });
  });
  return controller.signal;
}

export async function runFromCli({ playbook, inventory, settings, opts, write, report, textOutput }: CliRun): Promise<number> {
  const events = new RunEventBus();
  // the runner emits into `events`; every output, the report included, reads them masked
  const visible = maskedEvents(events, settings.vault.secrets);
  report?.record(visible);
  // the report records differences for itself; the output shows them only for --diff
  const shown = opts.diff || !report ? visible : withoutDiffs(visible);
  let terminal: { settled(): Promise<void> } | undefined;
  if (opts.output === "json") attachJsonOutput(shown, write, { report: report?.path });
  else if (textOutput) textOutput(shown, write, opts.verbose);
  // listr2 is loaded only for a terminal: every other start saves the ~150 ms it takes
  else if (process.stdout.isTTY && opts.verbose === 0) terminal = (await import("../output/listr")).attachListrOutput(shown, write);
  else attachPlainOutput(shown, write, opts.verbose);
  if (opts.sshNoHostKeyCheck) events.emit("warning", { msg: "host key checking is off: a man in the middle would not be noticed" });
  const connect = connectionFactory({ knownHostsFile: opts.knownHosts, acceptNew: opts.sshAcceptNew, checkHostKeys: !opts.sshNoHostKeyCheck });
  const interrupt = onCtrlC(events, () => {
    try {
      report?.finish(EXIT.interrupted);
    } catch {
      // ending at once was asked for: a report that cannot be written is not worth waiting on
    }
  });
  const outcome = await runPlaybook({ playbook, inventory, settings, events, connect, interrupt });
  await terminal?.settled();
  return outcome.exitCode;
}

/** An error that stopped the command: one line on stderr (a stack trace with -vvv), the vault's secrets masked. */
export function printError(error: unknown, verbose: number, secrets?: SecretValues): void {
  const stack = verbose >= 3 && error instanceof Error && error.stack;
  const text = stack || describeError(error, "tsplay");
  process.stderr.write(`ERROR: ${secrets ? secrets.mask(text) : text}\n`);
}

/**
 * The command's exit code, once the report (if asked for) is written. A report that cannot
 * be written makes an otherwise successful command fail; a failed run keeps its own code.
 */
export function finishCommand(report: ReportFile | undefined, exitCode: number, error?: unknown, secrets?: SecretValues): number {
  if (!report) return exitCode;
  try {
    const why = error === undefined ? undefined : describeError(error, "tsplay");
    report.finish(exitCode, why !== undefined && secrets ? secrets.mask(why) : why);
    return exitCode;
  } catch (problem) {
    process.stderr.write(`ERROR: --report ${report.path}: cannot write it: ${(problem as Error).message}\n`);
    return exitCode === EXIT.ok ? EXIT.error : exitCode;
  }
}
