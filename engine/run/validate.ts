/** Checks a loaded playbook as a whole, before any host is touched. */
import { UserError } from "../errors";
import type { Handler, Play, Playbook, Task, TaskItem } from "../dsl";

export class PlaybookError extends UserError {
}

export function* tasksOf(items: readonly TaskItem[]): Generator<Task<any>> {
  for (const item of items) {
    if (item.kind === "block") {
      yield* tasksOf(item.tasks);
      yield* tasksOf(item.options.rescue ?? []);
      yield* tasksOf(item.options.always ?? []);
    } else if (item.kind !== "flush") {
      yield item;
    }
  }
}

export function playTasks(play: Play): Task<any>[] {
  return [
    ...tasksOf(play.preTasks),
    ...play.roles.flatMap((use) => [...tasksOf(use.role.tasks)]),
    ...tasksOf(play.tasks),
    ...tasksOf(play.postTasks),
  ];
}

export function playHandlers(play: Play): Handler<any>[] {
  return [...new Set([...play.roles.flatMap((use) => use.role.handlers), ...play.handlers])];
}

function checkPlay(play: Play): void {
  if (play?.kind !== "play") throw new PlaybookError("every entry of playbook([...]) must be made with play({...})");
  if (!play.hosts?.trim()) throw new PlaybookError(`play '${play.name}' has no hosts pattern`);
  const handlers = playHandlers(play);
  const topics = new Set(handlers.flatMap((h) => h.listen.map((t) => t.name)));
  for (const task of [...playTasks(play), ...handlers]) {
    if (!task.call?.module) throw new PlaybookError(`${task.source}: task '${task.name}' has no module call`);
    for (const target of task.options.notify ?? []) {
      if (target.kind === "topic" && !topics.has(target.name)) {
        throw new PlaybookError(`${task.source}: task '${task.name}' notifies topic '${target.name}', but no handler of play '${play.name}' listens to it`);
      }
      if (target.kind === "handler" && !handlers.includes(target)) {
        throw new PlaybookError(`${task.source}: task '${task.name}' notifies handler '${target.name}', which is not in the handlers of play '${play.name}' (add it to handlers: [...])`);
      }
    }
  }
}

export function validatePlaybook(playbook: Playbook, startAtTask?: string): void {
  if (playbook?.kind !== "playbook") throw new PlaybookError("the playbook file must `export default playbook([...])`");
  playbook.plays.forEach(checkPlay);
  if (startAtTask && !playbook.plays.some((play) => playTasks(play).some((t) => t.name === startAtTask))) {
    throw new PlaybookError(`--start-at-task: no task is named '${startAtTask}'`);
  }
}
