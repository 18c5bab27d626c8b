/** Everything a play's tasks share while they run. */
import type { ControllerFiles } from "../controller-files";
import type { Handler, Play, Role, RoleUse } from "../dsl";
import type { RunEventBus } from "../events";
import type { Inventory } from "../inventory";
import type { ConnectionPool } from "./connection-pool";
import type { HostState } from "./host-state";
import type { RunSettings } from "./settings";

export interface PlayEnv {
  readonly settings: RunSettings;
  readonly play: Play;
  readonly inventory: Inventory;
  readonly states: Map<string, HostState>;
  readonly connections: ConnectionPool;
  readonly events: RunEventBus;
  /** the hosts this play targets, for `play_hosts` */
  readonly playHosts: string[];
  /** every handler of the play, roles' first, in definition order */
  readonly handlers: Handler<any, any>[];
  /** the role that defines each role handler, so it runs with a use's vars and templates */
  readonly handlerOwners: Map<Handler<any, any>, Role<any>>;
  /** how output names each role use ("leak (leak_name=first)") */
  readonly roleLabels: Map<RoleUse, string>;
  /** set when any_errors_fatal or max_fail_percentage ends the play */
  stopped: boolean;
  /** the controller's files as the run sees them, --check's predicted writes included */
  readonly controllerFiles: ControllerFiles;
  /** aborted on Ctrl-C: no task or host starts after it, those in flight finish */
  readonly interrupt?: AbortSignal;
  /** --start-at-task: false until the named task is reached */
  started: boolean;
}

/** Nothing more starts: the play was stopped by its failures, or the run interrupted. */
export const halted = (env: PlayEnv): boolean => env.stopped || env.interrupt?.aborted === true;
