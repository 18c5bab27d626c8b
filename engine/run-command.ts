/** What `command` and `shell` share: creates/removes, chdir, env, and the result fields. */
import type { BaseResult, ModuleContext, Plan } from "./module";
import { sh, type Shell } from "./shell";

export interface CommandResult extends BaseResult {
  cmd: string;
  rc: number;
  stdout: string;
  stderr: string;
  stdout_lines: string[];
  stderr_lines: string[];
  failed?: boolean;
}

export interface CommandOptions {
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  env?: Record<string, unknown>;
}

const stripNewline = (text: string) => text.replace(/\r?\n$/, "");

/** Plans a command: unchanged when `creates` exists or `removes` does not, else it runs. */
export async function planCommand(ctx: ModuleContext, display: string, script: Shell, options: CommandOptions): Promise<Plan<CommandResult>> {
  const skipIf = options.creates ? sh`[ -e ${options.creates} ]` : options.removes ? sh`[ ! -e ${options.removes} ]` : undefined;
  if (skipIf) {
    const probe = await ctx.conn.run(skipIf);
    if (probe.code === 0) {
      const why = options.creates ? `${options.creates} exists` : `${options.removes} does not exist`;
      return { changed: false, summary: `skipped, since ${why}`, result: { cmd: display, rc: 0, stdout: "", stderr: "" } };
    }
  }
  const full = options.chdir ? sh`cd ${options.chdir} && ${script}` : script;
  const env = Object.fromEntries(Object.entries(options.env ?? {}).map(([k, v]) => [k, String(v)]));
  return {
    changed: true,
    summary: `run: ${ctx.noLog ? "(hidden)" : display}`,
    uncertain: "a command's effect is known only by running it: changedWhen and failedWhen judge the real run",
    apply: async () => {
      const run = await ctx.conn.run(full, { stdin: options.stdin, env });
      const stdout = stripNewline(run.stdout);
      const stderr = stripNewline(run.stderr);
      return {
        cmd: display,
        rc: run.code,
        stdout,
        stderr,
        stdout_lines: stdout ? stdout.split("\n") : [],
        stderr_lines: stderr ? stderr.split("\n") : [],
        failed: run.code !== 0,
        msg: run.code !== 0 ? `non-zero return code ${run.code}${stderr ? `: ${stderr.split("\n").slice(-3).join(" / ")}` : ""}` : undefined,
      };
    },
  };
}
