/**
 * Drives modules the way the runner will: a ModuleContext on a real LocalConnection,
 * arguments validated, plan, then apply unless in check mode.
 */
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { LocalConnection } from "../../engine/connections/local";
import type { Facts, HostContext, Vars } from "../../engine/host-context";
import type { BaseResult, ModuleCall, ModuleContext, Plan } from "../../engine/module";
import { validateArgs } from "../../engine/module-args";
import { ControllerFiles } from "../../engine/controller-files";
import { renderStrict } from "../../engine/template";
import { emptyFacts } from "../../engine/facts";
import type { TaskVault } from "../../engine/vault/secret-file";

export interface ContextOptions {
  check?: boolean;
  diff?: boolean;
  noLog?: boolean;
  vars?: Vars;
  files?: string[];
  templates?: string[];
  /** the run's vault as the runner hands it to the task */
  vault?: TaskVault;
}

const facts: Facts = emptyFacts();

export function makeContext(options: ContextOptions = {}): ModuleContext {
  const vars = options.vars ?? {};
  const hostContext: HostContext = { host: "localhost", vars, params: {}, facts, groups: {}, groupNames: [], item: undefined, result: () => undefined, controllerFile: () => undefined };
  return {
    host: "localhost",
    conn: new LocalConnection("localhost"),
    vars,
    facts,
    diff: options.diff ?? false,
    noLog: options.noLog ?? false,
    searchDirs: { files: options.files ?? [], templates: options.templates ?? [] },
    controller: new ControllerFiles(),
    render: (text) => renderStrict(text, vars),
    hostContext,
    vault: options.vault,
  };
}

export interface Run<R extends BaseResult> {
  plan: Plan<R>;
  /** what the runner would report: changed, the plan's result, then what apply returned */
  result: R;
}

export async function run<R extends BaseResult>(call: ModuleCall<R>, options: ContextOptions = {}): Promise<Run<R>> {
  const ctx = makeContext(options);
  validateArgs(call.module, call.args as Record<string, unknown>, { allowFunctions: false });
  const plan = await call.module.plan(ctx, call.args);
  let applied: Partial<R> | void = undefined;
  if (!options.check && plan.apply) applied = await plan.apply();
  return { plan, result: { ...plan.result, ...(applied ?? {}), changed: plan.changed } as R };
}

/** Every entry below `dir` with its type, mode, owner, times and content hash: "nothing touched" means equal snapshots. */
export function snapshot(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (path: string, name: string) => {
    const st = lstatSync(path);
    let what = `${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.mtimeMs} ${st.ctimeMs}`;
    if (st.isFile()) what += ` ${createHash("sha256").update(readFileSync(path)).digest("hex")}`;
    if (st.isSymbolicLink()) what += ` -> ${readlinkSync(path)}`;
    entries[name] = what;
    if (st.isDirectory()) for (const child of readdirSync(path)) walk(join(path, child), `${name}/${child}`);
  };
  walk(dir, ".");
  return entries;
}

/** File names a shell would take for syntax if a module ever built a command by concatenation. */
export const HOSTILE_NAMES = [
  "with space",
  "quote'single",
  'quote"double',
  "$(touch pwned)",
  "`touch pwned`",
  "semi;touch pwned",
  "new\nline",
  "trailing newline\n",
  "ünïcødé ✓",
  "-dash",
  "star*?[x]",
  "$HOME",
];
