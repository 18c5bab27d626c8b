/** Builds the variables a task sees on a host, precedence applied (see engine/vars.ts). */
import { paramProblem, type RoleUse, type Task } from "../dsl";
import type { HostContext, Vars } from "../host-context";
import { ArgumentError } from "../module-args";
import { renderStrict } from "../template";
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

export function taskVars(env: PlayEnv, state: HostState, scope: Scope, task: Task<any, any> | undefined, loop?: { name: string; item: unknown }): Vars {
  const use = scope.role;
  const vars = mergeVars({
    roleDefaults: use?.role.defaults ?? {},
    inventory: env.inventory.varsFor(state.name),
    facts: { facts: state.facts, ansible_facts: state.facts },
    play: env.play.vars,
    roleVars: use?.role.vars ?? {},
    scoped: task?.options.vars ? [...scope.vars, task.options.vars] : scope.vars,
    hostFacts: state.hostFacts,
    roleParams: use?.params ?? {},
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

/**
 * The parameters of a role use as its tasks see them: each default's name, its value after
 * precedence (the inventory or -e may set it), checked against the default's type, so that
 * `h.params.port` really is the number its type says.
 */
function roleParamsOf(use: RoleUse | undefined, vars: Vars): Vars {
  if (!use) return {};
  const params: Vars = {};
  for (const key of Object.keys(use.role.defaults)) {
    const problem = paramProblem(use.role.name, use.role.defaults, key, vars[key]);
    if (problem) throw new ArgumentError(`${problem} (set by the inventory or vars)`);
    params[key] = vars[key];
  }
  return params;
}

export function hostContext(env: PlayEnv, state: HostState, vars: Vars, item: unknown, use: RoleUse | undefined): HostContext {
  return {
    host: state.name,
    vars,
    params: roleParamsOf(use, vars),
    facts: state.facts,
    groups: vars.groups as Record<string, string[]>,
    groupNames: vars.group_names as string[],
    item,
    result: <R>(task: Task<R, any>) => state.results.get(task.id) as R | undefined,
    controllerFile: (path) => env.controllerFiles.read(path)?.toString("utf8"),
  };
}

/** A task's name as shown for a host: a name that is a template is rendered with the host's vars. */
export function taskTitle(task: Task<any, any>, vars: Vars): string {
  if (!task.name.includes("{{")) return task.name;
  try {
    return renderStrict(task.name, vars);
  } catch {
    return task.name;
  }
}
