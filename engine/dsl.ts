/**
 * The playbook language: plain functions returning plain data, typed so that a
 * misspelt option, handler or registered result is a compile error.
 *
 *   const restart = handler("restart web", command({ cmd: "systemctl restart web" }));
 *   export default playbook([
 *     play({ name: "web", hosts: "web", handlers: [restart], tasks: [
 *       task("config", copy({ dest: "/etc/web.conf", content: "port=80\n" }), { notify: [restart] }),
 *     ] }),
 *   ]);
 */
import type { Dynamic, HostContext, Vars } from "./host-context";
import type { BaseResult, ModuleCall } from "./module";
import { callerSource } from "./caller-source";
import { checkOptions } from "./dsl-options";
import { ArgumentError } from "./module-args";

/** `P`: the parameters of the role a task belongs to (see `roleParams`); plain tasks have none. */
export interface TaskOptions<R, P extends Vars = Vars> {
  when?: (h: HostContext<P>) => boolean;
  loop?: Dynamic<readonly unknown[], P>;
  /** the name the loop item has in vars and templates; `item` by default */
  loopVar?: string;
  /** also store the result in this host variable, for templates (`{{out.stdout}}`) */
  register?: string;
  tags?: string[];
  notify?: Notifiable[];
  become?: boolean;
  becomeUser?: string;
  /** true: always a dry run; false: runs for real even under --check (read-only commands) */
  checkMode?: boolean;
  diff?: boolean;
  ignoreErrors?: boolean;
  changedWhen?: (result: R, h: HostContext<P>) => boolean;
  failedWhen?: (result: R, h: HostContext<P>) => boolean;
  retries?: number;
  until?: (result: R, h: HostContext<P>) => boolean;
  /** seconds between retries */
  delay?: number;
  delegateTo?: Dynamic<string, P>;
  runOnce?: boolean;
  noLog?: boolean;
  vars?: Vars;
}

export interface Task<R = BaseResult, P extends Vars = Vars> {
  readonly kind: "task" | "handler";
  readonly id: number;
  /** may be a template: `"{{leak_name}}: show"` is shown with each use's value */
  readonly name: string;
  readonly call: ModuleCall<R & BaseResult, P>;
  readonly options: TaskOptions<R, P>;
  /** file:line where the task was written, for error messages */
  readonly source: string;
}

export interface Topic {
  readonly kind: "topic";
  readonly name: string;
}

export interface Handler<R = BaseResult, P extends Vars = Vars> extends Task<R, P> {
  readonly kind: "handler";
  readonly listen: readonly Topic[];
}

export type Notifiable = Handler<any, any> | Topic;

export interface BlockOptions<P extends Vars = Vars> {
  when?: (h: HostContext<P>) => boolean;
  tags?: string[];
  become?: boolean;
  becomeUser?: string;
  vars?: Vars;
  ignoreErrors?: boolean;
  noLog?: boolean;
  rescue?: TaskItem<P>[];
  always?: TaskItem<P>[];
}

export interface Block<P extends Vars = Vars> {
  readonly kind: "block";
  readonly name: string;
  readonly tasks: TaskItem<P>[];
  readonly options: BlockOptions<P>;
}

export interface FlushHandlers {
  readonly kind: "flush";
}

export type TaskItem<P extends Vars = Vars> = Task<any, P> | Block<P> | FlushHandlers;

export interface Role<P extends Vars = Vars> {
  readonly kind: "role";
  readonly name: string;
  /** the role's folder: `templates/` and `files/` are looked up below it */
  readonly dir?: string;
  /** the role's parameters and their defaults: their types are the parameters' types */
  readonly defaults: P;
  /** the role's own variables: seen by its tasks and handlers only, never by the rest of the play */
  readonly vars: Vars;
  readonly tasks: TaskItem<P>[];
  readonly handlers: Handler<any, P>[];
  /** this role with some parameters set: a wrong name or type fails tsc, and fails at load time */
  with(params: Partial<P>, options?: Omit<RoleUse, "role" | "params">): RoleUse;
}

/** One use of a role in a play: its parameters, defaults and vars are its own. */
export interface RoleUse {
  role: Role<any>;
  params?: Vars;
  tags?: string[];
  when?: (h: HostContext) => boolean;
}

export type Serial = number | string | (number | string)[];

export interface PlayOptions {
  name: string;
  /** an inventory pattern, as `--limit` takes */
  hosts: string;
  vars?: Vars;
  roles?: (Role<any> | RoleUse)[];
  preTasks?: TaskItem[];
  tasks?: TaskItem[];
  postTasks?: TaskItem[];
  handlers?: Handler<any>[];
  gatherFacts?: boolean;
  serial?: Serial;
  anyErrorsFatal?: boolean;
  maxFailPercentage?: number;
  become?: boolean;
  becomeUser?: string;
  tags?: string[];
  forceHandlers?: boolean;
}

export interface Play extends Required<Pick<PlayOptions, "name" | "hosts" | "vars" | "preTasks" | "tasks" | "postTasks" | "handlers" | "gatherFacts" | "tags">> {
  readonly kind: "play";
  readonly roles: RoleUse[];
  readonly options: PlayOptions;
}

export interface Playbook {
  readonly kind: "playbook";
  readonly plays: Play[];
}

let nextTaskId = 1;

/** `item` with the `source` its maker's caller gives, looked up when first read (a listing reads none). */
function withSource<T extends object>(item: T, source: () => string): T & { readonly source: string } {
  return Object.defineProperty(item, "source", { get: source, enumerable: true }) as T & { readonly source: string };
}

export function task<R extends BaseResult>(name: string, call: ModuleCall<R>, options: TaskOptions<R> = {}): Task<R> {
  checkOptions("task", name, options);
  return withSource({ kind: "task" as const, id: nextTaskId++, name, call, options }, callerSource(task));
}

export function handler<R extends BaseResult>(name: string, call: ModuleCall<R>, options: TaskOptions<R> & { listen?: Topic[] } = {}): Handler<R> {
  checkOptions("handler", name, options);
  const { listen = [], ...rest } = options;
  return withSource({ kind: "handler" as const, id: nextTaskId++, name, call, options: rest, listen }, callerSource(handler));
}

/** A name several handlers can `listen` to; notifying it runs all of them. */
export function topic(name: string): Topic {
  return { kind: "topic", name };
}

export function block(name: string, tasks: TaskItem[], options: BlockOptions = {}): Block {
  if (!Array.isArray(tasks)) throw new ArgumentError(`block '${name}': its tasks must be a list`);
  checkOptions("block", name, options);
  return { kind: "block", name, tasks, options };
}

/** task, handler and block for a role's own code: `h.params` has the types of `defaults`. */
export interface RoleKit<P extends Vars> {
  readonly defaults: P;
  task<R extends BaseResult>(name: string, call: ModuleCall<R, P>, options?: TaskOptions<R, P>): Task<R, P>;
  handler<R extends BaseResult>(name: string, call: ModuleCall<R, P>, options?: TaskOptions<R, P> & { listen?: Topic[] }): Handler<R, P>;
  block(name: string, tasks: TaskItem<P>[], options?: BlockOptions<P>): Block<P>;
}

/**
 * A role's parameters, declared once before its tasks, so that role code reads them typed:
 *
 *   const p = roleParams({ log_port: 514, log_host: "logs" });
 *   const config = p.task("config", copy({ dest: "/etc/x.conf", content: (h) => `port ${h.params.log_port + 0}\n` }));
 *   export const logs = role({ name: "logs", defaults: p.defaults, tasks: [config] });
 */
export function roleParams<P extends Vars>(defaults: P): RoleKit<P> {
  return {
    defaults,
    task: task as RoleKit<P>["task"],
    handler: handler as RoleKit<P>["handler"],
    block: block as RoleKit<P>["block"],
  };
}

export function flushHandlers(): FlushHandlers {
  return { kind: "flush" };
}

const typeName = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);

/** Why `value` cannot be role parameter `key` (whose default gives its type), or undefined when it can. */
export function paramProblem(roleName: string, defaults: Vars, key: string, value: unknown): string | undefined {
  const expected = typeName(defaults[key]);
  if (value === undefined || defaults[key] === null || typeName(value) === expected) return undefined;
  return `role ${roleName}: parameter '${key}' must be ${expected === "array" ? "an array" : `a ${expected}`}, got ${JSON.stringify(value)}`;
}

/** Checks role parameters against the defaults they override, for callers tsc did not check. */
function checkParams(roleName: string, defaults: Vars, params: Vars): void {
  for (const [key, value] of Object.entries(params)) {
    if (!(key in defaults)) {
      throw new ArgumentError(`role ${roleName}: unknown parameter '${key}' (parameters: ${Object.keys(defaults).join(", ") || "none"})`);
    }
    const problem = paramProblem(roleName, defaults, key, value);
    if (problem) throw new ArgumentError(problem);
  }
}

export function role<P extends Vars = {}>(definition: {
  name: string;
  dir?: string;
  defaults?: P;
  vars?: Vars;
  tasks: TaskItem<P>[];
  handlers?: Handler<any, P>[];
}): Role<P> {
  const made: Role<P> = {
    kind: "role",
    vars: {},
    handlers: [],
    ...definition,
    defaults: definition.defaults ?? ({} as P),
    with(params, options = {}) {
      checkParams(definition.name, made.defaults, params);
      checkOptions("role use", definition.name, options);
      return { ...options, role: made, params };
    },
  };
  return made;
}

export function play(options: PlayOptions): Play {
  checkOptions("play", String(options?.name), options);
  return {
    kind: "play",
    name: options.name,
    hosts: options.hosts,
    vars: options.vars ?? {},
    roles: (options.roles ?? []).map((r) => ("kind" in r ? { role: r } : r)),
    preTasks: options.preTasks ?? [],
    tasks: options.tasks ?? [],
    postTasks: options.postTasks ?? [],
    handlers: options.handlers ?? [],
    gatherFacts: options.gatherFacts ?? true,
    tags: options.tags ?? [],
    options,
  };
}

export function playbook(plays: Play[]): Playbook {
  return { kind: "playbook", plays };
}
