/** Builds the variables a task sees on a host, precedence applied (see engine/vars.ts). */
import type { Task } from "../dsl";
import type { HostContext, Vars } from "../host-context";
import { mergeVars } from "../vars";
import type { HostState } from "./host-state";
import type { PlayEnv } from "./play-env";
import type { Scope } from "./scope";

function hostvarsView(env: PlayEnv): Vars {
  const view: Vars = {};
  for (const name of env.inventory.hosts.keys()) {
    Object.defineProperty(view, name, {
      enumerable: true,
      get: () => {
        const state = env.states.get(name);
        return { ...env.inventory.varsFor(name), ...(state ? { facts: state.facts, ...state.hostFacts } : {}), inventory_hostname: name };
      },
    });
  }
  return view;
}

export function taskVars(env: PlayEnv, state: HostState, scope: Scope, task: Task<any> | undefined, loop?: { name: string; item: unknown }): Vars {
  const use = scope.role;
  const vars = mergeVars({
    roleDefaults: use ? { ...env.roleDefaults, ...use.role.defaults } : env.roleDefaults,
    inventory: env.inventory.varsFor(state.name),
    facts: { facts: state.facts, ansible_facts: state.facts },
    play: env.play.vars,
    roleVars: use ? { ...env.roleVars, ...use.role.vars, ...use.vars } : env.roleVars,
    scoped: task?.options.vars ? [...scope.vars, task.options.vars] : scope.vars,
    hostFacts: state.hostFacts,
    extra: env.settings.extraVars,
  });
  Object.assign(vars, {
    inventory_hostname: state.name,
    inventory_hostname_short: state.name.split(".")[0],
    groups: env.inventory.groupMap(),
    group_names: env.inventory.groupsOf(state.name).filter((g) => g !== "all" && g !== "ungrouped"),
    play_hosts: env.playHosts,
    ansible_play_hosts: env.playHosts,
    ansible_check_mode: env.settings.check,
    playbook_dir: env.settings.playbookDir,
  });
  Object.defineProperty(vars, "hostvars", { enumerable: false, get: () => hostvarsView(env) });
  if (use?.role.dir) vars.role_path = use.role.dir;
  if (loop) vars[loop.name] = loop.item;
  return vars;
}

export function hostContext(state: HostState, vars: Vars, item: unknown): HostContext {
  return {
    host: state.name,
    vars,
    facts: state.facts,
    item,
    result: <R>(task: Task<R>) => state.results.get(task.id) as R | undefined,
  };
}
