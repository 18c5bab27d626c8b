/**
 * `tsplay PLAYBOOK.ts -i INVENTORY [options]`: parses options, wires the run, sets the exit code.
 * Other commands, each loaded only when used:
 *   tsplay new role|playbook NAME        scaffolds (a playbook is a .ts file, never "new")
 *   tsplay adhoc PATTERN -m MODULE -a …  one module on the matching hosts
 *   tsplay inventory --graph|--list|--host NAME
 *   tsplay vault encrypt|decrypt|view|edit|create|rekey|encrypt-string ...
 */
import { Command, CommanderError } from "commander";
import { dirname, resolve } from "node:path";
import type { PlaybookImporter } from "./load-playbook";
import type { ReportFile } from "./output/report/report-file";
import { EXIT } from "./run/exit-codes";
import { list } from "./cli/option-parsers";
import { addRunOptions, describeRunOptions, inventorySources, type RunOptionValues } from "./cli/run-options";
import { tsplayVersion } from "./cli/version";
import { vaultFromOptions } from "./cli/vault-options";
import type { Vault } from "./vault/vault";
import type { SecretValues } from "./vault/secret-values";

/** What bin/tsplay.js gives the engine it started: how to import a playbook (default: `import()` the .ts as it is). */
export interface EngineRuntime {
  importPlaybook?: PlaybookImporter;
}

function program(): Command {
  return addRunOptions(
    new Command("tsplay")
      .description("Runs a TypeScript playbook against an inventory")
      .version(tsplayVersion(), "-V, --version", "print tsplay's version")
      .argument("<playbook>", "the playbook file (.ts)"),
  )
    .option("-t, --tags <tags>", "only run tasks with these tags", list, [])
    .option("--skip-tags <tags>", "skip tasks with these tags", list, [])
    .option("--list-hosts", "list the hosts each play would run on")
    .option("--list-tasks", "list the tasks that would run")
    .option("--list-tags", "list the tags of the tasks")
    .option("--start-at-task <name>", "start at the task with this name")
    .option("--force-handlers", "run notified handlers even on hosts that failed", false)
    .option("--no-typecheck", "skip type-checking the playbook before running it")
    .addHelpText(
      "after",
      "\nOther commands:\n  tsplay adhoc PATTERN -m MODULE -a ARGS [options]   one module on the matching hosts\n  tsplay inventory [--graph | --list | --host NAME]   the inventory as tsplay reads it\n  tsplay vault encrypt|decrypt|view|edit|rekey|encrypt-string ...   Ansible Vault files\n  tsplay new role NAME [--dir roles]\n  tsplay new playbook NAME [--dir playbooks]",
    )
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
}

interface PlaybookOptions extends RunOptionValues {
  tags: string[];
  skipTags: string[];
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  startAtTask?: string;
  forceHandlers: boolean;
  typecheck: boolean;
}

function playbookOptionsShown(opts: PlaybookOptions): string[] {
  return [
    ...describeRunOptions(opts),
    ...(opts.tags.length ? [`--tags ${opts.tags.join(",")}`] : []),
    ...(opts.skipTags.length ? [`--skip-tags ${opts.skipTags.join(",")}`] : []),
    ...(opts.startAtTask !== undefined ? [`--start-at-task ${opts.startAtTask}`] : []),
    ...(opts.forceHandlers ? ["--force-handlers"] : []),
  ];
}

export async function main(argv: string[], runtime: EngineRuntime = {}): Promise<number> {
  // loaded only for their command: every run would pay for them otherwise
  if (argv[2] === "new") return (await import("./scaffold/command")).newCommand(argv);
  if (argv[2] === "adhoc") return (await import("./cli/adhoc")).adhocCommand(argv);
  if (argv[2] === "inventory") return (await import("./cli/inventory")).inventoryCommand(argv);
  if (argv[2] === "vault") return (await import("./cli/vault")).vaultCommand(argv);
  const cli = program();
  try {
    cli.parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.badOptions;
    throw error;
  }
  const opts = cli.opts<PlaybookOptions>();
  const file = cli.args[0]!;
  const listing = opts.listHosts || opts.listTasks || opts.listTags;
  // loaded once the options parsed (`--help` and a bad option need none of it); a listing needs neither the runner nor the outputs
  const [{ loadExtraVars }, { loadInventory }, { loadPlaybook }, { defaultSettings }, { outputWriter }] = await Promise.all([
    import("./extra-vars"),
    import("./inventory"),
    import("./load-playbook"),
    import("./run/settings"),
    import("./cli/output-writer"),
  ]);
  const printError = async (error: unknown, secrets?: SecretValues) => (await import("./cli/run-from-cli")).printError(error, opts.verbose, secrets);
  const write = outputWriter();
  const sources = inventorySources(opts);
  let report: ReportFile | undefined;
  if (opts.report !== undefined && !listing) {
    const { ReportFile, ReportPathError } = await import("./output/report/report-file");
    try {
      report = ReportFile.start(opts.report, { title: file, inventory: sources, options: playbookOptionsShown(opts), check: opts.check, version: tsplayVersion() });
    } catch (error) {
      if (!(error instanceof ReportPathError)) throw error;
      await printError(error);
      return EXIT.badOptions;
    }
  }
  let vault: Vault | undefined;
  try {
    vault = await vaultFromOptions(opts);
    // --list-tasks and --list-tags show nothing of the inventory, and read none (as Ansible, a bad inventory does not stop them)
    const needsInventory = !listing || opts.listHosts;
    const [inventory, playbook] = await Promise.all([
      needsInventory ? loadInventory(sources, { vault }) : undefined,
      loadPlaybook(file, { typecheck: opts.typecheck, importPlaybook: runtime.importPlaybook }),
    ]);
    const settings = defaultSettings({
      check: opts.check,
      // the report shows each changed file's differences; the output shows them only for --diff
      diff: opts.diff || report !== undefined,
      tags: opts.tags,
      skipTags: opts.skipTags,
      limit: opts.limit,
      forks: opts.forks,
      extraVars: loadExtraVars(opts.extraVars, vault),
      startAtTask: opts.startAtTask,
      forceHandlers: opts.forceHandlers,
      playbookDir: dirname(resolve(file)),
      vault,
    });
    if (listing) {
      const { listHosts, listTags, listTasks } = await import("./run/listing");
      const lines = opts.listHosts ? listHosts(playbook, inventory!, settings) : opts.listTasks ? listTasks(playbook, settings) : listTags(playbook);
      lines.forEach((line) => write(line));
      return EXIT.ok;
    }
    if (opts.askBecomePass) settings.becomePassword = await (await import("./read-secret")).readSecret("BECOME password: ");
    const { finishCommand, runFromCli } = await import("./cli/run-from-cli");
    const exitCode = await runFromCli({ playbook, inventory: inventory!, settings, opts, write, report });
    return finishCommand(report, exitCode);
  } catch (error) {
    await printError(error, vault?.secrets);
    return (await import("./cli/run-from-cli")).finishCommand(report, EXIT.error, error, vault?.secrets);
  }
}
