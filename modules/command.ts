/**
 * Runs a program on the host, with no shell in between: pipes, redirections and
 * `$VARS` are passed as plain arguments. Reports changed whenever it runs; use
 * `creates`/`removes` or the task's `changedWhen` to say when it did not change anything.
 *
 *   task("unpack etcd", command({ argv: ["tar", "-xzf", "/tmp/etcd.tar.gz", "-C", "/opt"], creates: "/opt/etcd" }))
 *   task("who am I", command({ cmd: "id -un" }), { checkMode: false, changedWhen: () => false })
 */
import { defineModule, ModuleFailure } from "../engine/module";
import { planCommand, type CommandResult } from "../engine/run-command";
import { sh } from "../engine/shell";
import { splitWords } from "../engine/split-words";

export type { CommandResult };

export const command = defineModule({
  name: "command",
  args: {
    cmd: { type: "string" },
    argv: { type: "strings" },
    chdir: { type: "string" },
    creates: { type: "string" },
    removes: { type: "string" },
    stdin: { type: "string" },
    env: { type: "record" },
  },
  check: (args) => ((args.cmd === undefined) === (args.argv === undefined) ? "give exactly one of 'cmd' and 'argv'" : undefined),
  // async: a cmd that cannot be split rejects the plan, as every other failure does
  plan: async (ctx, args) => {
    const words = args.argv ?? wordsOf(args.cmd ?? "");
    if (words.length === 0) throw new ModuleFailure("command: nothing to run");
    return planCommand(ctx, args.cmd ?? words.join(" "), sh`${words}`, args);
  },
});

/** `cmd` may come from a template variable: a quote left open is the user's to fix, a task failure. */
function wordsOf(cmd: string): string[] {
  try {
    return splitWords(cmd);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new ModuleFailure(`cmd cannot be split into words: ${error.message}; close the quote, or give argv`);
  }
}
