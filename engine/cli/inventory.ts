/**
 * `tsplay inventory -i INVENTORY (--graph [GROUP] | --list | --host NAME)`: the inventory as
 * tsplay reads it, in the shapes of Ansible's `ansible-inventory`, so that a user sees exactly
 * which groups a host is in and which variables it gets. Secrets, values from the vault
 * among them, are masked unless `--show-secrets` asks for them.
 *
 *   tsplay inventory -i inventory --graph
 *   tsplay inventory -i inventory --host node1
 */
import { Command } from "commander";
import { parseSubcommand } from "./subcommand";
import { loadInventory } from "../inventory";
import { hostVars, inventoryList } from "../inventory-view/ansible-list";
import { inventoryGraph } from "../inventory-view/graph";
import { limitedHosts } from "../run/limit";
import { EXIT } from "../run/exit-codes";
import { sortedJson } from "../sorted-json";
import { maskVaultValues } from "../secret-vars";
import type { VaultOptionValues } from "../vault/password-sources";
import type { Vault } from "../vault/vault";
import { collect } from "./option-parsers";
import { outputWriter } from "./output-writer";
import { addVaultOptions, vaultFromOptions } from "./vault-options";
import { printError } from "./run-from-cli";

interface InventoryOptions extends VaultOptionValues {
  inventory: string[];
  graph?: string | true;
  list?: boolean;
  host?: string;
  limit?: string;
  showSecrets: boolean;
  verbose: number;
}

function program(): Command {
  return addVaultOptions(new Command("tsplay inventory"), { encrypting: false })
    .description("Shows the inventory as tsplay reads it, as Ansible's ansible-inventory does")
    .option("-i, --inventory <source>", "inventory file, directory or host list (repeatable)", collect, [])
    .option("--graph [group]", "the groups and their hosts as a tree (from GROUP, default all)")
    .option("--list", "every host's variables and every group's members, as JSON")
    .option("--host <name>", "one host's variables, as JSON")
    .option("-l, --limit <pattern>", "only these hosts")
    .option("--show-secrets", "show passwords and other secrets instead of (hidden)", false)
    .option("-v, --verbose", "stack traces of errors with -vvv", (_: string, n: number) => n + 1, 0)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
}

/** `argv` as process.argv: node, script, "inventory", ... */
export async function inventoryCommand(argv: string[]): Promise<number> {
  const cli = program();
  const exit = parseSubcommand(cli, argv);
  if (exit !== undefined) return exit;
  const opts = cli.opts<InventoryOptions>();
  const actions = [opts.graph !== undefined, opts.list === true, opts.host !== undefined].filter(Boolean).length;
  if (actions !== 1) {
    process.stderr.write(`ERROR: tsplay inventory: give one of --graph, --list or --host NAME\n`);
    return EXIT.badOptions;
  }
  const write = outputWriter();
  let vault: Vault | undefined;
  try {
    vault = await vaultFromOptions(opts);
    const inventory = await loadInventory(opts.inventory.length ? opts.inventory : ["localhost"], { vault });
    const hosts = limitedHosts(inventory, opts.limit);
    const secrets = vault.secrets;
    const shown = (value: Record<string, unknown>) => (opts.showSecrets ? value : maskVaultValues(value, secrets));
    if (opts.graph !== undefined) inventoryGraph(inventory, opts.graph === true ? "all" : opts.graph, hosts).forEach((line) => write(line));
    else if (opts.list) write(sortedJson(shown(inventoryList(inventory, { showSecrets: opts.showSecrets, hosts }))));
    else write(sortedJson(shown(hostVars(inventory, opts.host!, { showSecrets: opts.showSecrets }))));
    return EXIT.ok;
  } catch (error) {
    printError(error, opts.verbose, opts.showSecrets ? undefined : vault?.secrets);
    return EXIT.error;
  }
}
