/**
 * Runs a command through a shell (`/bin/sh` unless `executable` says otherwise), so
 * pipes, redirections and variables work. Prefer `command` when you need none of them.
 *
 *   task("count units", shell({ cmd: "systemctl list-units | wc -l" }), { checkMode: false, changedWhen: () => false })
 */
import { defineModule } from "../engine/module";
import { planCommand, type CommandResult } from "../engine/run-command";
import { raw, sh } from "../engine/shell";

export type { CommandResult };

export const shell = defineModule({
  name: "shell",
  args: {
    cmd: { type: "string", required: true },
    executable: { type: "string" },
    chdir: { type: "string" },
    creates: { type: "string" },
    removes: { type: "string" },
    stdin: { type: "string" },
    env: { type: "record" },
  },
  plan: (ctx, args) => {
    // The user's script is meant to be shell syntax: the one command taken as written.
    // Under another executable it is that program's one `-c` argument, quoted.
    const script = args.executable ? sh`${args.executable} -c ${args.cmd}` : raw(args.cmd);
    return planCommand(ctx, args.cmd, script, args);
  },
});
