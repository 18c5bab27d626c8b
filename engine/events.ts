/**
 * Everything the runner has to say, as events. Renderers subscribe; the runner never prints.
 */
import { EventEmitter } from "node:events";
import type { FileDiff } from "./module";

export type HostStatus = "ok" | "changed" | "failed" | "skipped" | "unreachable";

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export interface RunEvents {
  "play-start": { name: string; hosts: string[]; check: boolean };
  "task-start": {
    /** the task's name, rendered with the first host's vars when it is a template */
    name: string;
    handler: boolean;
    hosts: string[];
    play: string;
    /** the role use the task belongs to, as output names it ("leak (leak_name=first)") */
    role?: string;
    /** file:line where the task was written */
    source?: string;
  };
  "host-result": {
    task: string;
    host: string;
    play: string;
    role?: string;
    source?: string;
    status: HostStatus;
    msg: string;
    /** the host the task ran on, when delegated */
    delegatedTo?: string;
    item?: unknown;
    ignored?: boolean;
    diff?: FileDiff[];
    durationMs: number;
    /** the module result, already stripped of no-log content */
    result?: Record<string, unknown>;
  };
  "task-end": { name: string };
  "play-end": { name: string };
  warning: { msg: string };
  recap: { hosts: Record<string, HostStats> };
}

export class RunEventBus {
  private readonly emitter = new EventEmitter();

  on<E extends keyof RunEvents>(event: E, listener: (payload: RunEvents[E]) => void): this {
    this.emitter.on(event, listener);
    return this;
  }

  emit<E extends keyof RunEvents>(event: E, payload: RunEvents[E]): void {
    this.emitter.emit(event, payload);
  }
}

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}
