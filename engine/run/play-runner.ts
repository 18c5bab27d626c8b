/**
 * The linear strategy: each task runs on all of the batch's live hosts (at most
 * `forks` at once) before the next task starts. A failed host drops out; blocks
 * give failed hosts a rescue; handlers run when flushed and at the end of a batch.
 */
import { UnreachableError } from "../connection";
import type { Block, Serial, Task, TaskItem } from "../dsl";
import { gatherFacts } from "../facts";
import type { HostState } from "./host-state";
import { forEachLimited } from "./limit-concurrency";
import { halted, type PlayEnv } from "./play-env";
import { runTaskOnHost, titleOn } from "./run-task";
import { blockScope, playScope, roleScope, type Scope } from "./scope";
import { serialBatches } from "./serial";
import { taskVars } from "./task-vars";
import { renderStrict } from "../template";
import { selectedByTags } from "./tags";

const live = (hosts: HostState[]) => hosts.filter((h) => h.active);

/** What output says of a task before its hosts run it: its name (rendered with the first host's vars), role use and source. */
function taskStart(env: PlayEnv, task: Task<any, any>, scope: Scope, targets: HostState[]) {
  return {
    name: titleOn(env, task, scope, targets[0]!),
    handler: task.kind === "handler",
    hosts: targets.map((h) => h.name),
    play: env.play.name,
    role: scope.role && env.roleLabels.get(scope.role),
    source: task.source,
  };
}

async function runTask(env: PlayEnv, task: Task<any, any>, scope: Scope, hosts: HostState[]): Promise<void> {
  if (halted(env)) return;
  if (!env.started) {
    if (task.name !== env.settings.startAtTask) return;
    env.started = true;
  }
  if (task.kind === "task" && !selectedByTags([...scope.tags, ...(task.options.tags ?? [])], env.settings)) return;
  const targets = task.options.runOnce ? hosts.slice(0, 1) : hosts;
  if (targets.length === 0) return;
  env.events.emit("task-start", taskStart(env, task, scope, targets));
  const failedBefore = hosts.filter((h) => h.failed).length;
  await forEachLimited(targets, env.settings.forks, (state) => runTaskOnHost(env, task, scope, state).then(() => {}), () => halted(env));
  if (task.options.runOnce) shareRunOnceResult(task, targets[0]!, hosts);
  env.events.emit("task-end", { name: task.name });
  checkFailureLimits(env, scope, hosts, failedBefore);
}

/** A runOnce task's result counts for every host of the batch, as in Ansible. */
function shareRunOnceResult(task: Task<any>, first: HostState, hosts: HostState[]): void {
  const result = first.results.get(task.id);
  for (const other of hosts.slice(1)) {
    other.results.set(task.id, result);
    if (task.options.register) other.hostFacts[task.options.register] = result;
  }
}

function checkFailureLimits(env: PlayEnv, scope: Scope, hosts: HostState[], failedBefore: number): void {
  const failedNow = hosts.filter((h) => h.failed).length;
  if (failedNow > failedBefore && env.play.options.anyErrorsFatal && !scope.rescuable) env.stopped = true;
  const max = env.play.options.maxFailPercentage;
  if (max !== undefined && hosts.length > 0 && (failedNow * 100) / hosts.length > max) env.stopped = true;
}

async function runBlock(env: PlayEnv, block: Block, parent: Scope, hosts: HostState[]): Promise<void> {
  const scope = blockScope(parent, block);
  const failedBefore = new Map(hosts.map((h) => [h, h.stats.failed]));
  await runItems(env, block.tasks, scope, hosts);
  const failedInBlock = hosts.filter((h) => h.failed && !h.unreachable);
  if (block.options.rescue?.length && failedInBlock.length) {
    for (const h of failedInBlock) {
      h.failed = false;
      h.stats.failed = failedBefore.get(h)!;
      h.stats.rescued++;
    }
    await runItems(env, block.options.rescue, { ...scope, rescuable: parent.rescuable }, failedInBlock);
  }
  if (block.options.always?.length) {
    const failedSoFar = hosts.filter((h) => h.failed && !h.unreachable);
    for (const h of failedSoFar) h.failed = false;
    await runItems(env, block.options.always, { ...scope, rescuable: parent.rescuable }, hosts.filter((h) => !h.unreachable));
    for (const h of failedSoFar) h.failed = true;
  }
}

async function runItems(env: PlayEnv, items: TaskItem[], scope: Scope, hosts: HostState[]): Promise<void> {
  for (const item of items) {
    const targets = live(hosts);
    if (targets.length === 0 || halted(env)) return;
    if (item.kind === "flush") await runHandlers(env, hosts);
    else if (item.kind === "block") await runBlock(env, item, scope, targets);
    else await runTask(env, item, scope, targets);
  }
}

/**
 * Notified handlers, in definition order, on the hosts that notified them: a role's handler
 * once for each use of the role that notified it, with that use's values; others once.
 */
export async function runHandlers(env: PlayEnv, hosts: HostState[]): Promise<void> {
  // an interrupted run starts nothing more, handlers included
  if (env.interrupt?.aborted) return;
  const force = env.settings.forceHandlers || env.play.options.forceHandlers === true;
  const base = playScope(env.play.tags, env.play.options.become, env.play.options.becomeUser);
  for (const handler of env.handlers) {
    const owner = env.handlerOwners.get(handler);
    const uses = owner ? env.play.roles.filter((use) => use.role === owner) : [undefined];
    for (const use of uses) {
      const targets = hosts.filter((h) => h.isNotified(handler, use) && (h.active || (force && !h.unreachable)));
      for (const h of hosts) h.clearNotified(handler, use);
      if (targets.length === 0) continue;
      // the use's `when` decided whether its tasks ran; its handler runs when notified
      const scope = use ? { ...roleScope(base, use), whens: base.whens } : base;
      // Handlers run whatever the tags; a host that failed earlier runs them only with force.
      const wasFailed = targets.filter((h) => h.failed);
      for (const h of wasFailed) h.failed = false;
      env.events.emit("task-start", taskStart(env, handler, scope, targets));
      await forEachLimited(targets, env.settings.forks, (state) => runTaskOnHost(env, handler, scope, state).then(() => {}), () => env.interrupt?.aborted === true);
      env.events.emit("task-end", { name: handler.name });
      for (const h of wasFailed) h.failed = true;
    }
  }
}

async function gatherAll(env: PlayEnv, hosts: HostState[]): Promise<void> {
  env.events.emit("task-start", { name: "Gathering Facts", handler: false, hosts: hosts.map((h) => h.name), play: env.play.name });
  await forEachLimited(hosts, env.settings.forks, async (state) => {
    if (halted(env)) return;
    const started = Date.now();
    try {
      state.facts = await gatherFacts(env.connections.get(state.name));
      state.stats.ok++;
      env.events.emit("host-result", { task: "Gathering Facts", host: state.name, play: env.play.name, status: "ok", msg: "", durationMs: Date.now() - started });
    } catch (error) {
      const unreachable = error instanceof UnreachableError;
      if (unreachable) state.unreachable = true;
      else state.failed = true;
      state.stats[unreachable ? "unreachable" : "failed"]++;
      const msg = (error as Error).message;
      env.events.emit("host-result", { task: "Gathering Facts", host: state.name, play: env.play.name, status: unreachable ? "unreachable" : "failed", msg, durationMs: Date.now() - started });
    }
  });
  env.events.emit("task-end", { name: "Gathering Facts" });
}

/** `serial` as written, or rendered with the first host's vars where it is a template ("{{upgrade_serial}}"), as Ansible allows. */
function renderedSerial(env: PlayEnv, hosts: HostState[]): Serial | undefined {
  const serial = env.play.options.serial;
  if (serial === undefined || hosts.length === 0) return serial;
  const vars = taskVars(env, hosts[0]!, playScope(env.play.tags), undefined);
  const render = (spec: number | string) => (typeof spec === "string" && spec.includes("{{") ? renderStrict(spec, vars) : spec);
  return Array.isArray(serial) ? serial.map(render) : render(serial as number | string);
}

export async function runPlay(env: PlayEnv, hosts: HostState[]): Promise<void> {
  const play = env.play;
  const base = playScope(play.tags, play.options.become, play.options.becomeUser);
  for (const batch of serialBatches(hosts, renderedSerial(env, hosts))) {
    if (halted(env)) return;
    if (play.gatherFacts && selectedByTags(["always"], env.settings)) await gatherAll(env, live(batch));
    await runItems(env, play.preTasks, base, batch);
    await runHandlers(env, batch);
    for (const use of play.roles) await runItems(env, use.role.tasks, roleScope(base, use), batch);
    await runItems(env, play.tasks, base, batch);
    await runHandlers(env, batch);
    await runItems(env, play.postTasks, base, batch);
    await runHandlers(env, batch);
    // Ansible stops the play when a whole batch failed: later batches would fail alike.
    if (live(batch).length === 0) return;
  }
}
