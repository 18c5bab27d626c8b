/** Runs a playbook object in-process against an INI inventory text, collecting events. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { connectionFactory } from "../../engine/connections/open";
import type { Playbook } from "../../engine/dsl";
import { RunEventBus, type RunEvents } from "../../engine/events";
import { loadInventory } from "../../engine/inventory";
import { runPlaybook } from "../../engine/run/playbook-runner";
import { defaultSettings, type RunSettings } from "../../engine/run/settings";
import { tempDir } from "../temp-dir";

export type HostResult = RunEvents["host-result"];

/** three local hosts: every one runs on this machine, which is enough for runner semantics */
export const THREE_LOCAL = "[web]\nh1\nh2\n[db]\nh3\n[all:vars]\nansible_connection=local\n";

export async function run(playbook: Playbook, inventoryText = THREE_LOCAL, settings: Partial<RunSettings> = {}) {
  const dir = tempDir("tsplay-run-");
  const inventoryFile = join(dir, "hosts.ini");
  writeFileSync(inventoryFile, inventoryText);
  const inventory = await loadInventory([inventoryFile]);
  const events = new RunEventBus();
  const results: HostResult[] = [];
  const order: string[] = [];
  const warnings: string[] = [];
  events.on("host-result", (e) => {
    results.push(e);
    order.push(`${e.task}@${e.host}`);
  });
  events.on("task-start", (e) => order.push(`start:${e.name}`));
  events.on("warning", (e) => warnings.push(e.msg));
  const outcome = await runPlaybook({
    playbook,
    inventory,
    settings: defaultSettings({ playbookDir: dir, ...settings }),
    events,
    connect: connectionFactory({ acceptNew: false, checkHostKeys: true }),
  });
  const statusOf = (task: string, host: string) => results.find((r) => r.task === task && r.host === host)?.status;
  return { ...outcome, results, order, warnings, statusOf, dir };
}
