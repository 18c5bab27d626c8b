/**
 * One module call on one host: resolve arguments, plan, apply unless in check mode,
 * then changedWhen/failedWhen and retries. Knows the module contract, not any module.
 */
import { UnreachableError, type Become } from "../connection";
import { ConnectionWithBecome } from "../connections/with-become";
import type { Task } from "../dsl";
import type { HostContext, Vars } from "../host-context";
import { ModuleFailure, type FileDiff, type ModuleContext } from "../module";
import { validateArgs } from "../module-args";
import { renderDeep, renderStrict } from "../template";
import type { HostState } from "./host-state";
import type { PlayEnv } from "./play-env";
import type { Scope } from "./scope";

export interface ModuleOutcome {
  status: "ok" | "changed" | "failed" | "unreachable";
  result: Record<string, unknown>;
  msg: string;
  diff?: FileDiff[];
  /** the host the module ran on, when the task was delegated */
  delegatedTo?: string;
}

function resolveArgs(args: unknown, h: HostContext, vars: Vars): Record<string, unknown> {
  const object = typeof args === "function" ? args(h) : args;
  const resolved = Object.fromEntries(
    Object.entries(object as Record<string, unknown>).map(([key, value]) => [key, typeof value === "function" ? value(h) : value]),
  );
  return renderDeep(resolved, vars);
}

function becomeFor(env: PlayEnv, scope: Scope, task: Task<any>, target: string): Become | false {
  const settings = env.connections.settings(target);
  if (!(task.options.become ?? scope.become ?? settings.become)) return false;
  return {
    user: task.options.becomeUser ?? scope.becomeUser ?? settings.becomeUser,
    password: env.settings.becomePassword ?? settings.becomePassword,
  };
}

function searchDirs(env: PlayEnv, scope: Scope): ModuleContext["searchDirs"] {
  const roleDir = scope.role?.role.dir;
  const base = env.settings.playbookDir;
  return {
    files: [...(roleDir ? [`${roleDir}/files`, roleDir] : []), `${base}/files`, base],
    templates: [...(roleDir ? [`${roleDir}/templates`, roleDir] : []), `${base}/templates`, base],
  };
}

function failureOf(error: unknown, moduleName: string): Record<string, unknown> {
  if (error instanceof ModuleFailure) return { ...error.result, failed: true, msg: error.message };
  if (error instanceof Error && error.name !== "Error" && error.name !== "TypeError") return { failed: true, msg: error.message };
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { failed: true, msg: `internal error in module ${moduleName}: ${detail}` };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runModule(env: PlayEnv, task: Task<any>, scope: Scope, state: HostState, vars: Vars, h: HostContext): Promise<ModuleOutcome> {
  const def = task.call.module;
  const options = task.options;
  const check = options.checkMode ?? env.settings.check;
  let args: Record<string, unknown>;
  let target: string;
  try {
    args = resolveArgs(task.call.args, h, vars);
    validateArgs(def, args, { allowFunctions: false });
    target = options.delegateTo === undefined ? state.name : renderStrict(typeof options.delegateTo === "function" ? options.delegateTo(h) : options.delegateTo, vars);
  } catch (error) {
    const result = failureOf(error, def.name);
    return { status: "failed", result, msg: String(result.msg) };
  }
  const ctx: ModuleContext = {
    host: state.name,
    conn: new ConnectionWithBecome(env.connections.get(target), becomeFor(env, scope, task, target)),
    vars,
    facts: state.facts,
    check,
    diff: options.diff ?? env.settings.diff,
    noLog: options.noLog ?? scope.noLog ?? false,
    searchDirs: searchDirs(env, scope),
    render: (template) => renderStrict(template, vars),
    hostContext: h,
  };
  const retries = options.retries ?? (options.until ? 3 : 0);
  for (let attempt = 1; ; attempt++) {
    let result: Record<string, unknown>;
    let summary = "";
    let diff: FileDiff[] | undefined;
    let predicted = false;
    try {
      const plan = await def.plan(ctx, args);
      result = { ...plan.result, changed: plan.changed };
      summary = plan.summary ?? "";
      diff = plan.diff;
      if (plan.setFacts) Object.assign(state.hostFacts, plan.setFacts);
      if (plan.apply && check) predicted = true;
      if (plan.apply && !check) Object.assign(result, (await plan.apply()) ?? {}, { changed: plan.changed });
    } catch (error) {
      if (error instanceof UnreachableError) return { status: "unreachable", result: { unreachable: true, msg: error.message }, msg: error.message };
      result = failureOf(error, def.name);
    }
    // A prediction has no output to judge: changedWhen/failedWhen apply to real results only.
    try {
      if (!predicted && options.failedWhen) result.failed = options.failedWhen(result, h);
      if (!predicted && options.changedWhen && !result.failed) result.changed = options.changedWhen(result, h);
    } catch (error) {
      result = { ...result, failed: true, msg: `changedWhen/failedWhen threw: ${(error as Error).message}` };
    }
    const failed = result.failed === true;
    const done = options.until ? !failed && (predicted || options.until(result, h)) : !failed || retries === 0;
    if (retries > 0) result.attempts = attempt;
    if (done || attempt > retries) {
      if (!done && !failed) {
        result.failed = true;
        result.msg = `retries exhausted: until() still false after ${attempt} attempts`;
      }
      const status = result.failed ? "failed" : result.changed ? "changed" : "ok";
      const msg = result.failed ? String(result.msg ?? "failed") : summary;
      return { status, result, msg, diff, delegatedTo: target === state.name ? undefined : target };
    }
    await sleep((options.delay ?? 5) * 1000);
  }
}
