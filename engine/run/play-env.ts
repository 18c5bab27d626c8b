/** Everything a play's tasks share while they run. */
import type { Handler, Play, RoleUse } from "../dsl";
import type { RunEventBus } from "../events";
import type { Vars } from "../host-context";
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
  readonly handlers: Handler<any>[];
  /** the role a handler belongs to, so it sees that role's vars and templates */
  readonly handlerRoles: Map<Handler<any>, RoleUse>;
  /** role defaults and role vars of all the play's roles, merged in role order */
  readonly roleDefaults: Vars;
  readonly roleVars: Vars;
  /** set when any_errors_fatal or max_fail_percentage ends the play */
  stopped: boolean;
  /** --start-at-task: false until the named task is reached */
  started: boolean;
}
