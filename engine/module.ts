/**
 * The module contract. A module reads the host's state, returns a plan, and the
 * runner applies the plan only outside check mode: `--check` is the same code path
 * stopped before `apply`, so it cannot disagree with a real run.
 */
import { UserError } from "./errors";
import type { Connection } from "./connection";
import type { ControllerFiles } from "./controller-files";
import type { Dynamic, Facts, HostContext, Vars } from "./host-context";
import { validateArgs, type ArgSpec, type SpecArgs } from "./module-args";
import type { TaskVault } from "./vault/secret-file";

export interface FileDiff {
  path: string;
  before: string;
  after: string;
}

export interface BaseResult {
  changed: boolean;
  msg?: string;
}

/**
 * What a module would do on a host, worked out without changing anything. A module never
 * knows whether the run is a check: the runner decides, and never calls `apply` under
 * --check. What only a real run can do (wait for a port, a change whose input an earlier
 * task makes) goes into `apply` too, with `uncertain` saying why the prediction may differ.
 */
export interface Plan<R extends BaseResult> {
  /** does the plan change the host (under --check: would it) */
  changed: boolean;
  /** one line for the user: what is (or would be) done */
  summary?: string;
  diff?: FileDiff[];
  /** result fields known without applying (also reported in check mode) */
  result?: Partial<R>;
  /** facts to set on the host (setFact); applied in check mode too */
  setFacts?: Vars;
  /**
   * the real run's part: makes the change, or does the work only a real run can do and that
   * changes nothing (a wait: `changed: false`). A `msg` it returns replaces `summary`.
   */
  apply?: () => Promise<Partial<R> | void>;
  /**
   * why a prediction may not be what the real run does (shown with --check results only):
   * a command whose effect is known only by running it, a file an earlier task would make
   */
  uncertain?: string;
  /**
   * the files `apply` leaves, with their content: under --check the runner keeps those a
   * task on the controller would write, so that later tasks reading them see them (see
   * engine/controller-files.ts)
   */
  writes?: { path: string; content: Buffer | string }[];
}

/**
 * The plan of a step whose input an earlier task of the run makes (a CA, a unit file, a
 * running service): --check predicts `prediction`, saying why it is uncertain; a real run
 * that still finds it missing fails with `failure`.
 */
export function needsEarlierTask<R extends BaseResult>(failure: string, prediction: Pick<Plan<R>, "changed" | "summary" | "result">): Plan<R> {
  return {
    ...prediction,
    uncertain: failure,
    apply: async () => {
      throw new ModuleFailure(failure, prediction.result ?? {});
    },
  };
}

/** What a module sees: the host's connection, vars and facts, and the run's flags. */
export interface ModuleContext {
  readonly host: string;
  /** already bound to the task's become settings */
  readonly conn: Connection;
  readonly vars: Vars;
  readonly facts: Facts;
  readonly diff: boolean;
  /** the task is no-log: a module must keep content and secrets out of its summary */
  readonly noLog: boolean;
  /** the controller's files as the run sees them: read `src` files through this (readSource) */
  readonly controller: ControllerFiles;
  /** folders searched for `src` files and templates: the role's, then the playbook's */
  readonly searchDirs: { files: string[]; templates: string[] };
  /** strict mustache over the host's vars */
  render(template: string): string;
  /** the whole host context, for modules (assert, debug) that evaluate user functions */
  readonly hostContext: HostContext;
  /** the run's vault, for modules that keep secrets in files (engine/vault/secret-file.ts); absent: no vault */
  readonly vault?: TaskVault;
}

/** A task failed for a reason the user can act on; the message is shown as is. */
export class ModuleFailure extends UserError {
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
