/**
 * `tsplay PLAYBOOK.ts -i INVENTORY [options]`: parses options, wires the run, sets the exit code.
 * `tsplay new role|playbook NAME` scaffolds instead (a playbook is a .ts file, never "new").
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { dirname, resolve } from "node:path";
import { connectionFactory } from "./connections/open";
import { describeError } from "./errors";
import { RunEventBus } from "./events";
import { loadExtraVars } from "./extra-vars";
import { loadInventory } from "./inventory";
import { loadPlaybook } from "./load-playbook";
import { attachJsonOutput } from "./output/json";
import { attachPlainOutput } from "./output/plain";
import { readSecret } from "./read-secret";
import { listHosts, listTags, listTasks } from "./run/listing";
import { EXIT, runPlaybook } from "./run/playbook-runner";
import { defaultSettings } from "./run/settings";

const list = (value: string, previous: string[] = []) => [...previous, ...value.split(",").map((s) => s.trim()).filter(Boolean)];
const collect = (value: string, previous: string[] = []) => [...previous, value];
const increase = (_: string, previous: number) => previous + 1;

function program(): Command {
  return new Command("tsplay")
    .description("Runs a TypeScript playbook against an inventory")
    .argument("<playbook>", "the playbook file (.ts)")
    .option("-i, --inventory <source>", "inventory file, directory or host list (repeatable)", collect, [])
    .option("-C, --check", "dry run: report what would change, change nothing", false)
    .option("-D, --diff", "show file differences", false)
    .option("-t, --tags <tags>", "only run tasks with these tags", list, [])
    .option("--skip-tags <tags>", "skip tasks with these tags", list, [])
    .option("-l, --limit <pattern>", "limit to hosts matching the pattern")
    .option("-f, --forks <n>", "hosts worked on at once", (v) => {
      const n = /^\d+$/.test(v.trim()) ? Number(v) : NaN;
      if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("It must be a whole number of at least 1.");
      return n;
    }, 10)
    .option("-e, --extra-vars <var>", "key=value, a JSON object, or @file.yaml (repeatable)", collect, [])
    .option("--list-hosts", "list the hosts each play would run on")
    .option("--list-tasks", "list the tasks that would run")
    .option("--list-tags", "list the tags of the tasks")
    .option("--start-at-task <name>", "start at the task with this name")
    .option("--force-handlers", "run notified handlers even on hosts that failed", false)
    .addOption(new Option("--output <format>", "output format").choices(["text", "json"]).default("text"))
    .option("-K, --ask-become-pass", "ask for the sudo password")
    .option("--ssh-accept-new", "trust and record the host key of hosts never seen before", false)
    .option("--ssh-no-host-key-check", "do not check host keys (unsafe; warned about)", false)
    .option("--known-hosts <file>", "known_hosts file to check host keys against")
    .option("--no-typecheck", "skip type-checking the playbook before running it")
    .option("-v, --verbose", "more output (-vvv: stack traces)", increase, 0)
    .addHelpText("after", "\nNew role or playbook, with a test on the test hosts:\n  tsplay new role NAME [--dir roles]\n  tsplay new playbook NAME [--dir playbooks]")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
}

/**
 * Lines to stdout. When the reader goes away (`tsplay ... | head`), the rest of the output
 * is dropped quietly and the run goes on to its end: stopping mid-task would leave hosts
 * half-changed for the sake of output nobody reads.
 */
function outputWriter(): (line: string) => void {
  let closed = false;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    closed = true;
  });
  return (line) => {
    if (!closed) process.stdout.write(`${line}\n`);
  };
}

/**
 * Ctrl-C: the first stops the run from starting anything more and lets what is in flight
 * finish (a file being written lands whole or not at all), then the recap is printed and
 * the exit code is 130; a second one ends the process at once.
 */
function onCtrlC(events: RunEventBus): AbortSignal {
  const controller = new AbortController();
  process.on("SIGINT", () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
    events.emit("warning", { msg: "interrupted: letting the tasks in flight finish, then stopping (Ctrl-C again to end at once)" });
  });
  return controller.signal;
}

export async function main(argv: string[]): Promise<number> {
  // loaded only for `tsplay new`: every run would pay for it otherwise
  if (argv[2] === "new") return (await import("./scaffold/command")).newCommand(argv);
  const cli = program();
  try {
    cli.parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.badOptions;
    throw error;
  }
  const opts = cli.opts();
  const file = cli.args[0]!;
  const write = outputWriter();
  try {
    const sources: string[] = opts.inventory.length ? opts.inventory : ["localhost"];
    const [inventory, playbook] = await Promise.all([loadInventory(sources), loadPlaybook(file, { typecheck: opts.typecheck })]);
    const settings = defaultSettings({
      check: opts.check,
      diff: opts.diff,
      tags: opts.tags,
      skipTags: opts.skipTags,
      limit: opts.limit,
      forks: opts.forks,
      extraVars: loadExtraVars(opts.extraVars),
      startAtTask: opts.startAtTask,
      forceHandlers: opts.forceHandlers,
      playbookDir: dirname(resolve(file)),
    });
    if (opts.listHosts || opts.listTasks || opts.listTags) {
      const lines = opts.listHosts ? listHosts(playbook, inventory, settings) : opts.listTasks ? listTasks(playbook, settings) : listTags(playbook);
      lines.forEach((line) => write(line));
      return EXIT.ok;
    }
    if (opts.askBecomePass) settings.becomePassword = await readSecret("BECOME password: ");
    const events = new RunEventBus();
    let terminal: { settled(): Promise<void> } | undefined;
    if (opts.output === "json") attachJsonOutput(events, write);
    // listr2 is loaded only for a terminal: every other start saves the ~150 ms it takes
    else if (process.stdout.isTTY && opts.verbose === 0) terminal = (await import("./output/listr")).attachListrOutput(events, write);
    else attachPlainOutput(events, write, opts.verbose);
    if (opts.sshNoHostKeyCheck) events.emit("warning", { msg: "host key checking is off: a man in the middle would not be noticed" });
    const connect = connectionFactory({ knownHostsFile: opts.knownHosts, acceptNew: opts.sshAcceptNew, checkHostKeys: !opts.sshNoHostKeyCheck });
    const outcome = await runPlaybook({ playbook, inventory, settings, events, connect, interrupt: onCtrlC(events) });
    await terminal?.settled();
    return outcome.exitCode;
  } catch (error) {
    const verbose = opts.verbose >= 3 && error instanceof Error && error.stack;
    process.stderr.write(`ERROR: ${verbose ? error.stack : describeError(error, "tsplay")}\n`);
    return EXIT.error;
  }
}
