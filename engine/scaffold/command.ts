/** The `tsplay new role|playbook NAME [--dir DIR]` command line. */
import { Command } from "commander";
import { parseSubcommand } from "../cli/subcommand";
import { EXIT } from "../run/exit-codes";
import { scaffold, ScaffoldExistsError, ScaffoldNameError, type ScaffoldKind } from "./index";

function program(): Command {
  return new Command("tsplay new")
    .description("Creates a role (roles/NAME/) or a playbook (playbooks/NAME.ts), each with a test that runs it on the test hosts")
    .argument("<kind>", "role or playbook")
    .argument("<name>", "kebab-case or snake_case, e.g. log-rotate; the role is exported as logRotate")
    .option("--dir <dir>", "the folder to create it in (default: roles or playbooks)")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
}

/** `argv` as process.argv: node, script, "new", ... */
export function newCommand(argv: string[]): number {
  const cli = program();
  const exit = parseSubcommand(cli, argv);
  if (exit !== undefined) return exit;
  const [kind, name] = cli.args as [string, string];
  if (kind !== "role" && kind !== "playbook") {
    process.stderr.write(`ERROR: tsplay new: the kind is 'role' or 'playbook', got '${kind}'\n`);
    return EXIT.badOptions;
  }
  try {
    const created = scaffold(kind as ScaffoldKind, name, { dir: cli.opts().dir });
    const test = created.find((path) => path.endsWith(".test.ts"))!;
    process.stdout.write(created.map((path) => `created ${path}\n`).join("") + `its test, on the test hosts: npx vitest run ${test}\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ScaffoldNameError) {
      process.stderr.write(`ERROR: ${error.message}\n`);
      return EXIT.badOptions;
    }
    if (error instanceof ScaffoldExistsError) {
      process.stderr.write(`ERROR: ${error.message}\n`);
      return EXIT.error;
    }
    throw error;
  }
}
