/**
 * `tsplay PLAYBOOK.ts -i INVENTORY [options]`: parses options, wires the run, sets the exit code.
 * `tsplay new role|playbook NAME` scaffolds instead (a playbook is a .ts file, never "new").
 */
import { Command, CommanderError, Option } from "commander";
import { dirname, resolve } from "node:path";
import { connectionFactory } from "./connections/open";
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
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new CommanderError(EXIT.badOptions, "tsplay.forks", `--forks must be a positive whole number, got '${v}'`);
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
  const write = (line: string) => process.stdout.write(`${line}\n`);
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
    const outcome = await runPlaybook({ playbook, inventory, settings, events, connect });
    await terminal?.settled();
    return outcome.exitCode;
  } catch (error) {
    const err = error as Error;
    process.stderr.write(`ERROR: ${opts.verbose >= 3 ? (err.stack ?? err.message) : err.message}\n`);
    return EXIT.error;
  }
}
