/**
 * One module call on one host: resolve arguments, plan, apply unless in check mode,
 * then changedWhen/failedWhen and retries. Knows the module contract, not any module.
 */
import { UnreachableError, type Become } from "../connection";
import { ConnectionWithBecome } from "../connections/with-become";
import type { Task } from "../dsl";
import type { HostContext, Vars } from "../host-context";
import { describeError } from "../errors";
import { ModuleFailure, type BaseResult, type FileDiff, type ModuleContext, type ModuleDefinition, type Plan } from "../module";
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

/** A task's module arguments for one host: functions called with its context, templates rendered with its vars. */
export function resolveArgs(args: unknown, h: HostContext, vars: Vars): Record<string, unknown> {
  const object = typeof args === "function" ? args(h) : args;
  const resolved = Object.fromEntries(
    Object.entries(object as Record<string, unknown>).map(([key, value]) => [key, typeof value === "function" ? value(h) : value]),
  );
  return renderDeep(resolved, vars);
}

function becomeFor(env: PlayEnv, scope: Scope, task: Task<any, any>, target: string): Become | false {
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

/** The failure fields of an error a module (or a user's function) threw; see engine/errors.ts. */
function failureOf(error: unknown, where: string): Record<string, unknown> {
  if (error instanceof ModuleFailure) return { ...error.result, failed: true, msg: error.message };
  return { failed: true, msg: describeError(error, where) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What one attempt of a module call came to. */
export interface Attempt {
  result: Record<string, unknown>;
  summary: string;
  diff?: FileDiff[];
  /** the plan was not applied (--check): a prediction, with no output to judge */
  predicted: boolean;
  /** why the prediction may differ from the real run, for a prediction */
  uncertain?: string;
  /** for a prediction: the files the real run would have written */
  writes?: Plan<BaseResult>["writes"];
}

/**
 * Plans, then applies unless this is a check: the one place that knows whether a run is a
 * check, so --check runs the same code as the real run, stopped before apply.
 * UnreachableError goes up: the host, not the task, failed.
 */
export async function attemptModule(def: ModuleDefinition<any, any>, ctx: ModuleContext, args: Record<string, unknown>, check: boolean, onFacts: (facts: Vars) => void = () => {}): Promise<Attempt> {
  try {
    const plan = await def.plan(ctx, args);
    const result: Record<string, unknown> = { ...plan.result, changed: plan.changed };
    if (plan.setFacts) onFacts(plan.setFacts);
    if (!plan.apply) return { result, summary: plan.summary ?? "", diff: plan.diff, predicted: false };
    if (check) return { result, summary: plan.summary ?? "", diff: plan.diff, predicted: true, uncertain: plan.uncertain, writes: plan.writes };
    const applied = (await plan.apply()) ?? {};
    Object.assign(result, applied, { changed: plan.changed });
    const summary = typeof applied.msg === "string" ? applied.msg : (plan.summary ?? "");
    return { result, summary, diff: plan.diff, predicted: false };
  } catch (error) {
    if (error instanceof UnreachableError) throw error;
    return { result: failureOf(error, `module ${def.name}`), summary: "", predicted: false };
  }
}

export async function runModule(env: PlayEnv, task: Task<any, any>, scope: Scope, state: HostState, vars: Vars, h: HostContext): Promise<ModuleOutcome> {
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
    // the playbook's own functions and templates: their errors are the user's, shown as one line
    const msg = error instanceof Error ? error.message : String(error);
    return { status: "failed", result: { failed: true, msg }, msg };
  }
  const ctx: ModuleContext = {
    host: state.name,
    conn: new ConnectionWithBecome(env.connections.get(target), becomeFor(env, scope, task, target)),
    vars,
    facts: state.facts,
    diff: options.diff ?? env.settings.diff,
    noLog: options.noLog ?? scope.noLog ?? false,
    searchDirs: searchDirs(env, scope),
    controller: env.controllerFiles,
    render: (template) => renderStrict(template, vars),
    hostContext: h,
    // the controller keeps its secret files encrypted (a PKI folder that can be committed); hosts get them plain
    vault: { vault: env.settings.vault, sealFiles: env.settings.vault.hasPasswords && env.connections.settings(target).connection === "local" },
  };
  const retries = options.retries ?? (options.until ? 3 : 0);
  for (let attempt = 1; ; attempt++) {
    let outcome: Attempt;
    try {
      outcome = await attemptModule(def, ctx, args, check, (facts) => Object.assign(state.hostFacts, facts));
    } catch (error) {
      const msg = (error as Error).message;
      return { status: "unreachable", result: { unreachable: true, msg }, msg };
    }
    // --check writes nothing: what a task would write on the controller, later tasks see
    if (outcome.predicted && env.connections.settings(target).connection === "local") {
      for (const write of outcome.writes ?? []) env.controllerFiles.predict(write.path, write.content);
    }
    let { result } = outcome;
    const { predicted } = outcome;
    let done: boolean;
    // A prediction has no output to judge: changedWhen/failedWhen/until apply to real results only.
    try {
      if (!predicted && options.failedWhen) result.failed = options.failedWhen(result, h);
      if (!predicted && options.changedWhen && !result.failed) result.changed = options.changedWhen(result, h);
      done = options.until ? result.failed !== true && (predicted || options.until(result, h)) : result.failed !== true || retries === 0;
    } catch (error) {
      result = { ...result, failed: true, msg: `changedWhen/failedWhen/until threw: ${(error as Error).message}` };
      done = true;
    }
    const failed = result.failed === true;
    if (retries > 0) result.attempts = attempt;
    const interrupted = env.interrupt?.aborted === true;
    if (done || attempt > retries || interrupted) {
      if (!done && !failed) {
        result.failed = true;
        result.msg = interrupted ? `interrupted after ${attempt} attempts, until() still false` : `retries exhausted: until() still false after ${attempt} attempts`;
      }
      if (outcome.uncertain) result.uncertain = outcome.uncertain;
      const status = result.failed ? "failed" : result.changed ? "changed" : "ok";
      const msg = result.failed ? String(result.msg ?? "failed") : outcome.summary;
      return { status, result, msg, diff: outcome.diff, delegatedTo: target === state.name ? undefined : target };
    }
    await sleep((options.delay ?? 5) * 1000);
  }
}
