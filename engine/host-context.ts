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

export interface HostContext {
  /** the host's inventory name */
  readonly host: string;
  /** every variable visible to the task, precedence applied (facts, `item` and magic vars included) */
  readonly vars: Vars;
  /** gathered facts; empty strings when gathering was skipped */
  readonly facts: Facts;
  /** the current loop item, when the task loops */
  readonly item: unknown;
  /** the typed result a registered task left on this host, if it ran */
  result<R>(task: Task<R>): R | undefined;
}

/** A value, or a function computing it for a host. */
export type Dynamic<T> = T | ((h: HostContext) => T);
