/**
 * `tsplay adhoc PATTERN [-m MODULE] [-a ARGS] [options]`: one module on the hosts matching
 * PATTERN, as Ansible's `ansible PATTERN -m MODULE -a ARGS`, with the connection, become,
 * forks, check, diff, output and report options of a playbook run. The module defaults to
 * `command`. Its arguments are checked against the module's spec before any host is
 * contacted: a mistake is exit 5, naming the module's options.
 *
 *   tsplay adhoc all -i inventory -a uptime
 *   tsplay adhoc etcd -i inventory -b -m systemd -a 'name=etcd state=restarted' --forks 1
 *   tsplay adhoc node1 -i inventory -m debug -a var=etcd_name
 */
import { Command } from "commander";
import { parseSubcommand } from "./subcommand";
import { adhocModule, UnknownModuleError, type AdhocModule } from "../adhoc/core-modules";
import { adhocPlaybook } from "../adhoc/adhoc-playbook";
import { moduleArgsFromText } from "../adhoc/module-args-text";
import { loadInventory } from "../inventory";
import { ArgumentError } from "../module-args";
import { attachAdhocOutput, wholeResult, type ResultShape } from "../output/adhoc";
import { ReportFile, ReportPathError } from "../output/report/report-file";
import { printableName } from "../output/printable";
import { readSecret } from "../read-secret";
import { limitedHosts } from "../run/limit";
import { EXIT } from "../run/playbook-runner";
import { defaultSettings } from "../run/settings";
import { outputWriter } from "./output-writer";
import { finishCommand, printError, runFromCli } from "./run-from-cli";
import { addRunOptions, describeRunOptions, inventorySources, type RunOptionValues } from "./run-options";
import { loadExtraVars } from "../extra-vars";
import { tsplayVersion } from "./version";
import { vaultFromOptions } from "./vault-options";
import type { Vault } from "../vault/vault";

interface AdhocOptions extends RunOptionValues {
  moduleName: string;
  args: string;
  become: boolean;
  becomeUser?: string;
  listHosts?: boolean;
}

function program(): Command {
  return addRunOptions(
    new Command("tsplay adhoc")
      .description("Runs one module on the hosts matching the pattern, as Ansible's `ansible PATTERN -m MODULE -a ARGS`")
      .argument("<pattern>", "hosts and groups: all, etcd, 'etcd:&master', 'all:!node3', h1,h2"),
  )
    .option("-m, --module-name <module>", "the module: command, shell, file, copy, systemd, apt, debug, ...", "command")
    .option("-a, --args <args>", "key=value pairs (shell quoting), a JSON object, or for command and shell the command line", "")
    .option("-b, --become", "run the module as another user, with sudo (root unless --become-user)", false)
    .option("--become-user <user>", "the user to become (implies --become)")
    .option("--list-hosts", "list the matching hosts; run nothing")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
}

/** debug shows what it printed under the variable's name, as Ansible's ad-hoc output does. */
function shapeFor(module: AdhocModule, args: Record<string, unknown>): ResultShape {
  if (module.definition.name !== "debug") return wholeResult;
  const key = typeof args.var === "string" ? args.var : "msg";
  return (result) => ({ [key]: result.value });
}

/** `--list-hosts`: the hosts the command would run on, as Ansible lists them; no module is needed. */
async function listMatchingHosts(pattern: string, opts: AdhocOptions, write: (line: string) => void): Promise<number> {
  let vault: Vault | undefined;
  try {
    vault = await vaultFromOptions(opts);
    const inventory = await loadInventory(inventorySources(opts), { vault });
    const limit = limitedHosts(inventory, opts.limit);
    const hosts = inventory.select(pattern).filter((h) => !limit || limit.has(h));
    write(`  hosts (${hosts.length}):`);
    hosts.forEach((h) => write(`    ${printableName(h)}`));
    return EXIT.ok;
  } catch (error) {
    printError(error, opts.verbose, vault?.secrets);
    return EXIT.error;
  }
}

/** `argv` as process.argv: node, script, "adhoc", ... */
export async function adhocCommand(argv: string[]): Promise<number> {
  const cli = program();
  const exit = parseSubcommand(cli, argv);
  if (exit !== undefined) return exit;
  const opts = cli.opts<AdhocOptions>();
  const pattern = cli.args[0]!;
  const write = outputWriter();
  if (opts.listHosts) return listMatchingHosts(pattern, opts, write);
  let module: AdhocModule;
  let args: Record<string, unknown>;
  let report: ReportFile | undefined;
  const sources = inventorySources(opts);
  try {
    module = adhocModule(opts.moduleName);
    args = moduleArgsFromText(module, opts.args);
    const title = `adhoc ${pattern} -m ${module.definition.name}${opts.args ? ` -a ${opts.args}` : ""}`;
    if (opts.report !== undefined) {
      const shown = [...describeRunOptions(opts), ...(opts.become || opts.becomeUser ? ["--become"] : []), ...(opts.becomeUser ? [`--become-user ${opts.becomeUser}`] : [])];
      report = ReportFile.start(opts.report, { title, inventory: sources, options: shown, check: opts.check, version: tsplayVersion() });
    }
  } catch (error) {
    if (!(error instanceof ArgumentError || error instanceof UnknownModuleError || error instanceof ReportPathError)) throw error;
    printError(error, opts.verbose);
    return EXIT.badOptions;
  }
  let vault: Vault | undefined;
  try {
    vault = await vaultFromOptions(opts);
    const inventory = await loadInventory(sources, { vault });
    const settings = defaultSettings({
      check: opts.check,
      // the report shows each changed file's differences; the output shows them only for --diff
      diff: opts.diff || report !== undefined,
      limit: opts.limit,
      forks: opts.forks,
      extraVars: loadExtraVars(opts.extraVars, vault),
      vault,
    });
    if (opts.askBecomePass) settings.becomePassword = await readSecret("BECOME password: ");
    const playbook = adhocPlaybook({ pattern, module, args, become: opts.become || opts.becomeUser !== undefined, becomeUser: opts.becomeUser });
    const shape = shapeFor(module, args);
    const exitCode = await runFromCli({ playbook, inventory, settings, opts, write, report, textOutput: (events, out) => attachAdhocOutput(events, out, shape) });
    return finishCommand(report, exitCode);
  } catch (error) {
    printError(error, opts.verbose, vault?.secrets);
    return finishCommand(report, EXIT.error, error, vault?.secrets);
  }
}
