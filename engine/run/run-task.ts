/**
 * A task on one host: `when`, loop, the module call per item, then registering,
 * notifying, counting and reporting the outcome.
 */
import type { Task } from "../dsl";
import type { HostStatus } from "../events";
import type { FileDiff } from "../module";
import type { HostState } from "./host-state";
import type { PlayEnv } from "./play-env";
import { notifications } from "./role-uses";
import { runModule, type ModuleOutcome } from "./run-module";
import type { Scope } from "./scope";
import { hostContext, taskTitle, taskVars } from "./task-vars";

const HIDDEN = "the output has been hidden: the task is noLog";

function aggregate(outcomes: ModuleOutcome[]): ModuleOutcome {
  const worst = (["unreachable", "failed", "changed", "ok"] as const).find((s) => outcomes.some((o) => o.status === s)) ?? "ok";
  const failedOne = outcomes.find((o) => o.status === "failed" || o.status === "unreachable");
  const changedCount = outcomes.filter((o) => o.status === "changed").length;
  return {
    status: worst,
    result: {
      changed: changedCount > 0,
      failed: worst === "failed",
      results: outcomes.map((o) => o.result),
    },
    msg: failedOne?.msg ?? `${outcomes.length} items, ${changedCount} changed`,
    diff: outcomes.flatMap((o) => o.diff ?? []),
  };
}

async function outcomeOnHost(env: PlayEnv, task: Task<any, any>, scope: Scope, state: HostState): Promise<ModuleOutcome | "skipped"> {
  const vars = taskVars(env, state, scope, task);
  const h = hostContext(env, state, vars, undefined, scope.role);
  const conditions = task.options.when ? [...scope.whens, task.options.when] : scope.whens;
  if (!conditions.every((when) => when(h))) return "skipped";
  const loop = task.options.loop;
  if (loop === undefined) return runModule(env, task, scope, state, vars, h);
  const items = typeof loop === "function" ? loop(h) : loop;
  if (items.length === 0) return "skipped";
  const outcomes: ModuleOutcome[] = [];
  for (const item of items) {
    // Ctrl-C: the items not yet started are left, and the task says it did not finish
    if (env.interrupt?.aborted) {
      const msg = `interrupted after ${outcomes.length} of ${items.length} items`;
      outcomes.push({ status: "failed", result: { failed: true, msg, item }, msg });
      break;
    }
    const itemVars = taskVars(env, state, scope, task, { name: task.options.loopVar ?? "item", item });
    const outcome = await runModule(env, task, scope, state, itemVars, hostContext(env, state, itemVars, item, scope.role));
    outcomes.push({ ...outcome, result: { ...outcome.result, item } });
    if (outcome.status === "unreachable") break;
  }
  return aggregate(outcomes);
}

export async function runTaskOnHost(env: PlayEnv, task: Task<any, any>, scope: Scope, state: HostState): Promise<HostStatus> {
  const started = Date.now();
  let outcome: ModuleOutcome | "skipped";
  try {
    outcome = await outcomeOnHost(env, task, scope, state);
  } catch (error) {
    // a user's when/loop/argument function threw, or a template variable is missing
    outcome = { status: "failed", result: { failed: true }, msg: (error as Error).message };
  }
  const noLog = task.options.noLog ?? scope.noLog ?? false;
  const ignoreErrors = task.options.ignoreErrors ?? scope.ignoreErrors ?? false;
  const done = outcome === "skipped" ? undefined : outcome;
  const skipped = done === undefined;
  const status: HostStatus = done?.status ?? "skipped";
  const result = done?.result ?? { changed: false, skipped: true };
  const ignored = status === "failed" && ignoreErrors;

  state.results.set(task.id, result);
  if (task.options.register) state.hostFacts[task.options.register] = result;
  if (status === "changed") {
    for (const { handler, use } of notifications(env.play, env.handlers, env.handlerOwners, task.options.notify ?? [], scope.role)) state.notify(handler, use);
  }
  count(state, status, ignored);

  const msg = !done ? "" : done.status === "failed" && !noLog ? `${done.msg} (task at ${task.source})` : done.msg;
  const diff: FileDiff[] | undefined = noLog || !done?.diff?.length ? undefined : done.diff;
  env.events.emit("host-result", {
    task: titleOn(env, task, scope, state),
    host: state.name,
    play: env.play.name,
    role: scope.role && env.roleLabels.get(scope.role),
    source: task.source,
    status,
    msg: noLog && !skipped ? HIDDEN : msg,
    ignored,
    delegatedTo: done?.delegatedTo,
    diff,
    durationMs: Date.now() - started,
    result: noLog ? { censored: HIDDEN } : result,
  });
  return status;
}

/** The task's name for this host (rendered when it is a template; the raw name if it cannot be). */
export function titleOn(env: PlayEnv, task: Task<any, any>, scope: Scope, state: HostState): string {
  return task.name.includes("{{") ? taskTitle(task, taskVars(env, state, scope, task)) : task.name;
}

function count(state: HostState, status: HostStatus, ignored: boolean): void {
  const stats = state.stats;
  switch (status) {
    case "skipped":
      stats.skipped++;
      break;
    case "ok":
      stats.ok++;
      break;
    case "changed":
      stats.ok++;
      stats.changed++;
      break;
    case "failed":
      if (ignored) {
        stats.ignored++;
      } else {
        stats.failed++;
        state.failed = true;
      }
      break;
    case "unreachable":
      stats.unreachable++;
      state.unreachable = true;
      break;
  }
}
