/**
 * How `tsplay adhoc`, `inventory`, `new` and `vault` read their arguments: `argv` as
 * process.argv (node, script, SUBCOMMAND, ...), parsed by the subcommand's own program.
 *
 *   const exit = parseSubcommand(cli, argv);
 *   if (exit !== undefined) return exit;
 */
import { CommanderError, type Command } from "commander";
import { EXIT } from "../run/exit-codes";

const withoutSubcommand = (argv: string[]) => argv.filter((_, i) => i !== 2);

/** undefined when the arguments parsed; else the exit code: 0 after `--help`, EXIT.badOptions after a mistake (commander has said what it was) */
export function parseSubcommand(cli: Command, argv: string[]): number | undefined {
  try {
    cli.parse(withoutSubcommand(argv));
    return undefined;
  } catch (error) {
    return exitOf(error);
  }
}

/** parseSubcommand for a program whose actions are async */
export async function parseSubcommandAsync(cli: Command, argv: string[]): Promise<number | undefined> {
  try {
    await cli.parseAsync(withoutSubcommand(argv));
    return undefined;
  } catch (error) {
    return exitOf(error);
  }
}

function exitOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.badOptions;
  throw error;
}
