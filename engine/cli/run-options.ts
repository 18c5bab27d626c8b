/**
 * The options a playbook run and an ad-hoc command share: inventory, connection, become
 * password, vault passwords, check, diff, forks, limit, extra vars, output and report. One
 * definition, so `tsplay adhoc` takes them exactly as `tsplay PLAYBOOK.ts` does.
 *
 *   const opts = addRunOptions(new Command("tsplay adhoc")).parse(argv).opts<RunOptionValues>();
 */
import { Command, InvalidArgumentError, Option } from "commander";
import type { VaultOptionValues } from "../vault/password-sources";
import { collect, increase } from "./option-parsers";
import { addVaultOptions, describeVaultOptions } from "./vault-options";

/** The shared options' values, as commander gives them. */
export interface RunOptionValues extends VaultOptionValues {
  inventory: string[];
  check: boolean;
  diff: boolean;
  limit?: string;
  forks: number;
  extraVars: string[];
  output: "text" | "json";
  report?: string;
  askBecomePass?: boolean;
  sshAcceptNew: boolean;
  sshNoHostKeyCheck: boolean;
  knownHosts?: string;
  verbose: number;
}

export function addRunOptions(command: Command): Command {
  return addVaultOptions(command)
    .option("-i, --inventory <source>", "inventory file, directory or host list (repeatable)", collect, [])
    .option("-C, --check", "dry run: report what would change, change nothing", false)
    .option("-D, --diff", "show file differences", false)
    .option("-l, --limit <pattern>", "limit to hosts matching the pattern")
    .option("-f, --forks <n>", "hosts worked on at once", (v) => {
      const n = /^\d+$/.test(v.trim()) ? Number(v) : NaN;
      if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("It must be a whole number of at least 1.");
      return n;
    }, 10)
    .option("-e, --extra-vars <var>", "key=value, a JSON object, or @file.yaml (repeatable)", collect, [])
    .addOption(new Option("--output <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--report <file.html>", "also write the run as one self-contained HTML page")
    .option("-K, --ask-become-pass", "ask for the sudo password")
    .option("--ssh-accept-new", "trust and record the host key of hosts never seen before", false)
    .option("--ssh-no-host-key-check", "do not check host keys (unsafe; warned about)", false)
    .option("--known-hosts <file>", "known_hosts file to check host keys against")
    .option("-v, --verbose", "more output (-vvv: stack traces)", increase, 0);
}

/** The inventory sources: `localhost` when none is given. */
export const inventorySources = (opts: RunOptionValues) => (opts.inventory.length ? opts.inventory : ["localhost"]);

/**
 * The shared options as the report shows them. Extra vars are named without their values,
 * which may be passwords; files are named as given.
 */
export function describeRunOptions(opts: RunOptionValues): string[] {
  const shown: string[] = [];
  if (opts.check) shown.push("--check");
  if (opts.diff) shown.push("--diff");
  if (opts.limit !== undefined) shown.push(`--limit ${opts.limit}`);
  if (opts.forks !== 10) shown.push(`--forks ${opts.forks}`);
  for (const value of opts.extraVars) {
    if (value.startsWith("@")) shown.push(`-e ${value}`);
    else if (value.trimStart().startsWith("{")) shown.push(`-e {${Object.keys(safeKeys(value)).join(", ")}}`);
    else shown.push(`-e ${value.split("=")[0]}=…`);
  }
  if (opts.askBecomePass) shown.push("-K");
  shown.push(...describeVaultOptions(opts));
  if (opts.sshAcceptNew) shown.push("--ssh-accept-new");
  if (opts.sshNoHostKeyCheck) shown.push("--ssh-no-host-key-check");
  if (opts.knownHosts) shown.push(`--known-hosts ${opts.knownHosts}`);
  if (opts.output !== "text") shown.push(`--output ${opts.output}`);
  if (opts.verbose) shown.push(`-${"v".repeat(opts.verbose)}`);
  return shown;
}

function safeKeys(json: string): Record<string, unknown> {
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return {};
  }
}
