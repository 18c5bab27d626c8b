import { UserError } from "../errors";
import type { Serial } from "../dsl";

function batchSize(spec: number | string, total: number): number {
  if (typeof spec === "number") return Math.max(1, Math.floor(spec));
  if (/^\s*\d+\s*$/.test(spec)) return Math.max(1, Number(spec));
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(spec.trim());
  if (!percent) throw new UserError(`serial: '${spec}' is neither a number nor a percentage`);
  return Math.max(1, Math.floor((Number(percent[1]) * total) / 100));
}

/**
 * Splits the play's hosts into batches as Ansible's `serial` does: the last size repeats.
 * A size may be a template (`"{{upgrade_serial}}"`), rendered beforehand (see play-runner).
 */
export function serialBatches<T>(hosts: readonly T[], serial: Serial | undefined): T[][] {
  if (serial === undefined || hosts.length === 0) return [hosts.slice()];
  const specs = Array.isArray(serial) ? serial : [serial];
  if (specs.length === 0) return [hosts.slice()];
  const batches: T[][] = [];
  let at = 0;
  for (let i = 0; at < hosts.length; i++) {
    const size = batchSize(specs[Math.min(i, specs.length - 1)]!, hosts.length);
    batches.push(hosts.slice(at, at + size));
    at += size;
  }
  return batches;
}
