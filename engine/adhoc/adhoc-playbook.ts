/**
 * An ad-hoc command as the one-task playbook the normal runner runs, so that connection,
 * become, forks, check, diff, limit, output and report behave exactly as for a playbook.
 * Facts are gathered only for a module that reads them, as Ansible's ad-hoc runs gather none.
 *
 *   adhocPlaybook({ pattern: "etcd", module: adhocModule("systemd"), args: { name: "etcd", state: "restarted" } })
 */
import { play, playbook, task, type Playbook } from "../dsl";
import type { ModuleCall } from "../module";
import type { AdhocModule } from "./core-modules";

export interface AdhocRequest {
  pattern: string;
  module: AdhocModule;
  /** already checked against the module's spec */
  args: Record<string, unknown>;
  become?: boolean;
  becomeUser?: string;
}

export function adhocPlaybook({ pattern, module, args, become, becomeUser }: AdhocRequest): Playbook {
  const call: ModuleCall = { module: module.definition, args };
  return playbook([
    play({
      name: `ad-hoc: ${module.definition.name} on ${pattern}`,
      hosts: pattern,
      gatherFacts: module.needsFacts === true,
      ...(become ? { become } : {}),
      ...(becomeUser !== undefined ? { becomeUser } : {}),
      // written on the command line, not in a file: failures and the report say so
      tasks: [{ ...task(module.definition.name, call), source: "the command line" }],
    }),
  ]);
}
