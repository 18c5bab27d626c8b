/** Runs the plays in order and returns the recap and Ansible's exit code. */
import type { Playbook } from "../dsl";
import type { HostStats, RunEventBus } from "../events";
import type { Inventory } from "../inventory";
import { ControllerFiles } from "../controller-files";
import { ConnectionPool, type ConnectionFactory } from "./connection-pool";
import { HostState } from "./host-state";
import { limitedHosts } from "./limit";
import { runPlay } from "./play-runner";
import type { RunSettings } from "./settings";
import { handlerOwners, roleLabels } from "./role-uses";
import { playHandlers, validatePlaybook } from "./validate";
import { EXIT } from "./exit-codes";

export { EXIT };

export interface RunOutcome {
  stats: Record<string, HostStats>;
  exitCode: number;
}

export interface RunInputs {
  playbook: Playbook;
  inventory: Inventory;
  settings: RunSettings;
  events: RunEventBus;
  connect: ConnectionFactory;
  /** Ctrl-C: no task or host starts after it; the run ends with the recap so far and exit 130 */
  interrupt?: AbortSignal;
}

export async function runPlaybook({ playbook, inventory, settings, events, connect, interrupt }: RunInputs): Promise<RunOutcome> {
  validatePlaybook(playbook, settings.startAtTask);
  const limit = limitedHosts(inventory, settings.limit);
  const states = new Map<string, HostState>();
  const connections = new ConnectionPool(inventory, connect);
  const controllerFiles = new ControllerFiles(settings.vault);
  let started = !settings.startAtTask;
  try {
    for (const play of playbook.plays) {
      if (interrupt?.aborted) break;
      const names = inventory.select(play.hosts).filter((name) => !limit || limit.has(name));
      for (const name of names) if (!states.has(name)) states.set(name, new HostState(name));
      // hosts that failed or went unreachable in an earlier play sit out the later ones
      const hosts = names.map((name) => states.get(name)!).filter((state) => state.active);
      events.emit("play-start", { name: play.name, hosts: hosts.map((h) => h.name), check: settings.check });
      if (hosts.length === 0) {
        events.emit("warning", { msg: `play '${play.name}': no hosts matched` });
        continue;
      }
      const env = {
        settings,
        play,
        inventory,
        states,
        connections,
        events,
        playHosts: hosts.map((h) => h.name),
        handlers: playHandlers(play),
        handlerOwners: handlerOwners(play),
        roleLabels: roleLabels(play),
        stopped: false,
        controllerFiles,
        interrupt,
        started,
      };
      await runPlay(env, hosts);
      started = env.started;
      events.emit("play-end", { name: play.name });
      if (env.stopped) break;
    }
  } finally {
    await connections.closeAll();
  }
  const stats = Object.fromEntries([...states.values()].map((s) => [s.name, s.stats]));
  events.emit("recap", { hosts: stats });
  const all = [...states.values()];
  const exitCode = interrupt?.aborted ? EXIT.interrupted : all.some((s) => s.unreachable) ? EXIT.unreachable : all.some((s) => s.failed) ? EXIT.failed : EXIT.ok;
  return { stats, exitCode };
}
