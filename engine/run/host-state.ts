/** What the run remembers about one host across tasks and plays. */
import { emptyStats, type HostStats } from "../events";
import { emptyFacts } from "../facts";
import type { Handler } from "../dsl";
import type { Facts, Vars } from "../host-context";

export class HostState {
  facts: Facts = emptyFacts();
  /** set facts and registered results by name: the layer above task vars */
  readonly hostFacts: Vars = {};
  /** typed results by task id, for `h.result(task)` */
  readonly results = new Map<number, unknown>();
  readonly notified = new Set<Handler<any>>();
  readonly stats: HostStats = emptyStats();
  failed = false;
  unreachable = false;

  constructor(readonly name: string) {}

  get active(): boolean {
    return !this.failed && !this.unreachable;
  }
}
