/** --list-hosts, --list-tasks and --list-tags: what a run would touch, without running. */
import type { Playbook, TaskItem } from "../dsl";
import type { Inventory } from "../inventory";
import { limitedHosts } from "./limit";
import type { RunSettings } from "./settings";
import { selectedByTags } from "./tags";

interface ListedTask {
  name: string;
  tags: string[];
}

function* walk(items: readonly TaskItem[], tags: string[]): Generator<ListedTask> {
  for (const item of items) {
    if (item.kind === "flush") continue;
    if (item.kind === "block") {
      const inner = [...tags, ...(item.options.tags ?? [])];
      for (const list of [item.tasks, item.options.rescue ?? [], item.options.always ?? []]) yield* walk(list, inner);
    } else {
      yield { name: item.name, tags: [...new Set([...tags, ...(item.options.tags ?? [])])] };
    }
  }
}

function playTaskList(play: Playbook["plays"][number]): ListedTask[] {
  return [
    ...walk(play.preTasks, play.tags),
    ...play.roles.flatMap((use) => [...walk(use.role.tasks, [...play.tags, ...(use.tags ?? [])])]),
    ...walk(play.tasks, play.tags),
    ...walk(play.postTasks, play.tags),
  ];
}

export function listHosts(playbook: Playbook, inventory: Inventory, settings: RunSettings): string[] {
  const limit = limitedHosts(inventory, settings.limit);
  return playbook.plays.flatMap((play, i) => {
    const hosts = inventory.select(play.hosts).filter((h) => !limit || limit.has(h));
    return [`play #${i + 1} (${play.hosts}): ${play.name}\tHOSTS (${hosts.length}):`, ...hosts.map((h) => `    ${h}`)];
  });
}

export function listTasks(playbook: Playbook, settings: RunSettings): string[] {
  return playbook.plays.flatMap((play, i) => [
    `play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(", ")}]`,
    ...playTaskList(play)
      .filter((t) => selectedByTags(t.tags, settings))
      .map((t) => `    ${t.name}\tTAGS: [${t.tags.join(", ")}]`),
  ]);
}

export function listTags(playbook: Playbook): string[] {
  return playbook.plays.map((play, i) => {
    const tags = new Set(playTaskList(play).flatMap((t) => t.tags));
    return `play #${i + 1} (${play.hosts}): ${play.name}\tTASK TAGS: [${[...tags].sort().join(", ")}]`;
  });
}
