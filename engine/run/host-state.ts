/** What the run remembers about one host across tasks and plays. */
import { emptyStats, type HostStats } from "../events";
import { emptyFacts } from "../facts";
import type { Handler, RoleUse } from "../dsl";
import type { Facts, Vars } from "../host-context";

export class HostState {
  facts: Facts = emptyFacts();
  /** set facts and registered results by name: the layer above task vars */
  readonly hostFacts: Vars = {};
  /** typed results by task id, for `h.result(task)` */
  readonly results = new Map<number, unknown>();
  /** notified handlers, each with the role uses it is to run for (undefined: a play's own handler) */
  private readonly notified = new Map<Handler<any, any>, Set<RoleUse | undefined>>();
  readonly stats: HostStats = emptyStats();
  failed = false;
  unreachable = false;

  constructor(readonly name: string) {}

  get active(): boolean {
    return !this.failed && !this.unreachable;
  }

  notify(handler: Handler<any, any>, use: RoleUse | undefined): void {
    const uses = this.notified.get(handler) ?? new Set();
    this.notified.set(handler, uses.add(use));
  }

  isNotified(handler: Handler<any, any>, use: RoleUse | undefined): boolean {
    return this.notified.get(handler)?.has(use) ?? false;
  }

  clearNotified(handler: Handler<any, any>, use: RoleUse | undefined): void {
    this.notified.get(handler)?.delete(use);
  }
}
