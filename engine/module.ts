/**
 * The module contract. A module reads the host's state, returns a plan, and the
 * runner applies the plan only outside check mode: `--check` is the same code path
 * stopped before `apply`, so it cannot disagree with a real run.
 */
import type { Connection } from "./connection";
import type { Dynamic, Facts, HostContext, Vars } from "./host-context";
import { validateArgs, type ArgSpec, type SpecArgs } from "./module-args";

export interface FileDiff {
  path: string;
  before: string;
  after: string;
}

export interface BaseResult {
  changed: boolean;
  msg?: string;
}

export interface Plan<R extends BaseResult> {
  changed: boolean;
  /** one line for the user: what is or would be done */
  summary?: string;
  diff?: FileDiff[];
  /** result fields known without applying (also reported in check mode) */
  result?: Partial<R>;
  /** facts to set on the host (setFact); applied in check mode too */
  setFacts?: Vars;
  /** does the change; absent when nothing changes */
  apply?: () => Promise<Partial<R> | void>;
}

/** What a module sees: the host's connection, vars and facts, and the run's flags. */
export interface ModuleContext {
  readonly host: string;
  /** already bound to the task's become settings */
  readonly conn: Connection;
  readonly vars: Vars;
  readonly facts: Facts;
  readonly check: boolean;
  readonly diff: boolean;
  /** the task is no-log: a module must keep content and secrets out of its summary */
  readonly noLog: boolean;
  /** folders searched for `src` files and templates: the role's, then the playbook's */
  readonly searchDirs: { files: string[]; templates: string[] };
  /** strict mustache over the host's vars */
  render(template: string): string;
  /** the whole host context, for modules (assert, debug) that evaluate user functions */
  readonly hostContext: HostContext;
}

/** A task failed for a reason the user can act on; the message is shown as is. */
export class ModuleFailure extends Error {
  override name = "ModuleFailure";
  constructor(
    message: string,
    readonly result: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface ModuleDefinition<A, R extends BaseResult> {
  name: string;
  args: ArgSpec;
  /** a module that changes nothing by itself (debug, assert, setFact) runs the same in check mode */
  plan(ctx: ModuleContext, args: A): Promise<Plan<R>>;
  /** checks across arguments that a spec cannot say (e.g. `content` or `src`, not both) */
  check?(args: A): string | undefined;
}

/** Arguments as a playbook writes them: each value may be a function of the host (in a role, typed by its parameters `P`). */
export type ModuleArgs<A, P extends Vars = Vars> = Dynamic<{ [K in keyof A]: Dynamic<A[K], P> }, P>;

export interface ModuleCall<R extends BaseResult = BaseResult, P extends Vars = Vars> {
  readonly module: ModuleDefinition<any, R>;
  readonly args: ModuleArgs<any, any>;
  /** phantom: carries the result type to `register` and `h.result()` */
  readonly resultType?: R;
  /** phantom: the role parameters its argument functions read (inferred from the task that holds the call) */
  readonly paramsType?: (params: P) => void;
}

export type ModuleFunction<A, R extends BaseResult> = <P extends Vars = Vars>(args: ModuleArgs<A, P>) => ModuleCall<R, P>;

/**
 * Declares a module. Arguments written as plain values are validated here, when the
 * playbook loads, so a misspelt option fails before any host is touched.
 */
export function defineModule<const S extends ArgSpec, R extends BaseResult>(
  def: ModuleDefinition<SpecArgs<S>, R> & { args: S },
): ModuleFunction<SpecArgs<S>, R> {
  return <P extends Vars>(args: ModuleArgs<SpecArgs<S>, P>): ModuleCall<R, P> => {
    if (typeof args !== "function") validateArgs(def, args as Record<string, unknown>, { allowFunctions: true });
    return { module: def, args };
  };
}
