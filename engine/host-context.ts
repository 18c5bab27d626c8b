/** What a `when`, a loop or an argument function sees of one host at one point in the run. */
import type { Task } from "./dsl";

export interface Facts {
  os_family: string;
  distribution: string;
  distribution_version: string;
  distribution_major_version: string;
  hostname: string;
  default_ipv4: string;
  architecture: string;
  init_system: string;
  pkg_mgr: string;
}

export type Vars = Record<string, unknown>;

/**
 * `P` is the parameters of the role the task belongs to: role code made with
 * `roleParams(defaults)` reads `h.params.port` as the type of its default, no cast needed.
 */
export interface HostContext<P extends Vars = Vars> {
  /** the host's inventory name */
  readonly host: string;
  /** every variable visible to the task, precedence applied (facts, `item` and magic vars included) */
  readonly vars: Vars;
  /** the parameters of this use of the role, precedence applied and checked against their defaults' types; {} outside a role */
  readonly params: Readonly<P>;
  /** gathered facts; empty strings when gathering was skipped */
  readonly facts: Facts;
  /** the inventory's groups and their hosts (Ansible's `groups`) */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** the groups this host is in, without all and ungrouped (Ansible's `group_names`) */
  readonly groupNames: readonly string[];
  /** the current loop item, when the task loops */
  readonly item: unknown;
  /** the typed result a registered task left on this host, if it ran */
  result<R>(task: Task<R, any>): R | undefined;
  /**
   * a file on the controller, as the run sees it: under --check, with the content an earlier
   * task would have written there; undefined when it is not there
   */
  controllerFile(path: string): string | undefined;
}

/** A value, or a function computing it for a host. */
export type Dynamic<T, P extends Vars = Vars> = T | ((h: HostContext<P>) => T);
